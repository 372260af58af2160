/**
 * The catalog of failures: one entry per problem type, and the single place
 * where a failure's status, title, slug and default wording are defined.
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
}

export const catalog: Readonly<Record<AuthErrorCode, ProblemTypeEntry>> = {
  credentials_required: {
    status: 401,
    slug: 'credentials-required',
    title: 'Credentials required',
    detail: 'Authentication is required to access this resource',
  },
  invalid_request: {
    status: 400,
    slug: 'invalid-request',
    title: 'Invalid authentication request',
    detail: 'The authentication information in the request is malformed',
  },
  invalid_token: {
    status: 401,
    slug: 'invalid-token',
    title: 'Invalid access token',
    detail: 'The access token is not valid',
  },
  invalid_credentials: {
    status: 401,
    slug: 'invalid-credentials',
    title: 'Invalid credentials',
    detail: 'The user name or password is incorrect',
  },
  insufficient_scope: {
    status: 403,
    slug: 'insufficient-scope',
    title: 'Insufficient scope',
    detail: 'The access token does not grant the scope this request requires',
  },
  forbidden: {
    status: 403,
    slug: 'forbidden',
    title: 'Forbidden',
    detail: 'You are not allowed to perform this request',
  },
  insufficient_user_authentication: {
    status: 401,
    slug: 'insufficient-user-authentication',
    title: 'Insufficient user authentication',
    detail: 'A stronger or more recent authentication is required',
  },
  invalid_dpop_proof: {
    status: 401,
    slug: 'invalid-dpop-proof',
    title: 'Invalid DPoP proof',
    detail: 'The DPoP proof is not valid for this request',
  },
  use_dpop_nonce: {
    status: 401,
    slug: 'use-dpop-nonce',
    title: 'DPoP nonce required',
    detail: 'Resource server requires nonce in DPoP proof',
  },
  too_many_requests: {
    status: 429,
    slug: 'too-many-requests',
    title: 'Too many requests',
    detail: 'Too many requests with these credentials. Retry after Retry-After seconds',
  },
  auth_unavailable: {
    status: 503,
    slug: 'auth-unavailable',
    title: 'Authentication service unavailable',
    detail: 'Credentials cannot be checked right now. Retry later with the same credentials',
  },
};

export const authErrorCodes = Object.keys(catalog) as readonly AuthErrorCode[];

export function isAuthErrorCode(value: unknown): value is AuthErrorCode {
  return typeof value === 'string' && Object.hasOwn(catalog, value);
}
