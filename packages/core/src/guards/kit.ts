/**
 * The guard factories every adapter exports, written once. An adapter only
 * says how to turn a core Guard and a core Check into its own middleware type
 * `H`, and where on its request `R` the verified AuthInfo is kept; the types
 * of the principal and claims then flow from the guard to the handler through
 * `guard.auth(request)`.
 */
import type { JWTPayload } from 'jose';
import { createResourceMetadata, type ResourceMetadataOptions } from '../api/resource-metadata.js';
import { credentialsRequired } from '../errors/errors.js';
import type { RenderedResponse, RequestFacts } from '../render/render.js';
import type { AuthInfo, JwtAuthInfo } from './auth-info.js';
import {
  type Check,
  createPolicyCheck,
  createScopeCheck,
  createStepUpCheck,
  type Policy,
  type StepUpOptions,
} from './checks.js';
import {
  type BasicGuardOptions,
  type BearerGuardOptions,
  createBasicGuard,
  createBearerGuard,
  createJwtGuard,
  type Guard,
  type JwtGuardOptions,
  type PrincipalOf,
  type Verdict,
} from './credentials-guards.js';
import { storedAuth, storedAuthBy } from './store.js';

/** A guard's middleware, with the typed accessor for what it verified. */
export type GuardMiddleware<H, R, Info> = H & {
  /**
   * What this guard verified for `request`. Throws a 401 `credentials_required`
   * AuthError when this guard has not authenticated the request (it is not on
   * the route, or another guard ran last), so a handler fails closed.
   */
  auth(request: R): Info;
};

export interface GuardKit<H, R> {
  /** Basic credentials (RFC 7617) checked by `verify(user, password, request)`. */
  basicAuth<V extends Verdict>(
    options: BasicGuardOptions<V>,
  ): GuardMiddleware<H, R, AuthInfo<PrincipalOf<V, { user: string }>>>;
  /** An opaque Bearer token (RFC 6750) checked by `verify(token, request)`. */
  bearerAuth<V extends Verdict>(
    options: BearerGuardOptions<V>,
  ): GuardMiddleware<H, R, AuthInfo<PrincipalOf<V, Record<never, never>>>>;
  /**
   * A Bearer JWT verified with jose against a JWKS URL, a public key or a
   * secret. `C` types the application's own claims: they are not checked at
   * run time, so describe optional claims as optional.
   */
  jwtAuth<C extends object = Record<never, never>>(options: JwtGuardOptions): GuardMiddleware<H, R, JwtAuthInfo<C>>;
  /** 403 `insufficient_scope` unless every scope is granted; 401 when no one is authenticated. */
  requireScopes(...scopes: readonly (string | readonly string[])[]): H;
  /** 403 `forbidden` unless `policy(auth, request)` returns true. */
  requireAuth<P = unknown>(policy: Policy<P>): H;
  /** RFC 9470 step-up: 401 `insufficient_user_authentication` when `acr` or `auth_time` falls short. */
  requireStepUp(requirement: StepUpOptions): H;
  /**
   * Serves the RFC 9728 protected resource metadata document at its well-known
   * path; `.url` is the value for `authErrors({ resourceMetadata })`.
   */
  resourceMetadata(options: ResourceMetadataOptions): H & { readonly url: string };
  /** What the last guard that ran verified for `request`, or `undefined`. */
  authOf(request: R): AuthInfo | undefined;
}

export interface AdapterBindings<H, R> {
  /**
   * Middleware that runs `guard`: an AuthInfo it resolves to is stored with
   * `storeAuth(target, info, guard)`; an AuthError it resolves to is answered
   * as the framework answers a thrown one (`AuthError.is` tells them apart).
   */
  fromGuard(guard: Guard<unknown>): H;
  /** Middleware that runs `check` against the stored AuthInfo, and answers the AuthError it may resolve to. */
  fromCheck(check: Check): H;
  /** Middleware that writes what `respond` returns for a request, or passes it on when it returns nothing. */
  fromResponder(respond: (request: RequestFacts) => RenderedResponse | undefined): H;
  /** The object the adapter stores AuthInfo on for this request (Express `req`, Koa `ctx.state`). */
  authTarget(request: R): object;
}

export function createGuardKit<H extends object, R>(bind: AdapterBindings<H, R>): GuardKit<H, R> {
  function guarded<Info>(guard: Guard<unknown>): GuardMiddleware<H, R, Info> {
    const auth = (request: R): Info => {
      const info = storedAuthBy(bind.authTarget(request), guard);
      if (info === undefined) throw credentialsRequired();
      return info as Info;
    };
    return Object.assign(bind.fromGuard(guard), { auth });
  }
  return {
    basicAuth: (options) => guarded(createBasicGuard(options) as Guard<unknown>),
    bearerAuth: (options) => guarded(createBearerGuard(options) as Guard<unknown>),
    jwtAuth: <C extends object>(options: JwtGuardOptions) =>
      guarded<JwtAuthInfo<C>>(createJwtGuard(options) as Guard<JWTPayload>),
    requireScopes: (...scopes) => bind.fromCheck(createScopeCheck(scopes.flat())),
    requireAuth: (policy) => bind.fromCheck(createPolicyCheck(policy as Policy)),
    requireStepUp: (requirement) => bind.fromCheck(createStepUpCheck(requirement)),
    resourceMetadata: (options) => {
      const metadata = createResourceMetadata(options);
      return Object.assign(bind.fromResponder(metadata.respond), { url: metadata.url });
    },
    authOf: (request) => storedAuth(bind.authTarget(request)),
  };
}
