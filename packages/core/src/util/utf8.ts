/** UTF-8 lengths without Buffer, so the core runs on every JavaScript runtime. */

/** Any UTF-16 code unit outside ASCII. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * The number of bytes `text` takes in UTF-8, for `Content-Length`: what
 * `TextEncoder` would produce (a lone surrogate becomes U+FFFD, 3 bytes),
 * counted without encoding.
 */
export function utf8Length(text: string): number {
  // Most bodies are ASCII: one native scan instead of a loop over char codes (about a third of the time).
  if (!NON_ASCII.test(text)) return text.length;
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      length += 1;
      continue;
    }
    // 3 bytes for the rest of the BMP and for a lone surrogate; a surrogate pair is 4 bytes for its 2 code units.
    length += 2;
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
  }
  return length;
}
