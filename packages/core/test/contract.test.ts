/**
 * The behaviour contract (docs/problems.md), row by row, as a user of the renderer sees
 * it: `createRenderer(options)(error, { method, url, accept })` → exact
 * status, every header, `vary` and the whole body.
 * Rule numbers refer to docs/conformance.md.
 */
import {
  type AuthError,
  type AuthErrorEvent,
  authUnavailable,
  createRenderer,
  credentialsRequired,
  DEFAULT_TYPE_BASE,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidCredentials,
  invalidRequest,
  invalidToken,
  type RenderedResponse,
  type RenderOptions,
} from '@auth-errors/core/adapter';
import createError from 'http-errors';
import { errors as joseErrors } from 'jose';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';

const T = DEFAULT_TYPE_BASE;
const GET = { method: 'GET', url: '/orders' } as const;

const BASIC = 'Basic realm="api", charset="UTF-8"';
const BEARER = 'Bearer realm="api"';

interface Row {
  readonly name: string;
  readonly error: () => AuthError;
  readonly options?: RenderOptions;
  readonly status: number;
  readonly challenges: readonly string[] | undefined;
  readonly retryAfter?: string;
  /** The exact serialized body: member order included. */
  readonly golden: string;
}

/** One row per failure code of docs/problems.md (plus the variants its wording implies). */
const rows: readonly Row[] = [
  {
    name: 'credentials_required, nothing configured: a Bearer challenge without error information',
    error: () => credentialsRequired(),
    status: 401,
    challenges: [BEARER],
    golden:
      '{"type":"https://auth-errors.dev/problems/credentials-required","title":"Credentials required","status":401,"detail":"Authentication is required to access this resource","code":"credentials_required"}',
  },
  {
    name: 'credentials_required from a Basic guard: the Basic challenge',
    error: () => credentialsRequired({ scheme: 'Basic' }),
    status: 401,
    challenges: [BASIC],
    golden:
      '{"type":"https://auth-errors.dev/problems/credentials-required","title":"Credentials required","status":401,"detail":"Authentication is required to access this resource","code":"credentials_required"}',
  },
  {
    name: 'credentials_required, Basic and Bearer configured: every configured challenge, Basic first',
    error: () => credentialsRequired(),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 401,
    challenges: [BASIC, BEARER],
    golden:
      '{"type":"https://auth-errors.dev/problems/credentials-required","title":"Credentials required","status":401,"detail":"Authentication is required to access this resource","code":"credentials_required"}',
  },
  {
    name: 'invalid_request: Bearer error="invalid_request" (rule 34 vector)',
    error: () => invalidRequest({ scheme: 'Bearer', detail: 'Multiple methods used to include access token' }),
    status: 400,
    challenges: [
      'Bearer realm="api", error="invalid_request", error_description="Multiple methods used to include access token"',
    ],
    golden: `{"type":"${T}invalid-request","title":"Invalid authentication request","status":400,"detail":"Multiple methods used to include access token","code":"invalid_request"}`,
  },
  {
    name: 'invalid_request with Basic and Bearer configured: only the Bearer error challenge',
    error: () => invalidRequest({ detail: 'The request has more than one Authorization header field' }),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 400,
    challenges: [
      'Bearer realm="api", error="invalid_request", error_description="The request has more than one Authorization header field"',
    ],
    golden: `{"type":"${T}invalid-request","title":"Invalid authentication request","status":400,"detail":"The request has more than one Authorization header field","code":"invalid_request"}`,
  },
  {
    name: 'invalid_request on a Basic-only API: no Bearer challenge, since Bearer is not configured',
    error: () => invalidRequest({ detail: 'The request has more than one Authorization header field' }),
    options: { schemes: ['Basic'] },
    status: 400,
    challenges: undefined,
    golden: `{"type":"${T}invalid-request","title":"Invalid authentication request","status":400,"detail":"The request has more than one Authorization header field","code":"invalid_request"}`,
  },
  {
    name: 'invalid_token: Bearer error="invalid_token" with a description (rule 40 vector)',
    error: () => invalidToken({ detail: 'The access token expired' }),
    status: 401,
    challenges: ['Bearer realm="api", error="invalid_token", error_description="The access token expired"'],
    golden: `{"type":"${T}invalid-token","title":"Invalid access token","status":401,"detail":"The access token expired","code":"invalid_token"}`,
  },
  {
    name: 'invalid_token with Basic and Bearer configured: the Basic challenge unchanged, then the Bearer error',
    error: () => invalidToken(),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 401,
    challenges: [BASIC, 'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"'],
    golden: `{"type":"${T}invalid-token","title":"Invalid access token","status":401,"detail":"The access token is not valid","code":"invalid_token"}`,
  },
  {
    name: 'invalid_credentials: Basic realm, charset="UTF-8"',
    error: () => invalidCredentials(),
    status: 401,
    challenges: [BASIC],
    golden: `{"type":"${T}invalid-credentials","title":"Invalid credentials","status":401,"detail":"The user name or password is incorrect","code":"invalid_credentials"}`,
  },
  {
    name: 'invalid_credentials with Basic and Bearer configured: Basic, then the other configured challenge',
    error: () => invalidCredentials(),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 401,
    challenges: [BASIC, BEARER],
    golden: `{"type":"${T}invalid-credentials","title":"Invalid credentials","status":401,"detail":"The user name or password is incorrect","code":"invalid_credentials"}`,
  },
  {
    name: 'insufficient_scope: 403 with Bearer error="insufficient_scope", scope (rule 41 vector)',
    error: () => insufficientScope(['write']),
    status: 403,
    challenges: ['Bearer realm="api", error="insufficient_scope", scope="write"'],
    golden: `{"type":"${T}insufficient-scope","title":"Insufficient scope","status":403,"detail":"The access token does not grant the scope this request requires","code":"insufficient_scope","requiredScopes":["write"]}`,
  },
  {
    name: 'insufficient_scope with Basic and Bearer configured: still one Bearer line',
    error: () => insufficientScope(['orders:read', 'orders:write']),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 403,
    challenges: ['Bearer realm="api", error="insufficient_scope", scope="orders:read orders:write"'],
    golden: `{"type":"${T}insufficient-scope","title":"Insufficient scope","status":403,"detail":"The access token does not grant the scope this request requires","code":"insufficient_scope","requiredScopes":["orders:read","orders:write"]}`,
  },
  {
    name: 'forbidden: 403, its own type, no challenge',
    error: () => forbidden(),
    status: 403,
    challenges: undefined,
    golden:
      '{"type":"https://auth-errors.dev/problems/forbidden","title":"Forbidden","status":403,"detail":"You are not allowed to perform this request","code":"forbidden"}',
  },
  {
    name: 'forbidden with Basic and Bearer configured: still no challenge (rule 15)',
    error: () => forbidden({ scheme: 'Basic' }),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 403,
    challenges: undefined,
    golden:
      '{"type":"https://auth-errors.dev/problems/forbidden","title":"Forbidden","status":403,"detail":"You are not allowed to perform this request","code":"forbidden"}',
  },
  {
    name: 'insufficient_user_authentication with acr_values (rule 58 vector)',
    error: () =>
      insufficientUserAuthentication(
        { acrValues: ['myACR'] },
        { detail: 'A different authentication level is required' },
      ),
    status: 401,
    challenges: [
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
    ],
    golden: `{"type":"${T}insufficient-user-authentication","title":"Insufficient user authentication","status":401,"detail":"A different authentication level is required","code":"insufficient_user_authentication","acrValues":["myACR"]}`,
  },
  {
    name: 'insufficient_user_authentication with max_age (rule 58 vector)',
    error: () => insufficientUserAuthentication({ maxAge: 300 }, { detail: 'More recent authentication is required' }),
    status: 401,
    challenges: [
      'Bearer realm="api", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="300"',
    ],
    golden: `{"type":"${T}insufficient-user-authentication","title":"Insufficient user authentication","status":401,"detail":"More recent authentication is required","code":"insufficient_user_authentication","maxAge":300}`,
  },
  {
    name: 'insufficient_user_authentication with both, Basic and Bearer configured: one Bearer line',
    error: () => insufficientUserAuthentication({ acrValues: ['urn:mace:incommon:iap:silver', 'myACR'], maxAge: 0 }),
    options: { schemes: ['Basic', 'Bearer'] },
    status: 401,
    challenges: [
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:mace:incommon:iap:silver myACR", max_age="0"',
    ],
    golden: `{"type":"${T}insufficient-user-authentication","title":"Insufficient user authentication","status":401,"detail":"A stronger or more recent authentication is required","code":"insufficient_user_authentication","acrValues":["urn:mace:incommon:iap:silver","myACR"],"maxAge":0}`,
  },
  {
    name: 'auth_unavailable: 503 with Retry-After, no challenge',
    error: () => authUnavailable({ scheme: 'Bearer' }),
    status: 503,
    challenges: undefined,
    retryAfter: '5',
    golden: `{"type":"${T}auth-unavailable","title":"Authentication service unavailable","status":503,"detail":"Credentials cannot be checked right now. Retry later with the same credentials","code":"auth_unavailable"}`,
  },
  {
    name: 'auth_unavailable with Basic and Bearer configured and a renderer Retry-After: still no challenge',
    error: () => authUnavailable(),
    options: { schemes: ['Basic', 'Bearer'], retryAfter: 30 },
    status: 503,
    challenges: undefined,
    retryAfter: '30',
    golden: `{"type":"${T}auth-unavailable","title":"Authentication service unavailable","status":503,"detail":"Credentials cannot be checked right now. Retry later with the same credentials","code":"auth_unavailable"}`,
  },
  {
    name: "auth_unavailable with the error's own Retry-After, which wins over the renderer's",
    error: () => authUnavailable({ retryAfter: 120 }),
    options: { retryAfter: 30 },
    status: 503,
    challenges: undefined,
    retryAfter: '120',
    golden: `{"type":"${T}auth-unavailable","title":"Authentication service unavailable","status":503,"detail":"Credentials cannot be checked right now. Retry later with the same credentials","code":"auth_unavailable"}`,
  },
];

