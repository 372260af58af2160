/**
 * Maps jose's error codes (stable `err.code` values, jose 6) to failures,
 * with fixed public wording: jose's own messages name claims and internals
 * and contain `"`, so they never reach a response.
 */
import { type AuthError, authUnavailable, invalidToken } from './errors.js';

/** Key-resolution errors caused by the token (its `kid`/`alg`), not by the key source. */
export const TOKEN_SIDE_KEY_ERRORS: ReadonlySet<string> = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/**
 * Errors that only a remote JWKS fetch raises: the key source failed. The
 * last is this package's key source (KeySourceError), named in jose's family
 * so that an app calling jose's `jwtVerify` with it gets 503 too.
 */
const KEY_SOURCE_ERRORS: ReadonlySet<string> = new Set([
  'ERR_JWKS_TIMEOUT',
  'ERR_JWKS_INVALID',
  'ERR_JOSE_GENERIC',
  'ERR_JWKS_UNAVAILABLE',
]);

const CLAIM_DETAILS: Readonly<Record<string, string>> = {
  nbf: 'The access token is not valid yet',
  iat: 'The access token has an invalid issue time',
  iss: 'The access token was not issued by a trusted issuer',
  aud: 'The access token is not intended for this resource',
  typ: 'The token is not an access token of an accepted type',
};

function claimDetail(claim: unknown, reason: unknown): string {
  if (reason === 'missing') return 'The access token lacks a required claim';
  return (typeof claim === 'string' && CLAIM_DETAILS[claim]) || 'The access token claims are not valid';
}

const CODE_DETAILS: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'The access token expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The access token signature is invalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'The access token is signed with an algorithm that is not accepted',
  ERR_JOSE_NOT_SUPPORTED: 'The access token is signed with an algorithm that is not accepted',
  ERR_JWKS_NO_MATCHING_KEY: 'The access token is signed with an unknown key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'The access token does not identify its signing key',
};

export function isJoseCode(code: unknown): code is string {
  return typeof code === 'string' && /^ERR_(JOSE|JWT|JWS|JWE|JWK|JWKS)_[A-Z_]+$/.test(code);
}

/**
 * The failure for a jose error `code`. `fromKeySource` says the error came
 * out of a wrapped remote key resolver, where anything but a token-side key
 * error means the key source is unavailable.
 */
export function fromJoseCode(
  code: string,
  details: { readonly cause: unknown; readonly claim?: unknown; readonly reason?: unknown },
): AuthError {
  if (KEY_SOURCE_ERRORS.has(code)) return authUnavailable({ cause: details.cause, scheme: 'Bearer' });
  const detail =
    code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
      ? claimDetail(details.claim, details.reason)
      : (CODE_DETAILS[code] ?? 'The access token is malformed');
  return invalidToken({ detail, cause: details.cause });
}
