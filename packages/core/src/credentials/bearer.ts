/**
 * Bearer tokens per RFC 6750 §2: the Authorization header (b64token syntax),
 * and, only when enabled, the form body (§2.2) and the query (§2.3).
 */
import { invalidRequest, invalidToken } from '../errors/errors.js';
import type { AuthorizationCredentials } from './authorization.js';

export type BearerMethod = 'header' | 'body' | 'query';

const B64TOKEN = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/') {
  B64TOKEN[ch.charCodeAt(0)] = 1;
}

/** RFC 6750 §2.1 b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
export function isB64Token(value: string): boolean {
  let i = 0;
  while (i < value.length) {
    const c = value.charCodeAt(i);
    if (c > 0x7f || B64TOKEN[c] !== 1) break;
    i++;
  }
  if (i === 0) return false;
  while (i < value.length && value.charCodeAt(i) === 0x3d) i++;
  return i === value.length;
}

export interface BearerSources {
  /** The parsed Authorization field, if any. */
  readonly authorization: AuthorizationCredentials | undefined;
  /** `access_token` values from the query string, when the query method is enabled. */
  readonly query?: readonly string[] | undefined;
  /** `access_token` values from an urlencoded body, when the body method is enabled. */
  readonly body?: readonly string[] | undefined;
}

function checkToken(token: string): string {
  if (!isB64Token(token)) throw invalidToken({ detail: 'The access token is malformed' });
  return token;
}

/**
 * Finds the one Bearer token of a request. `undefined` means no Bearer
 * credentials at all. A token sent by two methods, or twice, is
 * `invalid_request` (RFC 6750 §3.1); `Bearer` with nothing after it is
 * `invalid_request`; a token outside b64token syntax is `invalid_token`.
 */
export function findBearerToken(sources: BearerSources): string | undefined {
  const header = sources.authorization?.scheme === 'bearer' ? sources.authorization.value : undefined;
  const found: string[] = [];
  if (header !== undefined) found.push(header);
  if (sources.query) found.push(...sources.query);
  if (sources.body) found.push(...sources.body);
  if (found.length === 0) return undefined;
  if (found.length > 1) {
    throw invalidRequest({ scheme: 'Bearer', detail: 'Multiple methods used to include access token' });
  }
  const token = found[0] as string;
  if (token === '') throw invalidRequest({ scheme: 'Bearer', detail: 'The access token is missing' });
  return checkToken(token);
}
