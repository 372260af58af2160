/**
 * `AuthError` and one factory per failure. Each error also satisfies the
 * http-errors contract (`status`, `statusCode`, `expose`, `headers`), so a
 * host's default error handler that bypasses auth-errors still sends the
 * right status and challenge.
 */

import { validateSeconds } from '../options/validate.js';
import { assertDpopChallenge } from '../render/challenge.js';
import { defaultChallengeHeaders } from '../render/error-challenges.js';
import { assertHeaderText, isErrorDescription, isScopeToken } from '../render/header-values.js';
import { type AuthErrorCode, catalog, isAuthErrorCode } from './catalog.js';
import {
  type AuthErrorContext,
  type AuthErrorInit,
  CONTEXT_FIELDS,
  type ContextField,
  contextOf,
  missingFields,
} from './context.js';

const BRAND = Symbol.for('auth-errors.AuthError');

/** What a caller may say about a failure it raises. */
export interface AuthErrorOptions
  extends Pick<AuthErrorInit, 'detail' | 'cause' | 'scheme' | 'realm' | 'challengeScope'> {}

/** Options of the factories a guard or check calls, which may add its DPoP challenge. */
type GuardErrorOptions = AuthErrorOptions & Pick<AuthErrorInit, 'dpop'>;

/** An RFC 9470 step-up requirement: `acrValues`, `maxAge` or both. */
export interface StepUpRequirement extends Pick<AuthErrorInit, 'acrValues' | 'maxAge'> {}

/**
 * `Error`, typed with the context fields the constructor assigns from
 * `CONTEXT_FIELDS`: the class declares them once, through `AuthErrorContext`.
 */
const ContextError = Error as unknown as new (message: string, options?: ErrorOptions) => Error & AuthErrorContext;

/** `cause` stays Error's own non-enumerable property, so that an error logged as JSON never prints it. */
const ASSIGNED_FIELDS = CONTEXT_FIELDS.filter((field) => field !== 'cause');

export class AuthError extends ContextError {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: 400 | 401 | 403 | 429 | 503;
  readonly statusCode: 400 | 401 | 403 | 429 | 503;
  /** true for 4xx (the detail is safe to show), false for 5xx, as http-errors defines it. */
  readonly expose: boolean;
  /** The same text as `detail` when it fits RFC 6750's `error_description` character set, else the catalog's default. */
  readonly description: string;
  #headers: Record<string, string | string[]> | undefined;

  constructor(code: AuthErrorCode, init: AuthErrorInit = {}) {
    assertInit(code, init);
    const entry = catalog[code];
    const detail = typeof init.detail === 'string' && init.detail.length > 0 ? init.detail : entry.detail;
    // An AuthError is an expected outcome, not a bug: capturing a stack trace
    // would cost more than rendering the whole response, and nobody reads it.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(detail, init.cause === undefined ? undefined : { cause: init.cause });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.code = code;
    this.status = entry.status;
    this.statusCode = entry.status;
    this.expose = entry.status < 500;
    this.description = isErrorDescription(detail) ? detail : entry.detail;
    const fields = this as Record<ContextField, unknown>;
    for (const field of ASSIGNED_FIELDS) fields[field] = init[field];
    fields.detail = detail;
    if (init.challengeScope !== undefined) fields.challengeScope = [...init.challengeScope];
  }

  /** Headers for a host error handler that renders this error without auth-errors. */
  get headers(): Record<string, string | string[]> {
    this.#headers ??= defaultChallengeHeaders(this);
    return this.#headers;
  }

  set headers(value: Record<string, string | string[]>) {
    this.#headers = value;
  }

  static {
    // On the prototype, not each instance: recognised across copies of the package at no per-error cost.
    Object.defineProperty(AuthError.prototype, BRAND, { value: true });
  }

  /** True for an AuthError from any copy of this package. */
  static is(value: unknown): value is AuthError {
    if (typeof value !== 'object' || value === null) return false;
    try {
      return (value as Record<symbol, unknown>)[BRAND] === true;
    } catch {
      return false; // a Proxy whose get trap throws
    }
  }
}

function assertScopes(scopes: readonly string[], option: string): void {
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string' && isScopeToken(s))) {
    throw new TypeError(
      `auth-errors: ${option} must be a non-empty array of scope tokens (visible ASCII, no spaces, quotes or backslashes)`,
    );
  }
}

/**
 * The constructor refuses what the factories refuse: these values reach the
 * challenge and `Retry-After` headers, and `new AuthError(…)` is public.
 */
function assertInit(code: unknown, init: AuthErrorInit): void {
  if (!isAuthErrorCode(code)) throw new TypeError('auth-errors: unknown auth error code');
  if (init.scheme !== undefined && init.scheme !== 'Basic' && init.scheme !== 'Bearer' && init.scheme !== 'DPoP') {
    throw new TypeError('auth-errors: option "scheme" must be "Basic", "Bearer" or "DPoP"');
  }
  // The renderer would otherwise drop a realm it cannot send for its own, silently.
  if (init.realm !== undefined) assertHeaderText(init.realm, 'realm');
  if (init.requiredScopes !== undefined) assertScopes(init.requiredScopes, 'requiredScopes');
  if (init.challengeScope !== undefined) assertScopes(init.challengeScope, 'option "challengeScope"');
  if (init.acrValues !== undefined || init.maxAge !== undefined) assertStepUp(init);
  validateSeconds(init.retryAfter, 'retryAfter');
  if (init.dpop !== undefined) assertDpopChallenge(init.dpop);
}

