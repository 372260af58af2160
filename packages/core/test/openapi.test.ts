/**
 * `openApiComponents(options)`: OpenAPI 3.1 components built from the
 * catalog, whose examples are the renderer's own responses for the same
 * options. Checked here: one schema per problem type and one response per
 * status, as the catalog says; options reach the examples as they reach the
 * responses; every example (and any rendered failure, fast-check) conforms
 * to its schema by Redocly's linter; bad options are TypeErrors naming the
 * option. Rule numbers refer to docs/conformance.md.
 */

import { type OpenApiComponents, openApiComponents } from '@auth-errors/core/openapi';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { BASIC } from '../../../test/support/contract-cases.js';
import { lintOpenApi, withExamples } from '../../../test/support/openapi-lint.js';
import { catalog, createRenderer } from '../src/adapter.js';
import { authErrorCodes } from '../src/errors/catalog.js';
import { authUnavailable, insufficientScope, insufficientUserAuthentication, invalidToken } from '../src/index.js';

const RESPONSE_OF_STATUS: Record<number, string> = {
  400: 'AuthBadRequest',
  401: 'AuthUnauthorized',
  403: 'AuthForbidden',
  429: 'AuthTooManyRequests',
  503: 'AuthUnavailable',
};

type Content = { schema: Record<string, unknown>; examples?: Record<string, { value: Record<string, unknown> }> };
type Header = { required: boolean; examples: Record<string, { value: unknown }> };

/** A response, with its header references resolved. */
function response(components: OpenApiComponents, name: string) {
  const found = components.responses[name] as {
    headers: Record<string, Header | { $ref: string }>;
    content: Record<string, Content>;
  };
  const headers = Object.fromEntries(
    Object.entries(found.headers).map(([header, value]) => [
      header,
      ('$ref' in value ? components.headers[value.$ref.replace('#/components/headers/', '')] : value) as Header,
    ]),
  );
  return { headers, problem: found.content['application/problem+json'] as Content };
}

const examplesOf = (components: OpenApiComponents) =>
  Object.values(RESPONSE_OF_STATUS)
    .filter((name) => name in components.responses)
    .flatMap((name) =>
      Object.values(response(components, name).problem.examples ?? {}).map((example) => example.value),
    );

const libraryDocument = (components: OpenApiComponents) => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1', license: { name: 'MIT', identifier: 'MIT' } },
  components,
});

