/**
 * @auth-errors/core: what an application uses, whatever its framework. The
 * adapters (@auth-errors/express, @auth-errors/koa) re-export these names
 * next to their middleware; what adapter authors need is on the
 * `@auth-errors/core/adapter` subpath.
 */
export type { AuthErrorCode } from './catalog.js';
export type { AuthScheme } from './challenge.js';
export { safeEqual } from './credentials/compare.js';
export type { DpopNonceOptions } from './dpop/nonce.js';
export type { DpopOptions } from './dpop/policy.js';
export { createMemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './dpop/replay.js';
export {
  AuthError,
  type AuthErrorOptions,
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidCredentials,
  invalidRequest,
  invalidToken,
  type StepUpRequirement,
} from './errors.js';
export type { ExtensionMembers, Extensions } from './extensions.js';
export type { AuthInfo, JwtAuthInfo } from './guards/auth-info.js';
export type { Policy, StepUpOptions } from './guards/checks.js';
export type {
  BasicGuardOptions,
  BearerGuardOptions,
  JwtGuardOptions,
  PrincipalOf,
  Verdict,
} from './guards/credentials-guards.js';
export type { GuardMiddleware } from './guards/kit.js';
export type { AuthRequest } from './guards/request.js';
export type { JwtVerifierOptions } from './jwt.js';
export {
  createKeySourceLogger,
  createRemoteKeySource,
  type DroppedKeyReason,
  type KeySource,
  KeySourceError,
  type KeySourceEvent,
  type KeySourceHealth,
  type KeySourceOptions,
} from './key-source.js';
export type { ProblemDetails } from './problem.js';
export { problemSchema } from './problem-schema.js';
export type { AuthErrorEvent } from './render.js';
export type { ResourceMetadataOptions } from './resource-metadata.js';
