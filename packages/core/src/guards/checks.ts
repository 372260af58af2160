/**
 * Authorization checks on a verified AuthInfo: required scopes (403
 * insufficient_scope), a policy predicate (403 forbidden) and RFC 9470
 * step-up (401 insufficient_user_authentication). With no AuthInfo at all,
 * each is 401 credentials_required: authentication comes first.
 */
import {
  AuthError,
  assertStepUp,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  type StepUpRequirement,
} from '../errors/errors.js';
import { STEP_UP_OPTIONS } from '../options/guard-options.js';
import { readOptions } from '../options/read.js';
import { fail } from '../options/validate.js';
import type { AuthRequest } from '../request/request.js';
import { readProperty } from '../util/safe-read.js';
import { type AuthInfo, challengeContext } from './auth-info.js';
import { PREFLIGHT, type Preflight } from './preflight.js';

/**
 * Resolves to `undefined` when the request may go on, to the AuthError it
 * fails with (resolved, not thrown, as a guard's: see `Guard`), or to
 * `PREFLIGHT` for a CORS preflight, which the adapter ends with 204. It
 * rejects only with what a policy throws that is not an auth failure.
 */
export type Check = (auth: AuthInfo | undefined, request: AuthRequest) => Promise<AuthError | Preflight | undefined>;

const unauthenticated = (auth: AuthInfo | undefined): auth is undefined => auth === undefined || auth === null;

/** Every one of `scopes` must be granted. */
export function createScopeCheck(scopes: readonly string[]): Check {
  const required = [...scopes];
  insufficientScope(required); // validates now: a bad scope is a TypeError at creation
  return async (auth, request) => {
    if (request.preflight) return PREFLIGHT;
    if (unauthenticated(auth)) return credentialsRequired();
    const granted = auth.scopes;
    return required.every((s) => granted.includes(s)) ? undefined : insufficientScope(required, challengeContext(auth));
  };
}

export type Policy<Principal = unknown> = (
  auth: AuthInfo<Principal>,
  request: AuthRequest,
) => boolean | Promise<boolean>;

/**
 * `policy` returns true to allow. false is 403 `forbidden`. An AuthError it
 * throws is rendered; any other error is the application's and passes through.
 */
export function createPolicyCheck<Principal = unknown>(policy: Policy<Principal>): Check {
  if (typeof policy !== 'function') fail('requireAuth needs a predicate function');
  return async (auth, request) => {
    if (request.preflight) return PREFLIGHT;
    if (unauthenticated(auth)) return credentialsRequired();
    try {
      return (await policy(auth as AuthInfo<Principal>, request)) === true ? undefined : forbidden();
    } catch (error) {
      if (AuthError.is(error)) return error;
      throw error;
    }
  };
}

/** What `requireStepUp` takes: the RFC 9470 requirement, and the clock skew allowed for `auth_time`. */
export interface StepUpOptions extends StepUpRequirement {
  /**
   * Seconds an `auth_time` may lie in the future (clock skew between the
   * authorization server and this one), from 0 to 300. Default 30, as
   * jwtAuth's `clockTolerance`. Beyond it, the authentication time is not
   * believable, and the token is refused like an old one.
   */
  readonly clockTolerance?: number | undefined;
}

/**
 * RFC 9470: the token's `acr` must be one of `acrValues`; its `auth_time` no
 * older than `maxAge` seconds, and not in the future beyond `clockTolerance`.
 */
export function createStepUpCheck(requirement: StepUpOptions, now: () => number = Date.now): Check {
  const { acrValues, maxAge, clockTolerance: tolerance } = readOptions(STEP_UP_OPTIONS, requirement);
  assertStepUp({ acrValues, maxAge });
  return async (auth, request) => {
    if (request.preflight) return PREFLIGHT;
    if (unauthenticated(auth)) return credentialsRequired();
    const info = auth;
    // A DPoP caller is answered in DPoP; others as before, in Bearer.
    const context = info.scheme === 'DPoP' ? challengeContext(info) : {};
    const claims = info.claims ?? info.principal;
    const acr = readProperty(claims, 'acr');
    if (acrValues !== undefined && (typeof acr !== 'string' || !acrValues.includes(acr))) {
      return insufficientUserAuthentication(requirement, {
        ...context,
        detail: 'A different authentication level is required',
      });
    }
    if (maxAge !== undefined) {
      const authTime = readProperty(claims, 'auth_time');
      const age = now() / 1000 - (typeof authTime === 'number' ? authTime : Number.NEGATIVE_INFINITY);
      if (!(age <= maxAge)) {
        return insufficientUserAuthentication(requirement, {
          ...context,
          detail: 'More recent authentication is required',
        });
      }
      // A future auth_time would pass any max_age: it says nothing of when the user authenticated.
      if (age < -tolerance) {
        return insufficientUserAuthentication(requirement, {
          ...context,
          detail: 'The authentication time lies in the future',
        });
      }
    }
    return undefined;
  };
}