describe('openApiComponents: built from the catalog', () => {
  const components = openApiComponents({ schemes: ['Basic', 'Bearer'], tooManyRequests: true });

  it('has one schema per problem type, whose constants are the catalog entry (rules 3 and 5)', () => {
    for (const code of authErrorCodes) {
      const { status, slug, title } = catalog[code];
      const name = `${code.replace(/(?:^|_)([a-z])/g, (_, c: string) => c.toUpperCase())}Problem`;
      expect(components.schemas[name], code).toMatchObject({
        allOf: [{ $ref: '#/components/schemas/AuthProblem' }],
        properties: {
          type: { const: `https://auth-errors.dev/problems/${slug}` },
          title: { const: title },
          status: { const: status },
          code: { const: code },
        },
      });
    }
    expect(Object.keys(components.schemas)).toHaveLength(authErrorCodes.length + 1);
  });

  it('has one response per status, offering exactly the problem types of that status', () => {
    const statuses = [...new Set(authErrorCodes.map((code) => catalog[code].status))];
    expect(Object.keys(components.responses).sort()).toEqual(statuses.map((s) => RESPONSE_OF_STATUS[s]).sort());
    for (const status of statuses) {
      const { problem } = response(components, RESPONSE_OF_STATUS[status] as string);
      const codes = authErrorCodes.filter((code) => catalog[code].status === status);
      const refs = JSON.stringify(problem.schema).match(/#\/components\/schemas\/\w+Problem/g) ?? [];
      expect(new Set(refs).size, String(status)).toBe(codes.length);
      const exampleCodes = Object.values(problem.examples ?? {}).map((example) => example.value.code);
      expect(new Set(exampleCodes), String(status)).toEqual(new Set(codes));
    }
  });

  it('every example is what the renderer sends for that failure (body and challenge lines)', () => {
    const render = createRenderer({ schemes: ['Basic', 'Bearer'], onError: () => {} });
    const sent = render(invalidToken({ detail: 'The access token expired' }), { method: 'GET', url: '/orders' });
    const { problem, headers } = response(components, 'AuthUnauthorized');
    expect(problem.examples?.invalid_token?.value).toEqual(JSON.parse(sent?.body ?? ''));
    const lines = Object.values(headers['WWW-Authenticate']?.examples ?? {}).map((example) => example.value);
    for (const line of sent?.headers['www-authenticate'] as string[]) expect(lines).toContain(line);
  });

  it('a 401 requires WWW-Authenticate (rule 14), a 429 and a 503 Retry-After (rule 69); a 403 may carry a challenge (rule 17)', () => {
    expect(response(components, 'AuthUnauthorized').headers['WWW-Authenticate']?.required).toBe(true);
    expect(response(components, 'AuthUnavailable').headers['Retry-After']?.required).toBe(true);
    expect(response(components, 'AuthUnavailable').headers['WWW-Authenticate']).toBeUndefined();
    expect(response(components, 'AuthTooManyRequests').headers['Retry-After']?.required).toBe(true);
    expect(response(components, 'AuthTooManyRequests').headers['WWW-Authenticate']).toBeUndefined();
    expect(response(components, 'AuthForbidden').headers['WWW-Authenticate']?.required).toBe(false);
  });

  it('429 too_many_requests is described only when asked for, so a document without a 429 has no unused component (rule 69)', () => {
    const plain = openApiComponents({ schemes: ['Basic', 'Bearer'] });
    expect(plain.responses).not.toHaveProperty('AuthTooManyRequests');
    expect(plain.schemas).not.toHaveProperty('TooManyRequestsProblem');
    expect(Object.keys(plain.schemas)).toHaveLength(authErrorCodes.length);
    expect(components.responses.AuthTooManyRequests).toMatchObject({
      headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/TooManyRequestsProblem' } } },
    });
  });

  it('the required headers are components the responses reference, so none is unused', () => {
    expect(components.responses.AuthUnauthorized).toHaveProperty('headers.WWW-Authenticate', {
      $ref: '#/components/headers/WWW-Authenticate',
    });
    expect(components.responses.AuthUnavailable).toHaveProperty('headers.Retry-After', {
      $ref: '#/components/headers/Retry-After',
    });
    expect(Object.keys(components.headers)).toEqual(['WWW-Authenticate', 'Retry-After']);
  });

  it('offers the security schemes the API accepts, Basic first; Bearer when none is configured', () => {
    expect(Object.keys(openApiComponents({ schemes: ['Bearer', 'Basic'] }).securitySchemes)).toEqual([
      'basicAuth',
      'bearerAuth',
    ]);
    expect(openApiComponents().securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(openApiComponents({ schemes: ['Basic'] }).securitySchemes).toEqual({
      basicAuth: expect.objectContaining({ type: 'http', scheme: 'basic' }),
    });
  });

  it('returns fresh plain data on every call, with no object in two places', () => {
    const first = openApiComponents();
    (first.schemas.AuthProblem as { title?: string }).title = 'changed';
    expect(openApiComponents().schemas.AuthProblem).not.toHaveProperty('title');
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    const seen = new Set<object>();
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      expect(seen.has(value)).toBe(false);
      seen.add(value);
      for (const child of Object.values(value)) walk(child);
    };
    walk(openApiComponents({ schemes: ['Basic', 'Bearer'] }));
  });
});

describe('openApiComponents: options shape the examples as they shape the responses', () => {
  it('realm, typeBase, resourceMetadata and retryAfter', () => {
    const components = openApiComponents({
      realm: 'orders',
      typeBase: 'https://api.example/problems/',
      resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource',
      retryAfter: 30,
    });
    const { headers, problem } = response(components, 'AuthUnauthorized');
    const lines = Object.values(headers['WWW-Authenticate']?.examples ?? {}).map((e) => e.value);
    expect(lines).toContain(
      challenge.bearer({
        realm: 'orders',
        resource_metadata: 'https://api.example/.well-known/oauth-protected-resource',
      }),
    );
    expect(problem.examples?.credentials_required?.value.type).toBe(
      'https://api.example/problems/credentials-required',
    );
    expect(components.schemas.InvalidTokenProblem).toMatchObject({
      properties: { type: { const: 'https://api.example/problems/invalid-token' } },
    });
    const retry = response(components, 'AuthUnavailable').headers['Retry-After'];
    expect(Object.values(retry?.examples ?? {}).map((e) => e.value)).toEqual([30]);
  });

  it('a Basic-only API: no Bearer security scheme, and a 400 without a challenge', () => {
    const components = openApiComponents({ schemes: ['Basic'] });
    expect(response(components, 'AuthBadRequest').headers).toEqual({});
    const lines = Object.values(response(components, 'AuthUnauthorized').headers['WWW-Authenticate']?.examples ?? {});
    expect(lines).toContainEqual({
      summary: expect.stringContaining('credentials_required'),
      value: BASIC,
    });
  });

  it('extensions: each member gets a schema of its JSON type and appears in every example (rule 8)', () => {
    const components = openApiComponents({
      extensions: { traceId: 'abc123', shard: 3, retryable: false, tenant: null },
    });
    expect(components.schemas.AuthProblem).toMatchObject({
      properties: {
        traceId: { type: 'string', maxLength: 1024 },
        shard: { type: 'number' },
        retryable: { type: 'boolean' },
        tenant: { type: 'null' },
      },
    });
    for (const body of examplesOf(components)) {
      expect(body).toMatchObject({ traceId: 'abc123', shard: 3, retryable: false, tenant: null });
    }
  });

  it('instance: the property and the path in every example, never a query (rule 7)', () => {
    expect(openApiComponents().schemas.AuthProblem).not.toHaveProperty('properties.instance');
    const components = openApiComponents({ instance: true });
    expect(components.schemas.AuthProblem).toHaveProperty('properties.instance.format', 'uri-reference');
    for (const body of examplesOf(components)) expect(body.instance).toBe('/orders');
  });
});

describe('openApiComponents: every example conforms to its schema (Redocly)', () => {
  it.each([
    ['defaults', {}],
    ['with 429 too_many_requests', { tooManyRequests: true }],
    [
      'Basic and Bearer, own realm and type base',
      { schemes: ['Basic', 'Bearer'], realm: 'orders', typeBase: 'urn:example:problems:' },
    ],
    ['instance and extension members', { instance: true, extensions: { traceId: 't-1', attempt: 2 } }],
  ] as const)('%s', async (_name, options) => {
    expect(await lintOpenApi(libraryDocument(openApiComponents(options)), { library: true })).toEqual([]);
  });

  it('the linter does fail an example that breaks its schema', async () => {
    const components = openApiComponents();
    const { problem } = response(components, 'AuthForbidden');
    (problem.examples?.insufficient_scope?.value as Record<string, unknown>).requiredScopes = [];
    const found = await lintOpenApi(libraryDocument(components), { library: true });
    expect(found).toEqual([expect.stringMatching(/^no-invalid-media-type-examples .*insufficient_scope/)]);
  });

  it('any failure the renderer sends conforms to the response schema of its status (fast-check)', async () => {
    const scope = fc.stringMatching(/^[!#-[\]-~]{1,12}$/);
    const failure = fc.oneof(
      fc
        .record({ scopes: fc.uniqueArray(scope, { minLength: 1, maxLength: 3 }) })
        .map(({ scopes }) => insufficientScope(scopes)),
      fc
        .record({
          acr: fc.option(fc.uniqueArray(scope, { minLength: 1, maxLength: 2 }), { nil: undefined }),
          maxAge: fc.nat(86_400),
        })
        .map(({ acr, maxAge }) => insufficientUserAuthentication(acr === undefined ? { maxAge } : { acrValues: acr })),
      fc.string({ maxLength: 60 }).map((detail) => invalidToken({ detail })),
      fc.nat(3600).map((retryAfter) => authUnavailable({ retryAfter })),
    );
    const extension = fc.record({ traceId: fc.string({ maxLength: 40 }), attempt: fc.integer() });
    const samples = fc.sample(fc.tuple(failure, extension), { numRuns: 60, seed: 17 });
    const byResponse = new Map<string, Record<string, unknown>>();
    for (const [i, [error, extensions]] of samples.entries()) {
      const sent = createRenderer({ extensions, onError: () => {} })(error, { method: 'GET', url: '/x' });
      const name = RESPONSE_OF_STATUS[sent?.status ?? 0] as string;
      byResponse.set(name, { ...byResponse.get(name), [`sample${i}`]: JSON.parse(sent?.body ?? '') });
    }
    const components = openApiComponents({ extensions: { traceId: 'x', attempt: 1 } });
    for (const [name, examples] of byResponse) {
      expect(await lintOpenApi(withExamples(components, name, examples), { library: true }), name).toEqual([]);
    }
  });
});

describe('openApiComponents: bad options are TypeErrors naming the option', () => {
  it.each([
    ['options not an object', 42, /openApiComponents options must be an object/],
    ['options null', null, /openApiComponents options must be an object/],
    // The options the renderer also takes: refused by the same checks, with the same messages.
    ['realm with CR LF', { realm: 'x\r\nSet-Cookie: a=b' }, /"realm"/],
    ['non-ASCII realm', { realm: 'caf\u00e9' }, /"realm"/],
    ['relative typeBase', { typeBase: '/problems/' }, /"typeBase"/],
    ['an unknown scheme', { schemes: ['Digest'] }, /"schemes"/],
    ['negative retryAfter', { retryAfter: -1 }, /"retryAfter"/],
    ['relative resourceMetadata', { resourceMetadata: '/.well-known/oauth-protected-resource' }, /"resourceMetadata"/],
    // And its own.
    [
      'onError, which a document has no use for',
      { onError: () => {} },
      /"onError" is not an option of openApiComponents/,
    ],
    ['an unknown option (a typo)', { realms: 'api' }, /"realms" is not an option of openApiComponents/],
    [
      'extensions as a function',
      { extensions: () => ({ traceId: 'x' }) },
      /"extensions".*a function cannot be described/,
    ],
    ['an extension name with a hyphen', { extensions: { 'trace-id': 'x' } }, /"extensions": member "trace-id"/],
    ['an extension that replaces code', { extensions: { code: 'x' } }, /"extensions": member "code"/],
    ['an extension value that is an object', { extensions: { traceId: { a: 1 } } }, /"extensions": member "traceId"/],
    ['instance not a boolean', { instance: 'yes' }, /"instance" must be a boolean/],
    ['tooManyRequests not a boolean', { tooManyRequests: 1 }, /"tooManyRequests" must be a boolean/],
  ])('%s', (_what, options, message) => {
    expect(() => openApiComponents(options as never)).toThrow(TypeError);
    expect(() => openApiComponents(options as never)).toThrow(message);
  });
});
