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
import { type AuthErrorCode, authErrorCodes, catalog, type ProblemTypeEntry } from '../errors/catalog.js';
import {
  type AuthError,
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidCredentials,
  invalidDpopProof,
  invalidRequest,
  invalidToken,
  tooManyRequests,
  useDpopNonce,
} from '../errors/errors.js';
import { OPENAPI_OPTIONS } from '../options/openapi-options.js';
import { readOptions } from '../options/read.js';
import { type AuthScheme, authSchemes } from '../render/challenge.js';
import type { ExtensionMembers } from '../render/extensions.js';
import { PROBLEM_JSON } from '../render/problem.js';
import { createRenderer, type RenderOptions } from '../render/render.js';
import { problemSchema } from './problem-schema.js';

/** The renderer options that shape responses, plus the extension members to describe. */
export interface OpenApiOptions
  extends Pick<RenderOptions, 'realm' | 'schemes' | 'typeBase' | 'resourceMetadata' | 'retryAfter' | 'instance'> {
  /**
   * The members your `extensions` render option adds, each with an example
   * value (`{ traceId: '4bf92f3577b34da6' }`): the value's JSON type becomes
   * the member's schema, and every example body carries it. Same rules as the
   * render option; a function cannot be described, so give example members.
   */
  readonly extensions?: ExtensionMembers | undefined;
  /**
   * Also describe 429 `too_many_requests` (the `AuthTooManyRequests` response
   * and its schema), which DPoP guards send for a key over its share of the
   * replay store. Default false: a document that references no 429 then has
   * no unused component.
   */
  readonly tooManyRequests?: boolean | undefined;
}

/** A JSON object of the document (a schema, a header, a response…), as plain data. */
type OpenApiObject = { [key: string]: unknown };

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

type Status = ProblemTypeEntry['status'];

/** Component names of the responses, one per status; a new status in the catalog must be named here. */
const RESPONSES: Record<Status, { readonly name: string; readonly description: string }> = {
  400: {
    name: 'AuthBadRequest',
    description:
      'The authentication information is malformed: a malformed or repeated Authorization field, or a token sent by two methods. Retrying unchanged fails again.',
  },
  401: {
    name: 'AuthUnauthorized',
    description:
      'No credentials, or credentials that were refused. Every 401 carries at least one WWW-Authenticate challenge (RFC 9110 §15.5.2): authenticate with one of them and retry.',
  },
  403: {
    name: 'AuthForbidden',
    description:
      'Authenticated, but not allowed: do not retry with the same credentials (RFC 9110 §15.5.4). A missing scope carries a Bearer challenge naming it (RFC 6750 §3.1).',
  },
  429: {
    name: 'AuthTooManyRequests',
    description:
      'The credentials are fine, but the caller sent more than its share (a DPoP key holding its whole share of the replay store): keep the credentials, wait Retry-After seconds and retry (RFC 6585 §4).',
  },
  503: {
    name: 'AuthUnavailable',
    description:
      'Credentials could not be checked (identity provider, key set or credential store unavailable). Keep them, wait Retry-After seconds and retry.',
  },
};

/**
 * The response headers a failure carries and their descriptions. A header
 * the renderer starts to send (DPoP-Nonce, with DPoP) must be described here
 * before a document can be generated.
 */
const HEADERS: Record<string, { readonly name: string; readonly description: string; readonly schema: OpenApiObject }> =
  {
    'www-authenticate': {
      name: 'WWW-Authenticate',
      description:
        'One challenge per field line (RFC 9110 §11.6.1), Basic first: a 401 lists every scheme the API accepts; a 400, 401 or 403 about a Bearer token carries its error (RFC 6750 §3).',
      schema: { type: 'string' },
    },
    'retry-after': {
      name: 'Retry-After',
      description: 'Seconds to wait before retrying with the same credentials (RFC 9110 §10.2.3).',
      schema: { type: 'integer', minimum: 0 },
    },
    'dpop-nonce': {
      name: 'DPoP-Nonce',
      description: 'The nonce the next DPoP proof must carry (RFC 9449 §9), with use_dpop_nonce.',
      schema: { type: 'string' },
    },
  };
/** Headers every failure has, described by the media types and caching of the document rather than here. */
const UNDESCRIBED = new Set(['content-type', 'content-length', 'cache-control']);

/**
 * The security schemes, by auth-scheme. A new scheme (DPoP: `{ type: 'http', scheme: 'dpop' }`,
 * RFC 9449 §7.1) does not compile until it is described here.
 */
const SECURITY_SCHEMES: Record<AuthScheme, { readonly name: string; readonly scheme: OpenApiObject }> = {
  Basic: {
    name: 'basicAuth',
    scheme: {
      type: 'http',
      scheme: 'basic',
      description:
        'RFC 7617 Basic: a user name and password, UTF-8. Refused credentials are a 401 invalid_credentials.',
    },
  },
  DPoP: {
    name: 'dpopAuth',
    scheme: {
      type: 'http',
      scheme: 'dpop',
      description:
        'RFC 9449 DPoP-bound access token with a proof in the DPoP header. A refused proof is a 401 invalid_dpop_proof, a missing server nonce a 401 use_dpop_nonce.',
    },
  },
  Bearer: {
    name: 'bearerAuth',
    scheme: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'RFC 6750 Bearer access token. A refused token is a 401 invalid_token, a missing scope a 403 insufficient_scope.',
    },
  },
};

