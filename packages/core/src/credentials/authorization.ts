/**
 * Reads the `Authorization` request header (RFC 9110 §11.6.2) from all of its
 * field lines. Node keeps only the first duplicate in `req.headers`, so callers
 * pass every line (`fromNodeRequest` reads them from `req.rawHeaders`).
 */
import { invalidRequest } from '../errors/errors.js';
import { isToken } from '../render/header-values.js';

export interface AuthorizationCredentials {
  /** The auth-scheme in lower case: scheme names are case-insensitive (RFC 9110 §11.1). */
  readonly scheme: string;
  /** Everything after the scheme and its separating spaces (token68 or auth-params); may be empty. */
  readonly value: string;
}

/**
 * Splits the one `Authorization` field into scheme and credentials.
 * Returns `undefined` when the request carries none. Throws `invalid_request`
 * for duplicate fields or a scheme that is not a token. Linear time.
 */
export function readAuthorization(lines: readonly string[] | string | undefined): AuthorizationCredentials | undefined {
  if (lines === undefined) return undefined;
  const values = typeof lines === 'string' ? [lines] : lines.filter((l) => typeof l === 'string' && l.trim() !== '');
  if (values.length === 0) return undefined;
  if (values.length > 1) {
    throw invalidRequest({ detail: 'The request has more than one Authorization header field' });
  }
  const field = (values[0] as string).trim();
  if (field === '') return undefined;
  const space = field.indexOf(' ');
  const scheme = space === -1 ? field : field.slice(0, space);
  if (!isToken(scheme)) {
    throw invalidRequest({ detail: 'The Authorization header field is malformed' });
  }
  let start = space === -1 ? field.length : space;
  while (start < field.length && field.charCodeAt(start) === 0x20) start++;
  return { scheme: scheme.toLowerCase(), value: field.slice(start) };
}
