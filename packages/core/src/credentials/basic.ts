/**
 * Basic credentials per RFC 7617 §2: strict Base64 (RFC 4648 §4), split at the
 * first colon, UTF-8 decoded fatally (§2.1), no control characters, NFC.
 */
import { invalidCredentials } from '../errors/errors.js';
import { decodeBase64Strict } from './base64.js';

export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
  // Strict: a lenient decoder (Buffer's, atob's) would skip bad characters,
  // accept missing padding or base64url, and so give one password many spellings.
  const bytes = decodeBase64Strict(token68);
  if (bytes === undefined) throw malformed();
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
