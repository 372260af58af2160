/**
 * The behaviour contract as a user of the renderer sees it. Every value of the
 * contract table (test/support/contract-cases.ts, also run over every app by
 * test/parity.test.ts) through `createRenderer(options)(error, { method, url,
 * accept })`: exact status, every header, `vary`, the whole body byte for
 * byte, and the onError event. Then what each renderer option changes.
 * Rule numbers refer to docs/conformance.md.
 */
import {
  type AuthErrorEvent,
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidCredentials,
  invalidRequest,
  invalidToken,
} from '@auth-errors/core';
import { createRenderer, type RenderedResponse } from '@auth-errors/core/adapter';
import fc from 'fast-check';
import createError from 'http-errors';
import { errors as joseErrors } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  BASIC,
  BEARER,
  bodyText,
  CODES,
  challenge,
  createFixtures,
  type ErrorCase,
  type Expected,
  errorCases,
  expectationOf,
  expectEvents,
  type Fixtures,
  isPassedOn,
  jsonVariant,
  profiles,
  requestOf,
  secretsOf,
} from '../../../test/support/contract-cases.js';
import { refusal, rendererOptionCases } from '../../../test/support/option-cases.js';

const T = 'https://auth-errors.dev/problems/';
const GET = { method: 'GET', url: '/orders' } as const;

let fixtures: Fixtures;
beforeAll(async () => {
  fixtures = await createFixtures();
});

let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

/** Renders the case's value with its profile's options, as a request to its route would. */
async function renderCase(c: ErrorCase, method = 'GET', accept?: string) {
  const events: AuthErrorEvent[] = [];
  const render = createRenderer({ ...profiles[c.profile ?? 'app'].options, onError: (event) => events.push(event) });
  const url = requestOf(c, fixtures).path;
  const response = render(await c.error(fixtures), { method, url, accept });
  return { response, events, url };
}

/** Every header the renderer sets for `e`. */
function headersOf(e: Expected): Record<string, unknown> {
  const headers: Record<string, unknown> = {
    'content-type': e.mediaType,
    'content-length': String(Buffer.byteLength(bodyText(e))),
    'cache-control': e.cacheControl,
  };
  if (e.challenges.length > 0) headers['www-authenticate'] = e.challenges;
  if (e.retryAfter !== null) headers['retry-after'] = e.retryAfter;
  return headers;
}

function rendered(response: RenderedResponse | undefined): RenderedResponse {
  if (response === undefined) throw new Error('not rendered');
  return response;
}

const failures = errorCases.filter((c) => !isPassedOn(c));
const notOurs = errorCases.filter(isPassedOn);

