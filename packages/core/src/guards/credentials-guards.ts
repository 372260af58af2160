/**
 * Guards that turn a request's credentials into an AuthInfo or the right
 * AuthError: Basic with a `verify` callback (basic-guard.ts), Bearer with a
 * `verify` callback (opaque tokens) and Bearer JWT verified with jose
 * (bearer-guard.ts), DPoP-bound tokens included (dpop-request.ts).
 */
export { createBasicGuard } from './basic-guard.js';
export { createBearerGuard, createJwtGuard } from './bearer-guard.js';
export type { BasicGuardOptions, BearerGuardOptions, Guard, JwtGuardOptions } from './guard-types.js';
export type { PrincipalOf, Verdict } from './verdict.js';