/**
 * `error` with some fields replaced (a guard adds its scheme, realm and DPoP
 * challenge): the one way to re-create an AuthError, so that every other
 * field is carried over and no copy written by hand can drop one.
 */
export function withContext(error: AuthError, changes: AuthErrorInit): AuthError {
  return new AuthError(error.code, { ...contextOf(error), ...changes });
}

/**
 * `error` with each context field it lacks taken from `defaults` (a guard's
 * scheme, realm, challenge scope and DPoP challenge), or `error` itself when it lacks none.
 */
export function withDefaults(error: AuthError, defaults: AuthErrorInit): AuthError {
  const missing = missingFields(error, defaults);
  return missing === undefined ? error : withContext(error, missing);
}

/** Throws a TypeError when a step-up requirement cannot be expressed in an RFC 9470 challenge. */
export function assertStepUp(requirement: StepUpRequirement): void {
  const { acrValues, maxAge } = requirement;
  if (acrValues === undefined && maxAge === undefined) {
    throw new TypeError('auth-errors: a step-up requirement needs "acrValues", "maxAge" or both');
  }
  if (acrValues !== undefined) assertScopes(acrValues, 'option "acrValues"');
  validateSeconds(maxAge, 'maxAge');
}

/** 401: no credentials, or only schemes this API does not accept. Carries no error information (RFC 6750 §3.1). */
export function credentialsRequired(options: AuthErrorOptions = {}): AuthError {
  return new AuthError('credentials_required', options);
}

/** 400: malformed `Authorization`, duplicate fields, or a token sent by two methods. */
export function invalidRequest(options: AuthErrorOptions = {}): AuthError {
  return new AuthError('invalid_request', options);
}

/** 401: the Bearer token is malformed, expired, not yet valid, badly signed, or not for this resource. */
export function invalidToken(options: AuthErrorOptions = {}): AuthError {
  return new AuthError('invalid_token', { scheme: 'Bearer', ...options });
}

/** 401: Basic credentials that are wrong or do not decode. Never says whether the user or the password was wrong. */
export function invalidCredentials(options: AuthErrorOptions = {}): AuthError {
  return new AuthError('invalid_credentials', { scheme: 'Basic', ...options });
}

/** 403: an authenticated caller whose token lacks one of `requiredScopes`. */
export function insufficientScope(requiredScopes: readonly string[], options: GuardErrorOptions = {}): AuthError {
  assertScopes(requiredScopes, 'requiredScopes');
  return new AuthError('insufficient_scope', { scheme: 'Bearer', ...options, requiredScopes: [...requiredScopes] });
}

/** 403: an authenticated caller that a policy (role, claim, ownership) denies. No challenge. */
export function forbidden(options: AuthErrorOptions = {}): AuthError {
  return new AuthError('forbidden', options);
}

/** 401: RFC 9470 step-up: the token's `acr` or `auth_time` falls short. */
export function insufficientUserAuthentication(
  requirement: StepUpRequirement,
  options: GuardErrorOptions = {},
): AuthError {
  assertStepUp(requirement);
  return new AuthError('insufficient_user_authentication', {
    scheme: 'Bearer',
    ...options,
    acrValues: requirement.acrValues === undefined ? undefined : [...requirement.acrValues],
    maxAge: requirement.maxAge,
  });
}

/** 401: a DPoP proof that is missing, malformed, or not for this request, token or key (RFC 9449 §7.1). */
export function invalidDpopProof(options: GuardErrorOptions = {}): AuthError {
  return new AuthError('invalid_dpop_proof', { scheme: 'DPoP', ...options });
}

/** 401: the proof lacks the resource server's current nonce, which goes out in `DPoP-Nonce` (RFC 9449 §9). */
export function useDpopNonce(options: GuardErrorOptions = {}): AuthError {
  return new AuthError('use_dpop_nonce', { scheme: 'DPoP', ...options });
}

/**
 * 429 (RFC 6585 §4): the credentials are fine, but the caller sent more than
 * its share; no challenge, since other credentials would not help. Retry after `retryAfter` seconds.
 */
export function tooManyRequests(options: AuthErrorOptions & { readonly retryAfter?: number } = {}): AuthError {
  return new AuthError('too_many_requests', options);
}

/** 503: the identity provider, the JWKS or a verify callback failed for a reason that is not the caller's. */
export function authUnavailable(options: AuthErrorOptions & { readonly retryAfter?: number } = {}): AuthError {
  return new AuthError('auth_unavailable', options); // the constructor checks retryAfter
}