describe('the contract table', () => {
  describe.each(failures)('$name', (c) => {
    it('has the exact status, headers, vary, body and onError event', async () => {
      const e = expectationOf(c, fixtures);
      const { response, events, url } = await renderCase(c);
      const { status, headers, vary, body } = rendered(response);
      expect({ status, headers, vary }).toEqual({ status: e.status, headers: headersOf(e), vary: ['Accept'] });
      expect(body).toBe(bodyText(e));
      expect(JSON.parse(body).status).toBe(status);
      expectEvents(events, e, 'GET', url);
      const seen = `${JSON.stringify(headers)}\n${body}`;
      for (const secret of secretsOf(c, requestOf(c, fixtures), fixtures)) expect(seen).not.toContain(secret);
    });

    it('answers HEAD with the same status and headers and an empty body', async () => {
      const get = rendered((await renderCase(c)).response);
      const { response, events, url } = await renderCase(c, 'HEAD');
      const head = rendered(response);
      expect({ ...head, body: undefined }).toEqual({ ...get, body: undefined });
      expect(head.body).toBe('');
      expectEvents(events, expectationOf(c, fixtures), 'HEAD', url);
    });

    it('answers a client that accepts only application/json with application/json and the same body', async () => {
      const e = jsonVariant(expectationOf(c, fixtures));
      const response = rendered((await renderCase(c, 'GET', 'application/json')).response);
      expect(response.headers).toEqual(headersOf(e));
      expect(response.body).toBe(bodyText(e));
      expect(response.vary).toEqual(['Accept']);
    });
  });

  it.each(notOurs.map((c) => [c.name, c] as const))('%s: not rendered, no onError event', async (_name, c) => {
    const { response, events } = await renderCase(c);
    expect(response).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('covers every failure code', () => {
    const codes = new Set(failures.map((c) => expectationOf(c, fixtures).events[0]?.split(' ')[0]));
    expect([...codes].sort()).toEqual([...CODES].sort());
  });

  it('every 401 carries at least one challenge (rule 14), every body has its own absolute type and a code', () => {
    for (const c of failures) {
      const e = expectationOf(c, fixtures);
      const body = JSON.parse(bodyText(e));
      if (e.status === 401) expect(e.challenges.length, c.name).toBeGreaterThan(0);
      expect(body.type).not.toBe('about:blank');
      expect(() => new URL(body.type)).not.toThrow();
      expect(CODES).toContain(body.code);
      expect(body.detail.length).toBeGreaterThan(0);
    }
  });
});

describe('options the renderer refuses (TypeError at creation, naming the option)', () => {
  it.each(rendererOptionCases)('%s', (_case, options, names) => {
    const error = refusal(() => createRenderer(options as never));
    expect(error.message).toMatch(names);
    expect(error.message).toMatch(/^auth-errors: /);
  });
});

describe('configured schemes (rule 25)', () => {
  it('sends two separate field lines, Basic first, whatever order the schemes are configured in', () => {
    for (const schemes of [
      ['Basic', 'Bearer'],
      ['Bearer', 'Basic'],
      ['bearer', 'BASIC'],
    ] as const) {
      const response = createRenderer({ schemes: schemes as never })(credentialsRequired(), GET);
      expect(response?.headers['www-authenticate']).toEqual([BASIC, BEARER]);
    }
  });

  it('uses the configured realm on every line', () => {
    const response = createRenderer({ schemes: ['Basic', 'Bearer'], realm: 'rs.example' })(invalidToken(), GET);
    expect(response?.headers['www-authenticate']).toEqual([
      challenge.basic('rs.example'),
      challenge.bearer({
        realm: 'rs.example',
        error: 'invalid_token',
        error_description: 'The access token is not valid',
      }),
    ]);
  });

  it("uses a guard's own realm; one that cannot be sent is refused when the error is made, never replaced", () => {
    const renderer = createRenderer({ realm: 'api' });
    expect(renderer(invalidCredentials({ realm: 'admin area' }), GET)?.headers['www-authenticate']).toEqual([
      challenge.basic('admin area'),
    ]);
    for (const realm of ['café', 'x\r\nSet-Cookie: a=b', '']) {
      expect(() => invalidCredentials({ realm })).toThrow(/option "realm"/);
    }
  });
});

describe('content negotiation', () => {
  const renderer = createRenderer();
  it.each([
    [undefined, 'application/problem+json'],
    ['', 'application/problem+json'],
    ['*/*', 'application/problem+json'],
    ['application/problem+json', 'application/problem+json'],
    ['application/json', 'application/json'],
    ['application/json;q=0.9', 'application/json'],
    ['text/html', 'application/problem+json'],
    ['text/html, application/xhtml+xml, */*;q=0.8', 'application/problem+json'],
    ['application/problem+json, application/json;q=0.5', 'application/problem+json'],
    ['application/json, application/problem+json', 'application/problem+json'],
    ['application/json, application/problem+json;q=0.5', 'application/problem+json'],
    ['application/json, text/plain, */*', 'application/problem+json'],
  ])('Accept %j → %s, and Vary: Accept', (accept, type) => {
    const response = renderer(invalidToken(), { ...GET, accept });
    expect(response?.headers['content-type']).toBe(type);
    expect(response?.vary).toEqual(['Accept']);
  });
});

describe('instance (rule 7)', () => {
  it('is absent unless enabled', () => {
    const response = createRenderer()(invalidToken(), { method: 'GET', url: '/orders/42' });
    expect(JSON.parse(response?.body ?? '')).not.toHaveProperty('instance');
  });

  it('is the request path, never the query string or fragment', () => {
    const renderer = createRenderer({ instance: true });
    const response = renderer(invalidToken(), { method: 'GET', url: '/orders/42?access_token=abc.def.ghi#frag' });
    const body = JSON.parse(response?.body ?? '');
    expect(body).toEqual({
      type: `${T}invalid-token`,
      title: 'Invalid access token',
      status: 401,
      detail: 'The access token is not valid',
      instance: '/orders/42',
      code: 'invalid_token',
    });
    expect(response?.body).not.toContain('abc.def.ghi');
    expect(response?.body).not.toContain('access_token');
    expect(response?.headers['content-length']).toBe(String(Buffer.byteLength(response?.body ?? '')));
  });

  it('Content-Length is the UTF-8 length of the body, whatever the detail holds (ASCII, accents, emoji, lone surrogates)', () => {
    const render = createRenderer({ onError: () => {} });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), (detail) => {
        const response = render(invalidToken({ detail }), { method: 'GET', url: '/' });
        expect(response?.headers['content-length']).toBe(String(Buffer.byteLength(response?.body ?? '')));
      }),
    );
  });

  it('comes after detail and before code, without the query', () => {
    const response = createRenderer({ instance: true })(credentialsRequired(), { method: 'GET', url: '/me?x=1' });
    expect(response?.body).toBe(
      '{"type":"https://auth-errors.dev/problems/credentials-required","title":"Credentials required","status":401,"detail":"Authentication is required to access this resource","instance":"/me","code":"credentials_required"}',
    );
  });

  it('is left out rather than echo an absolute-form or missing target', () => {
    const renderer = createRenderer({ instance: true });
    for (const url of [
      'https://rs.example/orders?access_token=abc.def.ghi',
      'orders?access_token=abc.def.ghi',
      undefined,
    ]) {
      const response = renderer(invalidToken(), { method: 'GET', url });
      expect(JSON.parse(response?.body ?? '')).not.toHaveProperty('instance');
      expect(response?.body).not.toContain('abc.def.ghi');
    }
  });
});