function expectedHeaders(row: Row, contentType = 'application/problem+json'): Record<string, unknown> {
  const headers: Record<string, unknown> = {
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(row.golden)),
    'cache-control': 'no-store',
  };
  if (row.challenges !== undefined) headers['www-authenticate'] = row.challenges;
  if (row.retryAfter !== undefined) headers['retry-after'] = row.retryAfter;
  return headers;
}

function renderRow(row: Row, request: { method?: string; url?: string; accept?: string } = GET): RenderedResponse {
  const response = createRenderer(row.options)(row.error(), request);
  if (response === undefined) throw new Error(`${row.name}: not rendered`);
  return response;
}

let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  consoleError.mockRestore();
});

describe('behaviour contract table', () => {
  describe.each(rows)('$name', (row) => {
    it('has the exact status, headers and vary', () => {
      const response = renderRow(row);
      expect(response.status).toBe(row.status);
      expect(response.headers).toEqual(expectedHeaders(row));
      expect(response.vary).toEqual(['Accept']);
    });

    it('sends the whole body, byte for byte (golden)', () => {
      const response = renderRow(row);
      expect(response.body).toBe(row.golden);
      const body = JSON.parse(response.body);
      expect(body).toEqual(JSON.parse(row.golden));
      expect(body.status).toBe(response.status);
      expect(Number.isInteger(body.status)).toBe(true);
    });

    it('answers HEAD with the same status and headers and an empty body', () => {
      const get = renderRow(row);
      const head = renderRow(row, { method: 'HEAD', url: '/orders' });
      expect(head.status).toBe(get.status);
      expect(head.headers).toEqual(get.headers);
      expect(head.vary).toEqual(get.vary);
      expect(head.body).toBe('');
    });

    it('answers a client that accepts only application/json with application/json and the same body', () => {
      const response = renderRow(row, { ...GET, accept: 'application/json' });
      expect(response.headers).toEqual(expectedHeaders(row, 'application/json'));
      expect(response.body).toBe(row.golden);
      expect(response.vary).toEqual(['Accept']);
    });
  });

  it('covers every failure code of the table', () => {
    const codes = new Set(rows.map((row) => row.error().code));
    expect([...codes].sort()).toEqual([
      'auth_unavailable',
      'credentials_required',
      'forbidden',
      'insufficient_scope',
      'insufficient_user_authentication',
      'invalid_credentials',
      'invalid_request',
      'invalid_token',
    ]);
  });

  it('every 401 carries at least one challenge (rule 14), every body has its own type and a code', () => {
    for (const row of rows) {
      const response = renderRow(row);
      const body = JSON.parse(response.body);
      if (response.status === 401) expect(response.headers['www-authenticate']?.length).toBeGreaterThan(0);
      expect(body.type).not.toBe('about:blank');
      expect(body.code).toBe(row.error().code);
      expect(() => new URL(body.type)).not.toThrow();
      expect(typeof body.detail).toBe('string');
      expect(body.detail.length).toBeGreaterThan(0);
    }
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
      expect(response?.headers['www-authenticate']).toEqual([
        'Basic realm="api", charset="UTF-8"',
        'Bearer realm="api"',
      ]);
    }
  });

  it('offers only the configured scheme on a Basic-only API', () => {
    const response = createRenderer({ schemes: ['Basic'] })(credentialsRequired(), GET);
    expect(response?.headers['www-authenticate']).toEqual(['Basic realm="api", charset="UTF-8"']);
  });

  it('uses the configured realm on every line', () => {
    const response = createRenderer({ schemes: ['Basic', 'Bearer'], realm: 'rs.example' })(invalidToken(), GET);
    expect(response?.headers['www-authenticate']).toEqual([
      'Basic realm="rs.example", charset="UTF-8"',
      'Bearer realm="rs.example", error="invalid_token", error_description="The access token is not valid"',
    ]);
  });

  it("uses a guard's own realm, and falls back to the renderer's when that realm cannot be sent", () => {
    const renderer = createRenderer({ realm: 'api' });
    expect(renderer(invalidCredentials({ realm: 'admin area' }), GET)?.headers['www-authenticate']).toEqual([
      'Basic realm="admin area", charset="UTF-8"',
    ]);
    for (const realm of ['café', 'x\r\nSet-Cookie: a=b', '']) {
      expect(renderer(invalidCredentials({ realm }), GET)?.headers['www-authenticate']).toEqual([
        'Basic realm="api", charset="UTF-8"',
      ]);
    }
  });

  it('refuses unknown schemes at creation with a TypeError naming the option', () => {
    expect(() => createRenderer({ schemes: ['Digest'] as never })).toThrow(TypeError);
    expect(() => createRenderer({ schemes: ['Digest'] as never })).toThrow(/schemes/);
    expect(() => createRenderer({ schemes: 'Basic' as never })).toThrow(/schemes/);
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

  it.each([
    'not a url',
    '/.well-known/oauth-protected-resource',
    'ftp://rs.example/x',
    'https://rs.example/a b',
    'https://rs.example/"x',
    'https://rs.example/x\r\nSet-Cookie: a=b',
    '',
  ])('refuses %j at creation with a TypeError naming resourceMetadata', (value) => {
    expect(() => createRenderer({ resourceMetadata: value })).toThrow(TypeError);
    expect(() => createRenderer({ resourceMetadata: value })).toThrow(/resourceMetadata/);
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

  it.each([
    'problems/',
    '/problems/',
    '',
    'https://rs.example/a b/',
  ])('refuses the relative or unsafe prefix %j at creation', (typeBase) => {
    expect(() => createRenderer({ typeBase })).toThrow(TypeError);
    expect(() => createRenderer({ typeBase })).toThrow(/typeBase/);
  });
});

describe('detail text', () => {
  it('keeps an application detail in the body, but only RFC 6750-safe text reaches error_description (rule 37)', () => {
    const renderer = createRenderer();
    const response = renderer(invalidToken({ detail: 'Le jeton a expiré' }), GET);
    expect(JSON.parse(response?.body ?? '').detail).toBe('Le jeton a expiré');
    expect(response?.headers['content-length']).toBe(String(Buffer.byteLength(response?.body ?? '')));
    expect(response?.headers['content-length']).not.toBe(String((response?.body ?? '').length));
    expect(response?.headers['www-authenticate']).toEqual([
      'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"',
    ]);

    const quoted = renderer(invalidToken({ detail: 'unexpected "aud" claim value' }), GET);
    expect(quoted?.headers['www-authenticate']).toEqual([
      'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"',
    ]);
  });

  it('keeps an application detail on forbidden', () => {
    const response = createRenderer()(forbidden({ detail: 'Only administrators may do this' }), GET);
    expect(response?.body).toBe(
      '{"type":"https://auth-errors.dev/problems/forbidden","title":"Forbidden","status":403,"detail":"Only administrators may do this","code":"forbidden"}',
    );
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

  it('receives the cause given to a factory, for every status', () => {
    const cause = new Error('connect ECONNREFUSED 10.1.2.3:443');
    const events: AuthErrorEvent[] = [];
    const renderer = createRenderer({ onError: (event) => events.push(event) });
    const response = renderer(authUnavailable({ cause, scheme: 'Bearer' }), GET);
    expect(events.map((e) => [e.code, e.status, e.scheme, e.cause])).toEqual([
      ['auth_unavailable', 503, 'Bearer', cause],
    ]);
    expect(response?.body).not.toContain('ECONNREFUSED');
    expect(response?.body).not.toContain('10.1.2.3');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('is not called for values that are not auth failures', () => {
    const onError = vi.fn();
    const renderer = createRenderer({ onError });
    expect(renderer(new Error('boom'), GET)).toBeUndefined();
    expect(renderer(createError(404), GET)).toBeUndefined();
    expect(renderer(createError(500), GET)).toBeUndefined();
    expect(onError).not.toHaveBeenCalled();
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

  it('must be a function', () => {
    expect(() => createRenderer({ onError: 'log' as never })).toThrow(/onError/);
  });
});

describe('default logging', () => {
  it('logs nothing for any 4xx failure', () => {
    const renderer = createRenderer();
    for (const row of rows) {
      if (row.status < 500) renderer(row.error(), GET);
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

describe('option validation', () => {
  it.each([
    [{ retryAfter: -1 }, /retryAfter/],
    [{ retryAfter: 1.5 }, /retryAfter/],
    [{ realm: '' }, /realm/],
    [{ realm: 'café' }, /realm/],
  ] as const)('%j is refused at creation', (options, name) => {
    expect(() => createRenderer(options as RenderOptions)).toThrow(TypeError);
    expect(() => createRenderer(options as RenderOptions)).toThrow(name);
  });

  it('refuses options that are not an object', () => {
    expect(() => createRenderer(null as never)).toThrow(TypeError);
  });
});

describe('insufficient_scope for a caller authenticated with Basic', () => {
  it('is a 403 with the problem body and no challenge: Bearer advice would not help a Basic caller', () => {
    const res = createRenderer({ schemes: ['Basic'] })(insufficientScope(['admin'], { scheme: 'Basic' }), {
      method: 'GET',
      url: '/admin',
    });
    expect(res?.status).toBe(403);
    expect(res?.headers['www-authenticate']).toBeUndefined();
    expect(JSON.parse(res?.body ?? '')).toMatchObject({ code: 'insufficient_scope', requiredScopes: ['admin'] });
  });
});
