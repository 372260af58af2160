/**
 * The catalog of failures: one entry per problem type, and the single place
 * where a failure's status, title, slug, default wording and challenge policy
 * are defined.
 *
 * Every failure has a type of its own, `credentials_required` and `forbidden`
 * included: `about:blank` may carry no extension members (RFC 9457 §4.2.1),
 * and a body without `code` would leave clients two ways to tell failures
 * apart. With a minted type for each, a client switches on `code` alone.
 */

export type AuthErrorCode =
  | 'credentials_required'
  | 'invalid_request'
  | 'invalid_token'
  | 'invalid_credentials'
  | 'insufficient_scope'
  | 'forbidden'
  | 'insufficient_user_authentication'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'too_many_requests'
  | 'auth_unavailable';

export interface ProblemTypeEntry {
  readonly status: 400 | 401 | 403 | 429 | 503;
  /** The last segment of the problem type URI: `${typeBase}${slug}`. */
  readonly slug: string;
  readonly title: string;
  /** Default `detail`; also safe for `error_description` (RFC 6750 §3 character set). */
  readonly detail: string;
  /** Which `WWW-Authenticate` challenges the failure gets, and what they say (render/error-challenges.ts reads it). */
  readonly challenge: ChallengePolicy;
  /** The response tells the client when to retry with the same credentials (RFC 9110 §10.2.3, RFC 6585 §4). */
  readonly retryAfter?: true;
}

/** A parameter a challenge carrying `error=` may add, in canonical order (RFC 6750 §3, RFC 9470 §3). */
export type ErrorParameter = 'error_description' | 'scope' | 'acr_values' | 'max_age';

export interface ChallengePolicy {
  /**
   * Which schemes answer.
   * - `none`: no challenge: other credentials would not help.
   * - `used`: only the scheme the client used, Bearer or DPoP; none after Basic (docs/conformance.md rule 15).
   * - `offered`: each scheme the API offers and the one the failure concerns, Basic first; Bearer when none is known.
   * - `bearer`: Bearer alone, when the failure concerns it, the API offers it, or nothing is known.
   * Behind a guard that accepts DPoP, `offered` and `bearer` are alike (RFC 9449 §7.1): Basic when offered
   * and not used, Bearer unless the guard takes DPoP only, then DPoP.
   */
  readonly answer: 'none' | 'used' | 'offered' | 'bearer';
  /** The parameters after `error=` on the challenge of the scheme that failed; absent: no error information (RFC 6750 §3.1). */
  readonly error?: readonly ErrorParameter[];
  /** `scope` also goes on the challenges without error information: a challenge attribute, not an error (RFC 6750 §3). */
  readonly bareScope?: true;
  /** `scope` names the required scopes too, after those the application lists (RFC 6750 §3.1). */
  readonly requiredScope?: true;
  /** The failure concerns the DPoP proof: its DPoP challenge carries the error, and one is sent even without a guard's (RFC 9449 §7.1). */
  readonly dpop?: true;
}

const NO_CHALLENGE: ChallengePolicy = { answer: 'none' };

export const catalog: Readonly<Record<AuthErrorCode, ProblemTypeEntry>> = {
  credentials_required: {
    status: 401,
    slug: 'credentials-required',
    title: 'Credentials required',
    detail: 'Authentication is required to access this resource',
    challenge: { answer: 'offered', bareScope: true },
  },
  invalid_request: {
    status: 400,
    slug: 'invalid-request',
    title: 'Invalid authentication request',
    detail: 'The authentication information in the request is malformed',
    challenge: { answer: 'bearer', error: ['error_description'] },
  },
  invalid_token: {
    status: 401,
    slug: 'invalid-token',
    title: 'Invalid access token',
    detail: 'The access token is not valid',
    challenge: { answer: 'offered', error: ['error_description', 'scope'] },
  },
  invalid_credentials: {
    status: 401,
    slug: 'invalid-credentials',
    title: 'Invalid credentials',
    detail: 'The user name or password is incorrect',
    challenge: { answer: 'offered' },
  },
  insufficient_scope: {
    status: 403,
    slug: 'insufficient-scope',
    title: 'Insufficient scope',
    detail: 'The access token does not grant the scope this request requires',
    // RFC 6750 §3.1 example: the needed scope says it all.
    challenge: { answer: 'used', error: ['scope'], requiredScope: true },
  },
  forbidden: {
    status: 403,
    slug: 'forbidden',
    title: 'Forbidden',
    detail: 'You are not allowed to perform this request',
    challenge: NO_CHALLENGE,
  },
  insufficient_user_authentication: {
    status: 401,
    slug: 'insufficient-user-authentication',
    title: 'Insufficient user authentication',
    detail: 'A stronger or more recent authentication is required',
    challenge: { answer: 'used', error: ['error_description', 'scope', 'acr_values', 'max_age'] },
  },
  invalid_dpop_proof: {
    status: 401,
    slug: 'invalid-dpop-proof',
    title: 'Invalid DPoP proof',
    detail: 'The DPoP proof is not valid for this request',
    challenge: { answer: 'offered', error: ['error_description'], dpop: true },
  },
  use_dpop_nonce: {
    status: 401,
    slug: 'use-dpop-nonce',
    title: 'DPoP nonce required',
    detail: 'Resource server requires nonce in DPoP proof',
    challenge: { answer: 'offered', error: ['error_description'], dpop: true },
  },
  too_many_requests: {
    status: 429,
    slug: 'too-many-requests',
    title: 'Too many requests',
    detail: 'Too many requests with these credentials. Retry after Retry-After seconds',
    challenge: NO_CHALLENGE,
    retryAfter: true,
  },
  auth_unavailable: {
    status: 503,
    slug: 'auth-unavailable',
    title: 'Authentication service unavailable',
    detail: 'Credentials cannot be checked right now. Retry later with the same credentials',
    challenge: NO_CHALLENGE,
    retryAfter: true,
  },
};

export const authErrorCodes = Object.keys(catalog) as readonly AuthErrorCode[];

export function isAuthErrorCode(value: unknown): value is AuthErrorCode {
  return typeof value === 'string' && Object.hasOwn(catalog, value);
}