describe('resourceMetadata (rule 56)', () => {
  const resourceMetadata = 'https://rs.example/.well-known/oauth-protected-resource';

  it('is added to a credentials_required Bearer challenge (rule 56 vector)', () => {
    const response = createRenderer({ resourceMetadata })(credentialsRequired(), GET);
    expect(response?.headers['www-authenticate']).toEqual([
      'Bearer realm="api", resource_metadata="https://rs.example/.well-known/oauth-protected-resource"',
    ]);
    expect(response?.status).toBe(401);
    expect(response?.body).toBe(
      '{"type":"https://auth-errors.dev/problems/credentials-required","title":"Credentials required","status":401,"detail":"Authentication is required to access this resource","code":"credentials_required"}',
    );
  });

  // Literal lines: where the parameter goes is what this test is about.
  it('comes last, after the error parameters, on every Bearer challenge', () => {
    const renderer = createRenderer({ resourceMetadata: new URL(resourceMetadata), schemes: ['Basic', 'Bearer'] });
    expect(renderer(invalidToken({ detail: 'The access token expired' }), GET)?.headers['www-authenticate']).toEqual([
      'Basic realm="api", charset="UTF-8"',
      `Bearer realm="api", error="invalid_token", error_description="The access token expired", resource_metadata="${resourceMetadata}"`,
    ]);
    expect(renderer(insufficientScope(['write']), GET)?.headers['www-authenticate']).toEqual([
      `Bearer realm="api", error="insufficient_scope", scope="write", resource_metadata="${resourceMetadata}"`,
    ]);
    expect(renderer(insufficientUserAuthentication({ maxAge: 60 }), GET)?.headers['www-authenticate']).toEqual([
      `Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", max_age="60", resource_metadata="${resourceMetadata}"`,
    ]);
  });

  it('never turns forbidden or auth_unavailable into a challenge', () => {
    const renderer = createRenderer({ resourceMetadata });
    expect(renderer(forbidden(), GET)?.headers).not.toHaveProperty('www-authenticate');
    expect(renderer(authUnavailable(), GET)?.headers).not.toHaveProperty('www-authenticate');
  });
});