/** Members a problem type requires beyond the common ones (its schema's extra constraints). */
const MEMBERS: Partial<Record<AuthErrorCode, OpenApiObject>> = {
  insufficient_scope: { required: ['requiredScopes'], properties: { requiredScopes: { minItems: 1 } } },
  insufficient_user_authentication: { anyOf: [{ required: ['acrValues'] }, { required: ['maxAge'] }] },
};

interface Example {
  readonly key: string;
  readonly error: () => AuthError;
}

/**
 * Failures to render for the examples: at least one per code, with the wording
 * the guards use. A new code (DPoP's `invalid_dpop_proof`, `use_dpop_nonce`)
 * does not compile until it has its failures here.
 */
const EXAMPLES: Record<AuthErrorCode, readonly Example[]> = {
  credentials_required: [{ key: 'credentials_required', error: () => credentialsRequired() }],
  invalid_request: [
    {
      key: 'invalid_request',
      error: () => invalidRequest({ detail: 'The request has more than one Authorization header field' }),
    },
  ],
  invalid_token: [{ key: 'invalid_token', error: () => invalidToken({ detail: 'The access token expired' }) }],
  invalid_credentials: [{ key: 'invalid_credentials', error: () => invalidCredentials() }],
  insufficient_scope: [{ key: 'insufficient_scope', error: () => insufficientScope(['orders:write']) }],
  forbidden: [{ key: 'forbidden', error: () => forbidden() }],
  insufficient_user_authentication: [
    {
      key: 'insufficient_user_authentication',
      error: () =>
        insufficientUserAuthentication(
          { acrValues: ['urn:example:mfa'] },
          { detail: 'A different authentication level is required' },
        ),
    },
    {
      key: 'insufficient_user_authentication_max_age',
      error: () =>
        insufficientUserAuthentication({ maxAge: 300 }, { detail: 'More recent authentication is required' }),
    },
  ],
  invalid_dpop_proof: [
    {
      key: 'invalid_dpop_proof',
      error: () =>
        invalidDpopProof({ detail: 'The DPoP proof is for another URI', dpop: { algs: ['ES256'], only: false } }),
    },
  ],
  use_dpop_nonce: [
    {
      key: 'use_dpop_nonce',
      error: () => useDpopNonce({ dpop: { algs: ['ES256'], only: false, nonce: 'mbq3h2d8.eyJ2IjoxfQ' } }),
    },
  ],
  too_many_requests: [
    {
      key: 'too_many_requests',
      error: () =>
        tooManyRequests({
          detail: 'This DPoP key sent more proofs than the server holds for one key. Retry after Retry-After seconds',
          retryAfter: 30,
        }),
    },
  ],
  auth_unavailable: [{ key: 'auth_unavailable', error: () => authUnavailable() }],
};

/** Described only when asked for (`tooManyRequests: true`). */
const OPT_IN: readonly AuthErrorCode[] = ['too_many_requests'];
const EXAMPLE_PATH = '/orders';

const pascal = (code: string) => code.replace(/(?:^|_)([a-z])/g, (_, letter: string) => letter.toUpperCase());
const schemaName = (code: AuthErrorCode) => `${pascal(code)}Problem`;
const ref = (section: string, name: string) => ({ $ref: `#/components/${section}/${name}` });

