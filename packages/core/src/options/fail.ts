/** The library's TypeError for a bad configuration: thrown when a factory is called, never per request. */
export function fail(message: string): never {
  throw new TypeError(`auth-errors: ${message}`);
}