describe('typeBase', () => {
  it('prefixes every type, credentials_required and forbidden included', () => {
    const renderer = createRenderer({ typeBase: 'https://rs.example/problems/' });
    expect(renderer(invalidToken(), GET)?.body).toBe(
      '{"type":"https://rs.example/problems/invalid-token","title":"Invalid access token","status":401,"detail":"The access token is not valid","code":"invalid_token"}',
    );
    expect(JSON.parse(renderer(insufficientScope(['write']), GET)?.body ?? '').type).toBe(
      'https://rs.example/problems/insufficient-scope',
    );
    expect(JSON.parse(renderer(authUnavailable(), GET)?.body ?? '').type).toBe(
      'https://rs.example/problems/auth-unavailable',
    );
    expect(JSON.parse(renderer(credentialsRequired(), GET)?.body ?? '').type).toBe(
      'https://rs.example/problems/credentials-required',
    );
    expect(JSON.parse(renderer(forbidden(), GET)?.body ?? '').type).toBe('https://rs.example/problems/forbidden');
  });

  it('accepts a non-http absolute URI prefix', () => {
    const body = createRenderer({ typeBase: 'tag:rs.example,2024:problems:' })(invalidRequest(), GET)?.body ?? '';
    expect(JSON.parse(body).type).toBe('tag:rs.example,2024:problems:invalid-request');
  });
});

describe('onError', () => {
  it('receives code, status, scheme and the internal cause; the response never carries the cause', () => {
    const cause = new joseErrors.JWTClaimValidationFailed('unexpected "aud" claim value', {}, 'aud', 'check_failed');
    const events: AuthErrorEvent[] = [];
    const renderer = createRenderer({ onError: (event) => events.push(event) });
    const response = renderer(cause, { method: 'get', url: '/orders?access_token=abc.def.ghi' });

    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.code).toBe('invalid_token');
    expect(event?.status).toBe(401);
    expect(event?.scheme).toBe('Bearer');
    expect(event?.cause).toBe(cause);
    expect(event?.method).toBe('GET');
    expect(event?.path).toBe('/orders');
    expect(event?.error.code).toBe('invalid_token');

    expect(response?.status).toBe(401);
    expect(response?.body).not.toContain('unexpected');
    expect(response?.body).not.toContain('claim value');
    for (const line of response?.headers['www-authenticate'] ?? []) expect(line).not.toContain('unexpected');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('that throws does not change the response', () => {
    const renderer = createRenderer({
      onError: () => {
        throw new Error('logger down');
      },
    });
    const quiet = createRenderer({ onError: () => {} });
    expect(renderer(invalidToken(), GET)).toEqual(quiet(invalidToken(), GET));
  });
});

describe('default logging', () => {
  it('logs nothing for any 4xx failure', async () => {
    const renderer = createRenderer();
    for (const c of errorCases) {
      if (expectationOf(c, fixtures).status < 500) renderer(await c.error(fixtures), GET);
    }
    renderer(createError(401, 'internal detail'), GET);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('logs one line for a 503, without the message text of the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:443 secret-host.internal'), {
      code: 'ECONNREFUSED',
    });
    createRenderer()(authUnavailable({ cause }), { method: 'GET', url: '/orders?access_token=abc.def.ghi' });
    expect(consoleError).toHaveBeenCalledTimes(1);
    const args = consoleError.mock.calls[0] ?? [];
    expect(args).toHaveLength(1);
    const line = String(args[0]);
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('auth_unavailable');
    expect(line).toContain('503');
    expect(line).not.toContain('10.1.2.3');
    expect(line).not.toContain('secret-host');
    expect(line).not.toContain('abc.def.ghi');
    expect(line).not.toContain('access_token');
  });

  it('logs one line for a jose key-source outage, without jose text', () => {
    createRenderer()(new joseErrors.JWKSTimeout(), GET);
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(String(consoleError.mock.calls[0]?.[0])).not.toContain('request timed out');
  });

  it('is replaced by onError', () => {
    createRenderer({ onError: () => {} })(authUnavailable(), GET);
    expect(consoleError).not.toHaveBeenCalled();
  });
});
