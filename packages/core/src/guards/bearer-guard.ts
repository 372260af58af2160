/**
 * The Bearer guards (RFC 6750): opaque tokens checked by a `verify`
 * callback, and JWTs verified with jose; both accept DPoP-bound tokens
 * (RFC 9449) when given `dpop`.
 */
import type { JWTPayload } from 'jose';
import { findBearerToken } from '../credentials/bearer.js';
import { bearerRefusal, confirmationOf } from '../credentials/confirmation.js';
import { createDpopPolicy } from '../dpop/policy.js';
import { AuthError, credentialsRequired, invalidToken } from '../errors/errors.js';
import { createJwtVerification } from '../keys/jwt.js';
import type { Values } from '../options/fields.js';
import { BEARER_OPTIONS, JWT_GUARD_OPTIONS } from '../options/guard-options.js';
import { readOptions } from '../options/read.js';
import { type AuthInfo, scopesOf, withDpopChallenge } from './auth-info.js';
import { bearerSources } from './bearer-sources.js';
import { dpopRequest, type TokenVerifier } from './dpop-request.js';
import { failure, inContext } from './guard-context.js';
import type { BearerGuardOptions, Guard, JwtGuardOptions } from './guard-types.js';
import { PREFLIGHT } from './preflight.js';
import { type PrincipalOf, runVerify, type Verdict } from './verdict.js';

/** What both Bearer guards read from their options beyond how a token is verified. */
type BearerSettings = Pick<Values<typeof BEARER_OPTIONS.options>, 'realm' | 'methods' | 'challengeScope' | 'dpop'>;

export function createBearerGuard<V extends Verdict>(
  options: BearerGuardOptions<V>,
): Guard<PrincipalOf<V, Record<never, never>>> {
  type Principal = PrincipalOf<V, Record<never, never>>;
  const settings = readOptions(BEARER_OPTIONS, options);
  const verify = settings.verify as BearerGuardOptions['verify'];
  const context = { scheme: 'Bearer' } as const;
  const verifyToken: TokenVerifier<Principal> = (token, request) =>
    runVerify(() => verify(token, request), noPrincipal<Principal>, context);
  return bearerGuard<Principal>(settings, verifyToken, false);
}

export function createJwtGuard(options: JwtGuardOptions): Guard<JWTPayload> {
  const settings = readOptions(JWT_GUARD_OPTIONS, options);
  const verifyToken: TokenVerifier<JWTPayload> = createJwtVerification(
    settings,
    { allowBound: settings.dpop !== undefined },
    (verified) => verified.payload,
  );
  return bearerGuard<JWTPayload>(settings, verifyToken, true);
}

/** An opaque token names nobody: `true` from a Bearer verify gives an empty principal. */
function noPrincipal<P>(): P {
  return {} as P;
}

/** The Bearer guard; `withClaims` also exposes the principal as `claims` (JWT guards: the principal is the payload). */
function bearerGuard<Principal extends object>(
  settings: BearerSettings,
  verifyToken: TokenVerifier<Principal>,
  withClaims: boolean,
): Guard<Principal> {
  const { realm, methods, challengeScope } = settings;
  const dpop = createDpopPolicy(settings.dpop);
  const context = { scheme: 'Bearer', realm, challengeScope, dpop: dpop?.challenge } as const;

  return async (request) => {
    if (request.preflight) return PREFLIGHT;
    try {
      const sources = bearerSources(request, methods);
      if (dpop !== undefined && sources.authorization?.scheme === 'dpop') {
        return await dpopRequest<Principal>(request, sources, verifyToken, dpop, context, withClaims);
      }
      const token = findBearerToken(sources);
      if (token === undefined || dpop?.required === true) return credentialsRequired(context);
      const principal = await verifyToken(token, request);
      if (principal === undefined) return invalidToken(context);
      if (AuthError.is(principal)) return inContext(principal, context);
      // RFC 9449 §7.2, RFC 8705 §3: a bound token is no bearer token (docs/conformance.md rules 52 and 71).
      const refusal = bearerRefusal(confirmationOf(principal));
      if (refusal !== undefined) return invalidToken({ ...context, detail: refusal });
      // findBearerToken allows exactly one source, so the first non-empty one is it.
      const via = sources.query?.length ? 'query' : sources.body?.length ? 'body' : 'header';
      const scopes = scopesOf(principal);
      const info: AuthInfo<Principal> = withClaims
        ? { scheme: 'Bearer', principal, scopes, via, claims: principal as JWTPayload }
        : { scheme: 'Bearer', principal, scopes, via };
      return withDpopChallenge(info, dpop?.challenge);
    } catch (error) {
      return failure(error, context);
    }
  };
}
