export { type AuthErrorCode, authErrorCodes, catalog, isAuthErrorCode, type ProblemTypeEntry } from './catalog.js';
export {
  type AuthScheme,
  authSchemes,
  type BearerErrorParameters,
  type ChallengeFormatter,
  type ChallengeOptions,
  createChallengeFormatter,
  DEFAULT_REALM,
} from './challenge.js';
export { type AuthorizationCredentials, readAuthorization } from './credentials/authorization.js';
export { type BasicCredentials, decodeBasic } from './credentials/basic.js';
export { type BearerMethod, type BearerSources, findBearerToken, isB64Token } from './credentials/bearer.js';
export { safeEqual } from './credentials/compare.js';
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
export { type AuthInfo, scopesOf, successHeaders } from './guards/auth-info.js';
export { type Check, createPolicyCheck, createScopeCheck, createStepUpCheck, type Policy } from './guards/checks.js';
export {
  type BasicGuardOptions,
  type BearerGuardOptions,
  createBasicGuard,
  createBearerGuard,
  createJwtGuard,
  type Guard,
  type JwtGuardOptions,
} from './guards/credentials-guards.js';
export { type AdapterBindings, createGuardKit, type GuardKit } from './guards/kit.js';
export { type AuthRequest, fromNodeRequest, renderFacts } from './guards/request.js';
export { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions, type VerifiedJwt } from './jwt.js';
export { normalize } from './normalize.js';
export { DEFAULT_TYPE_BASE } from './options.js';
export { PROBLEM_JSON, type ProblemDetails, problemDetails, problemMediaType } from './problem.js';
export {
  type AuthErrorEvent,
  appendToList,
  createRenderer,
  type RenderedResponse,
  type Renderer,
  type RenderOptions,
  type RequestFacts,
  render,
} from './render.js';
export { createResourceMetadata, type ResourceMetadata, type ResourceMetadataOptions } from './resource-metadata.js';
