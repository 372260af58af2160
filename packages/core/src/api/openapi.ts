/**
 * `@auth-errors/core/openapi`: OpenAPI 3.1 components that describe every
 * failure the renderer sends: the problem schemas (one per problem type, from
 * the catalog), the headers, one response per status and the security
 * schemes. Every example is a response the renderer actually produced with
 * the same options, so the document cannot drift from the behaviour.
 *
 * A subpath of its own: describing an API is a build-time job, so an
 * application that only serves requests never loads this module.
 */
import { OPENAPI_OPTIONS } from '../options/openapi-options.js';
import { readOptions } from '../options/read.js';
import { authSchemes } from '../render/challenge.js';
import { SECURITY_SCHEMES } from './openapi-descriptions.js';
import { describedCodes, renderExamples } from './openapi-examples.js';
import type { OpenApiOptions } from './openapi-options.js';
import { responses } from './openapi-responses.js';
import { type OpenApiObject, schemas } from './openapi-schemas.js';

export type { OpenApiOptions } from './openapi-options.js';

/**
 * One component, as plain JSON. Typed loosely on purpose: it is assigned to
 * whatever typing the document has (openapi-types in @fastify/swagger, your own).
 */
// biome-ignore lint/suspicious/noExplicitAny: plain JSON that any OpenAPI typing must accept without a cast.
type Component = any;

/** The `components` of an OpenAPI 3.1 document: plain objects, a fresh copy on every call. */
export interface OpenApiComponents {
  schemas: Record<string, Component>;
  headers: Record<string, Component>;
  responses: Record<string, Component>;
  securitySchemes: Record<string, Component>;
}

/**
 * OpenAPI 3.1 `components` for every auth failure, rendered with these
 * options (the ones you pass to `authErrors()`), ready to merge into your
 * document and reference: `#/components/responses/AuthUnauthorized`,
 * `AuthForbidden`, `AuthBadRequest`, `AuthUnavailable` (and `AuthTooManyRequests` with `tooManyRequests: true`); `#/components/schemas/AuthProblem`
 * and one `…Problem` schema per problem type; `#/components/securitySchemes/basicAuth`
 * and `bearerAuth`. A bad option is a `TypeError` that names it.
 */
export function openApiComponents(options: OpenApiOptions = {}): OpenApiComponents {
  const checked = readOptions(OPENAPI_OPTIONS, options);
  const { typeBase, schemes: offered } = checked;
  const codes = describedCodes(checked);
  const rendered = renderExamples(checked, codes);
  const securitySchemes: Record<string, OpenApiObject> = {};
  // As the renderer: the configured schemes, Basic first, and Bearer when none is configured.
  const schemes = offered.length > 0 ? authSchemes.filter((scheme) => offered.includes(scheme)) : (['Bearer'] as const);
  for (const scheme of schemes) {
    const { name, scheme: definition } = SECURITY_SCHEMES[scheme];
    securitySchemes[name] = structuredClone(definition);
  }
  // Through JSON: plain data, and no object shared between two places of the document.
  const { headers, responses: byStatus } = responses(rendered, codes);
  return JSON.parse(
    JSON.stringify({ schemas: schemas(checked, typeBase, codes), headers, responses: byStatus, securitySchemes }),
  ) as OpenApiComponents;
}
