/**
 * @auth-errors/core: what an application uses, whatever its framework. Every
 * adapter (@auth-errors/express, koa, fastify, fetch) re-exports these names
 * next to its middleware; what adapter authors need is on the
 * `@auth-errors/core/adapter` subpath.
 */

export { problemSchema } from './api/problem-schema.js';
export type { ResourceMetadataOptions } from './api/resource-metadata.js';
export { safeEqual } from './credentials/compare.js';
export type { DpopNonceOptions } from './dpop/nonce.js';
export type { DpopOptions } from './dpop/policy.js';
export { createMemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore } from './dpop/replay.js';
export type { AuthErrorCode } from './errors/catalog.js';
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
} from './errors/errors.js';
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
export type { JwtVerifierOptions } from './keys/jwt.js';
export {
  createKeySourceLogger,
  createRemoteKeySource,
  type DroppedKeyReason,
  type KeySource,
  KeySourceError,
  type KeySourceEvent,
  type KeySourceHealth,
  type KeySourceOptions,
} from './keys/key-source.js';
export type { AuthScheme } from './render/challenge.js';
export type { ExtensionMembers, Extensions } from './render/extensions.js';
export type { ProblemDetails } from './render/problem.js';
export type { AuthErrorEvent } from './render/render.js';
export type { AuthRequest } from './request/request.js';
