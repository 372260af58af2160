/**
 * The guard factories every adapter exports, written once. An adapter only
 * says how to turn a core Guard and a core Check into its own middleware type
 * `H` (auth0's `ClaimCheck<R>` idiom): one signature and one doc for all.
 */
import type { StepUpRequirement } from '../errors.js';
import type { RenderedResponse, RequestFacts } from '../render.js';
import { createResourceMetadata, type ResourceMetadataOptions } from '../resource-metadata.js';
import { type Check, createPolicyCheck, createScopeCheck, createStepUpCheck, type Policy } from './checks.js';
import {
  type BasicGuardOptions,
  type BearerGuardOptions,
  createBasicGuard,
  createBearerGuard,
  createJwtGuard,
  type Guard,
  type JwtGuardOptions,
} from './credentials-guards.js';

export interface GuardKit<H> {
  /** Basic credentials (RFC 7617) checked by `verify(user, password, request)`. */
  basicAuth<P = { user: string }>(options: BasicGuardOptions<P>): H;
  /** An opaque Bearer token (RFC 6750) checked by `verify(token, request)`. */
  bearerAuth<P = unknown>(options: BearerGuardOptions<P>): H;
  /** A Bearer JWT verified with jose against a JWKS URL, a public key or a secret. */
  jwtAuth(options: JwtGuardOptions): H;
  /** 403 `insufficient_scope` unless every scope is granted; 401 when no one is authenticated. */
  requireScopes(...scopes: readonly (string | readonly string[])[]): H;
  /** 403 `forbidden` unless `policy(auth, request)` returns true. */
  requireAuth<P = unknown>(policy: Policy<P>): H;
  /** RFC 9470 step-up: 401 `insufficient_user_authentication` when `acr` or `auth_time` falls short. */
  requireStepUp(requirement: StepUpRequirement): H;
  /**
   * Serves the RFC 9728 protected resource metadata document at its well-known
   * path; `.url` is the value for `authErrors({ resourceMetadata })`.
   */
  resourceMetadata(options: ResourceMetadataOptions): H & { readonly url: string };
}

export interface AdapterBindings<H> {
  /** Middleware that runs `guard` and stores what it resolves to (nothing for a CORS preflight). */
  fromGuard(guard: Guard<unknown>): H;
  /** Middleware that runs `check` against the stored AuthInfo. */
  fromCheck(check: Check): H;
  /** Middleware that writes what `respond` returns for a request, or passes it on when it returns nothing. */
  fromResponder(respond: (request: RequestFacts) => RenderedResponse | undefined): H;
}

export function createGuardKit<H extends object>(bind: AdapterBindings<H>): GuardKit<H> {
  return {
    basicAuth: (options) => bind.fromGuard(createBasicGuard(options)),
    bearerAuth: (options) => bind.fromGuard(createBearerGuard(options)),
    jwtAuth: (options) => bind.fromGuard(createJwtGuard(options)),
    requireScopes: (...scopes) => bind.fromCheck(createScopeCheck(scopes.flat())),
    requireAuth: (policy) => bind.fromCheck(createPolicyCheck(policy as Policy)),
    requireStepUp: (requirement) => bind.fromCheck(createStepUpCheck(requirement)),
    resourceMetadata: (options) => {
      const metadata = createResourceMetadata(options);
      return Object.assign(bind.fromResponder(metadata.respond), { url: metadata.url }) as H & { readonly url: string };
    },
  };
}
