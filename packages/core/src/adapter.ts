/**
 * @auth-errors/core/adapter: what a framework adapter is written with, and
 * nothing an application needs (that is the root entry, which every adapter
 * re-exports). An adapter renders failures (`createRenderer`, given the facts
 * of a Node or Fetch request: `renderFacts`, `fetchRenderFacts`) and writes
 * what it returns as it is; it binds the guards once with `createGuardKit`,
 * handing them the request's `AuthRequest` (`fromNodeRequest`,
 * `fromFetchRequest`) and keeping what they verified (`storeAuth`,
 * `storedAuth`, `successHeaders`); a guard that resolves to `PREFLIGHT` ends
 * a CORS preflight with 204. packages/express/src/index.ts is one, whole.
 * The catalog and the problem media type serve test helpers that recognize a
 * failure by its code.
 */

export { catalog, isAuthErrorCode, type ProblemTypeEntry } from './errors/catalog.js';
export { successHeaders } from './guards/auth-info.js';
export type { Check } from './guards/checks.js';
export type { Guard } from './guards/credentials-guards.js';
export { type AdapterBindings, createGuardKit, type GuardKit } from './guards/kit.js';
export { PREFLIGHT, type Preflight } from './guards/preflight.js';
export { storeAuth, storedAuth } from './guards/store.js';
// The options reader, for a package beside the core (@auth-errors/redis) to read its options as the core does.
export * as options from './options/index.js';
export { PROBLEM_JSON } from './render/problem.js';
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