interface Rendered {
  readonly code: AuthErrorCode;
  readonly key: string;
  readonly body: OpenApiObject;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** The failures the document describes. */
function describedCodes(options: OpenApiOptions): readonly AuthErrorCode[] {
  return authErrorCodes.filter((code) => options.tooManyRequests === true || !OPT_IN.includes(code));
}

function renderExamples(options: OpenApiOptions, codes: readonly AuthErrorCode[]): Rendered[] {
  const { tooManyRequests: _, ...renderOptions } = options;
  // The renderer validates every option it shares with us, with the same TypeErrors.
  const render = createRenderer({ ...renderOptions, onError: () => {} });
  return codes.flatMap((code) =>
    EXAMPLES[code].map(({ key, error }) => {
      const response = render(error(), { method: 'GET', url: EXAMPLE_PATH });
      if (response === undefined) throw new Error(`auth-errors: the example ${key} did not render`);
      for (const name of Object.keys(response.headers)) {
        if (!UNDESCRIBED.has(name) && HEADERS[name] === undefined) {
          throw new Error(`auth-errors: the renderer sends a "${name}" header that openapi.ts does not describe`);
        }
      }
      return { code, key, body: JSON.parse(response.body) as OpenApiObject, headers: response.headers };
    }),
  );
}

const linesOf = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

function valueSchema(value: unknown): OpenApiObject {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string', maxLength: 1024 };
  return { type: typeof value };
}

function schemas(
  options: OpenApiOptions,
  typeBase: string,
  codes: readonly AuthErrorCode[],
): Record<string, OpenApiObject> {
  const base = structuredClone(problemSchema) as OpenApiObject & { properties: Record<string, OpenApiObject> };
  if (options.instance !== true) delete base.properties.instance;
  else
    base.properties.instance = {
      type: 'string',
      format: 'uri-reference',
      description: 'The request path, never the query',
    };
  for (const [name, value] of Object.entries(options.extensions ?? {})) base.properties[name] = valueSchema(value);
  const result: Record<string, OpenApiObject> = { AuthProblem: base };
  for (const code of codes) {
    const entry = catalog[code];
    const extra = structuredClone(MEMBERS[code] ?? {}) as OpenApiObject & { properties?: OpenApiObject };
    result[schemaName(code)] = {
      title: entry.title,
      description: `${code} (${entry.status}): ${entry.detail}. Problem type ${typeBase}${entry.slug}.`,
      allOf: [ref('schemas', 'AuthProblem')],
      ...extra,
      properties: {
        type: { const: `${typeBase}${entry.slug}` },
        title: { const: entry.title },
        status: { const: entry.status },
        code: { const: code },
        ...extra.properties,
      },
    };
  }
  return result;
}

/** The distinct lines of header `name`, each keyed by where it first appears and summarized by every failure that sends it. */
function headerExamples(rendered: readonly Rendered[], name: string): OpenApiObject {
  const seen = new Map<string, { key: string; codes: string[]; lines: number }>();
  for (const { key, headers, code } of rendered) {
    const lines = linesOf(headers[name]);
    for (const line of lines) {
      const entry = seen.get(line);
      if (entry === undefined) {
        const scheme = name === 'www-authenticate' ? `${line.split(' ')[0]?.toLowerCase()}_` : '';
        seen.set(line, { key: `${scheme}${key}`, codes: [code], lines: lines.length });
      } else if (!entry.codes.includes(code)) {
        entry.codes.push(code);
      }
    }
  }
  const examples: OpenApiObject = {};
  for (const [line, { key, codes, lines }] of seen) {
    const value = name === 'retry-after' ? Number(line) : line;
    examples[key] = { summary: `${codes.join(', ')}${lines > 1 ? ' (one field line of several)' : ''}`, value };
  }
  return examples;
}

/**
 * One response per status. A header that every failure of a status carries
 * is referenced from a header component marked `required`; one that only
 * some carry (the Bearer challenge of a 403) is described in place as
 * optional. So `required` says what the renderer guarantees, and every header
 * component is used.
 */
function responses(
  rendered: readonly Rendered[],
  described: readonly AuthErrorCode[],
): Pick<OpenApiComponents, 'headers' | 'responses'> {
  const result: Record<string, OpenApiObject> = {};
  const referencing = new Map<string, Rendered[]>();
  const statuses = [...new Set(described.map((code) => catalog[code].status))];
  for (const status of statuses) {
    const codes = described.filter((code) => catalog[code].status === status);
    const ofStatus = rendered.filter(({ code }) => catalog[code].status === status);
    const schema =
      codes.length === 1
        ? ref('schemas', schemaName(codes[0] as AuthErrorCode))
        : {
            oneOf: codes.map((code) => ref('schemas', schemaName(code))),
            discriminator: {
              propertyName: 'code',
              mapping: Object.fromEntries(codes.map((code) => [code, `#/components/schemas/${schemaName(code)}`])),
            },
          };
    const headers: Record<string, OpenApiObject> = {};
    for (const [name, header] of Object.entries(HEADERS)) {
      const carrying = ofStatus.filter(({ headers: sent }) => sent[name] !== undefined);
      if (carrying.length === 0) continue;
      if (carrying.length === ofStatus.length) {
        headers[header.name] = ref('headers', header.name);
        referencing.set(name, [...(referencing.get(name) ?? []), ...ofStatus]);
      } else {
        const { description, schema: headerSchema } = header;
        headers[header.name] = {
          description,
          required: false,
          schema: headerSchema,
          examples: headerExamples(ofStatus, name),
        };
      }
    }
    const examples = Object.fromEntries(
      ofStatus.map(({ key, code, body }) => [key, { summary: `${code}: ${String(body.detail)}`, value: body }]),
    );
    result[RESPONSES[status].name] = {
      description: RESPONSES[status].description,
      headers,
      content: {
        [PROBLEM_JSON]: { schema, examples },
        // Sent to a client whose Accept allows only application/json: the same body.
        'application/json': { schema: structuredClone(schema) },
      },
    };
  }
  const headers: Record<string, OpenApiObject> = {};
  for (const [name, { name: component, description, schema }] of Object.entries(HEADERS)) {
    const examples = referencing.get(name);
    if (examples !== undefined) {
      headers[component] = { description, required: true, schema, examples: headerExamples(examples, name) };
    }
  }
  return { headers, responses: result };
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
