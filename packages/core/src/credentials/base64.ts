/**
 * Strict Base64 (RFC 4648 §4) decoding, written out so that it runs on every
 * JavaScript runtime (no Buffer) and accepts exactly one spelling of each byte
 * string: the standard alphabet only, padding required, no whitespace, and
 * zero pad bits (§3.5). Linear in the input.
 */

/** Character code → 6-bit value + 1; 0 marks a character outside the alphabet. */
const VALUE = new Uint8Array(128);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i + 1;

function sextet(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c < 128 ? (VALUE[c] as number) - 1 : -1;
}

/**
 * The bytes `text` encodes, or `undefined` for anything that is not canonical
 * padded Base64: a wrong length, a character outside the alphabet, padding
 * anywhere but the end, or non-zero bits in the last character before `=`.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (text.length === 0 || text.length % 4 !== 0) return undefined;
  const padding = text.charCodeAt(text.length - 1) !== 0x3d ? 0 : text.charCodeAt(text.length - 2) === 0x3d ? 2 : 1;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  const end = text.length - padding;
  let out = 0;
  let bits = 0;
  let held = 0;
  for (let i = 0; i < end; i++) {
    const value = sextet(text, i);
    if (value < 0) return undefined;
    bits = (bits << 6) | value;
    held += 6;
    if (held >= 8) {
      held -= 8;
      bytes[out++] = (bits >> held) & 0xff;
    }
  }
  // What is left over are pad bits: 2 (one "=") or 4 ("=="), and they must be zero.
  if ((bits & ((1 << held) - 1)) !== 0) return undefined;
  return bytes;
}
