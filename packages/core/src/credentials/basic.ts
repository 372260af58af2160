/**
 * Basic credentials per RFC 7617 §2: strict Base64 (RFC 4648 §4), split at the
 * first colon, UTF-8 decoded fatally (§2.1), no control characters, NFC.
 */
import { invalidCredentials } from '../errors.js';

export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isBase64(value: string): boolean {
  if (value.length === 0 || value.length % 4 !== 0) return false;
  let end = value.length;
  if (value.charCodeAt(end - 1) === 0x3d) end--;
  if (value.charCodeAt(end - 1) === 0x3d) end--;
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    if (!ok) return false;
  }
  return true;
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const malformed = () => invalidCredentials({ detail: 'The Basic credentials are malformed' });

/**
 * Decodes the token68 of a `Basic` Authorization field. Any defect is
 * `invalid_credentials` (401 with the Basic challenge, so a browser asks
 * again), never a partial or lenient decode.
 */
export function decodeBasic(token68: string): BasicCredentials {
  // Buffer.from(s, 'base64') skips bad characters and accepts missing padding
  // and base64url; re-encoding also rejects non-zero padding bits.
  if (!isBase64(token68)) throw malformed();
  const bytes = Buffer.from(token68, 'base64');
  if (bytes.toString('base64') !== token68) throw malformed();
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw malformed();
  }
  const colon = text.indexOf(':');
  if (colon === -1 || hasControl(text)) throw malformed();
  return { user: text.slice(0, colon).normalize('NFC'), password: text.slice(colon + 1).normalize('NFC') };
}
