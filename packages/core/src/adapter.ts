/**
 * @auth-errors/core/adapter: the building blocks of a framework adapter.
 * An adapter reads the request (`fromNodeRequest`, `renderFacts`), hands
 * failures to a renderer (`createRenderer`), writes what it returns, and binds
 * the guards once with `createGuardKit`. Applications never need this entry:
 * they import from their framework's adapter.
 */

export { createResourceMetadata, type ResourceMetadata } from './api/resource-metadata.js';
export { type AuthorizationCredentials, readAuthorization } from './credentials/authorization.js';
export { type BasicCredentials, decodeBasic } from './credentials/basic.js';
export { type BearerMethod, type BearerSources, findBearerToken, isB64Token } from './credentials/bearer.js';
export { authErrorCodes, catalog, isAuthErrorCode, type ProblemTypeEntry } from './errors/catalog.js';
export { normalize } from './errors/normalize.js';
export { scopesOf, successHeaders } from './guards/auth-info.js';
export { type Check, createPolicyCheck, createScopeCheck, createStepUpCheck } from './guards/checks.js';
export { createBasicGuard, createBearerGuard, createJwtGuard, type Guard } from './guards/credentials-guards.js';
export { type AdapterBindings, createGuardKit, type GuardKit } from './guards/kit.js';
export { PREFLIGHT, type Preflight } from './guards/preflight.js';
export { storeAuth, storedAuth } from './guards/store.js';
export * from './index.js';
export { createJwtVerifier, type JwtVerifier, type VerifiedJwt } from './keys/jwt.js';
export * as options from './options/index.js';
export { DEFAULT_TYPE_BASE } from './options/validate.js';
export {
  authSchemes,
  type BearerErrorParameters,
  type ChallengeFormatter,
  type ChallengeOptions,
  createChallengeFormatter,
  DEFAULT_REALM,
} from './render/challenge.js';
export type { ExtensionValue } from './render/extensions.js';
export { PROBLEM_JSON, problemDetails, problemMediaType } from './render/problem.js';
export {
  appendToList,
  createRenderer,
  type RenderedResponse,
  type Renderer,
  type RenderOptions,
  type RequestFacts,
} from './render/render.js';
export { fetchRenderFacts, fromFetchRequest } from './request/fetch-request.js';
export { fromNodeRequest, renderFacts } from './request/node-request.js';
