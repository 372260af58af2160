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
 * normalize them (NFC) first if they come from different sources. A string
 * that is not well-formed UTF-16 (a lone surrogate) equals nothing.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  // UTF-8 encodes every lone surrogate as U+FFFD, so "\uD800" and "\uDC00" would compare equal.
  const malformed = hasLoneSurrogate(a) | hasLoneSurrogate(b);
  const left = bytesOf(a);
  const right = bytesOf(b);
  // Cycling through `right` keeps one comparison per byte of `left` whatever `right`'s length; an empty `right`
  // reads `undefined`, which XORs as 0, while the length check below already decided.
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) {
    difference |= (left[i] as number) ^ ((right[i % right.length] as number | undefined) ?? 0);
  }
  return difference === 0 && malformed === 0;
}

/**
 * 1 when a string holds a surrogate that is not half of a pair (not well-formed
 * UTF-16), else 0; 0 for bytes. Every code unit is read, with no early exit,
 * so the time depends on the length only.
 */
function hasLoneSurrogate(value: string | Uint8Array): number {
  if (typeof value !== 'string') return 0;
  let lone = 0;
  let pendingHigh = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const high = c >= 0xd800 && c <= 0xdbff ? 1 : 0;
    const low = c >= 0xdc00 && c <= 0xdfff ? 1 : 0;
    // A low surrogate completes a pending high one; either without the other is lone.
    lone |= pendingHigh ^ low;
    pendingHigh = high;
  }
  return lone | pendingHigh;
}
