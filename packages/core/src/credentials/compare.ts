/** Constant-time comparison of secrets, on any JavaScript runtime. */

const encoder = new TextEncoder();

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? encoder.encode(value) : value;
}

/**
 * Compares two secrets in time that depends on neither their content nor
 * how their lengths relate: every byte of `a` is compared (against `b`'s bytes,
 * cycled), with no early exit, and a length difference only changes the result.
 * Put the caller's input first and the stored secret second: the loop then
 * runs once per byte of the input, whatever the secret's length. Strings compare as UTF-8;
 * normalize them (NFC) first if they come from different sources.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const left = bytesOf(a);
  const right = bytesOf(b);
  // Cycling through `right` keeps one comparison per byte of `left` whatever `right`'s length; an empty `right`
  // reads `undefined`, which XORs as 0, while the length check below already decided.
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) {
    difference |= (left[i] as number) ^ ((right[i % right.length] as number | undefined) ?? 0);
  }
  return difference === 0;
}
