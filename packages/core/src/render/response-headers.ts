/**
 * The header fields of a rendered failure beyond its challenges: the fields
 * it sets, the ones a cross-origin script may read, and the request headers
 * it varies on.
 */
import type { AuthError } from '../errors/errors.js';
import { utf8Length } from '../util/utf8.js';
import { hasRetryAfter } from './error-challenges.js';

/** The fields of a failure's response, in the order they are set. */
export function failureHeaders(
  error: AuthError,
  mediaType: string,
  body: string,
  lines: readonly string[],
  retryAfter: number,
): Record<string, string | readonly string[]> {
  const headers: Record<string, string | readonly string[]> = {
    'content-type': mediaType,
    'content-length': String(utf8Length(body)),
    'cache-control': 'no-store',
  };
  if (lines.length > 0) headers['www-authenticate'] = lines;
  if (hasRetryAfter(error.code)) headers['retry-after'] = String(error.retryAfter ?? retryAfter);
  const nonce = error.dpop?.nonce;
  if (nonce !== undefined) headers['dpop-nonce'] = nonce; // RFC 9449 §9: one field line
  return headers;
}

/**
 * A comma-separated list header (`Access-Control-Expose-Headers`) with `names`
 * added once each, whatever a CORS layer already put there.
 */
export function appendToList(existing: unknown, names: readonly string[]): string {
  const current = (Array.isArray(existing) ? existing.join(',') : typeof existing === 'string' ? existing : '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  const known = new Set(current.map((item) => item.toLowerCase()));
  return [...current, ...names.filter((name) => !known.has(name.toLowerCase()))].join(', ');
}

export const VARY: readonly string[] = ['Accept'];
export const NONE: readonly string[] = [];
const READABLE_CHALLENGE: readonly string[] = ['WWW-Authenticate'];
const READABLE_RETRY: readonly string[] = ['Retry-After'];
const READABLE_NONCE: readonly string[] = ['WWW-Authenticate', 'DPoP-Nonce'];

/**
 * The fields among `headers` a cross-origin script needs to read, for
 * `Access-Control-Expose-Headers` (WHATWG Fetch; docs/conformance.md rule 62):
 * the challenge and a nonce, or else `Retry-After`.
 */
export function crossOriginReadable(headers: Readonly<Record<string, unknown>>): readonly string[] {
  if ('dpop-nonce' in headers) return READABLE_NONCE;
  return 'www-authenticate' in headers ? READABLE_CHALLENGE : 'retry-after' in headers ? READABLE_RETRY : NONE;
}
