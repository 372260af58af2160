/** Validation of renderer options, once, with TypeErrors that name the bad option. */
import { type AuthScheme, authSchemes } from '../render/challenge.js';

export const DEFAULT_TYPE_BASE = 'https://auth-errors.dev/problems/';

export function fail(message: string): never {
  throw new TypeError(`auth-errors: ${message}`);
}

export function validateSchemes(value: unknown): AuthScheme[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('option "schemes" must be an array such as ["Basic", "Bearer"]');
  return value.map((s) => {
    const scheme = typeof s === 'string' ? authSchemes.find((a) => a.toLowerCase() === s.toLowerCase()) : undefined;
    return scheme ?? fail(`option "schemes": ${JSON.stringify(s)} is not one of ${authSchemes.join(', ')}`);
  });
}

/** An absolute URI prefix: `${typeBase}${slug}` must be absolute (RFC 9457 §3.1.1) for every slug. */
export function validateTypeBase(value: unknown): string {
  if (value === undefined) return DEFAULT_TYPE_BASE;
  if (typeof value !== 'string' || value.length === 0) fail('option "typeBase" must be a non-empty string');
  let url: URL | undefined;
  try {
    url = new URL(`${value}invalid-token`);
  } catch {
    url = undefined;
  }
  if (url === undefined || !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(value)) {
    fail('option "typeBase" must be an absolute URI prefix such as "https://example.com/problems/"');
  }
  return value;
}

/** A non-negative integer number of seconds, or `undefined` when not given. */
export function validateSeconds(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`option "${option}" must be a non-negative integer number of seconds`);
  }
  return value;
}

export function validateFunction<T>(value: unknown, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(`option "${option}" must be a function`);
  return value as T;
}
