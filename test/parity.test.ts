/**
 * One table of HTTP cases, run against the same app built four ways (Express
 * 5, Express 4, Koa 3, Koa 2). Each case states what a client sees: status,
 * every WWW-Authenticate field line in order, media type, Cache-Control,
 * Retry-After and the whole body. Each adapter must match it, and the four
 * adapters must agree on everything else observed too (full Content-Type,
 * Vary, Content-Length, onError events).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFixtures,
  type Fixtures,
  flavors,
  PREFLIGHT_HEADERS,
  type RunningApp,
  startApp,
  type TokenName,
  TYPE_BASE,
} from './apps.js';
import { basic, header, headerLines, type RawRequest, type RawResponse, rawRequest } from './raw-http.js';

const PROBLEM = 'application/problem+json';
const BASIC = 'Basic realm="api", charset="UTF-8"';
const BEARER = 'Bearer realm="api"';
const bearerError = (error: string, description: string) =>
  `Bearer realm="api", error="${error}", error_description="${description}"`;

interface Expected {
  readonly status: number;
  readonly challenges: readonly string[];
  /** Content-Type without parameters; null when there is none. */
  readonly mediaType: string | null;
  readonly cacheControl: string | null;
  readonly retryAfter: string | null;
  /** Parsed JSON, or the exact text ('' for no body). */
  readonly body: unknown;
  /** The `code` of each onError event the request produced. */
  readonly events: readonly string[];
  /** Extra response headers that must be present with these values. */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

interface Case {
  readonly name: string;
  /** The request; a function when it needs the fixtures (tokens). */
  readonly request: RawRequest | ((f: Fixtures) => RawRequest);
  readonly expect: Expected;
}

const ok = (route: string, user: string | null): Expected => ({
  status: 200,
  challenges: [],
  mediaType: 'application/json',
  cacheControl: null,
  retryAfter: null,
  body: { route, user },
  events: [],
});

function problem(code: string, status: number, title: string, detail: string, extra: object = {}) {
  return { type: `${TYPE_BASE}${code.replaceAll('_', '-')}`, title, status, detail, code, ...extra };
}

const unauthorized: Expected = {
  status: 401,
  challenges: [BASIC, BEARER],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem(
    'credentials_required',
    401,
    'Credentials required',
    'Authentication is required to access this resource',
  ),
  events: ['credentials_required'],
};

const forbidden: Expected = {
  status: 403,
  challenges: [],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem('forbidden', 403, 'Forbidden', 'You are not allowed to perform this request'),
  events: ['forbidden'],
};

const invalidToken = (detail: string): Expected => ({
  status: 401,
  challenges: [BASIC, bearerError('invalid_token', detail)],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem('invalid_token', 401, 'Invalid access token', detail),
  events: ['invalid_token'],
});

const invalidCredentials = (detail: string): Expected => ({
  status: 401,
  challenges: [BASIC, BEARER],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem('invalid_credentials', 401, 'Invalid credentials', detail),
  events: ['invalid_credentials'],
});

const invalidRequest = (detail: string): Expected => ({
  status: 400,
  challenges: [bearerError('invalid_request', detail)],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem('invalid_request', 400, 'Invalid authentication request', detail),
  events: ['invalid_request'],
});

const unavailable: Expected = {
  status: 503,
  challenges: [],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: '5',
  body: problem(
    'auth_unavailable',
    503,
    'Authentication service unavailable',
    'Credentials cannot be checked right now. Retry later with the same credentials',
  ),
  events: ['auth_unavailable'],
};

const insufficientScope: Expected = {
  status: 403,
  challenges: ['Bearer realm="api", error="insufficient_scope", scope="orders:read"'],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem(
    'insufficient_scope',
    403,
    'Insufficient scope',
    'The access token does not grant the scope this request requires',
    { requiredScopes: ['orders:read'] },
  ),
  events: ['insufficient_scope'],
};

const stepUp: Expected = {
  status: 401,
  challenges: [
    'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="urn:high"',
  ],
  mediaType: PROBLEM,
  cacheControl: 'no-store',
  retryAfter: null,
  body: problem(
    'insufficient_user_authentication',
    401,
    'Insufficient user authentication',
    'A different authentication level is required',
    { acrValues: ['urn:high'] },
  ),
  events: ['insufficient_user_authentication'],
};

/** The same request without a body: HEAD keeps status and every header, and sends no body. */
const head = (e: Expected): Expected => ({ ...e, body: '' });

const auth = (value: string) => [['Authorization', value]] as const;
const bearerWith =
  (token: TokenName, path: string, extra: readonly (readonly [string, string])[] = []) =>
  (f: Fixtures): RawRequest => ({ path, headers: [['Authorization', `Bearer ${f.tokens[token]}`], ...extra] });

const alice = basic('alice', 'wonderland');
const admin = basic('admin', 'correct horse battery staple');
const preflight = [
  ['Origin', 'https://app.example'],
  ['Access-Control-Request-Method', 'GET'],
  ['Access-Control-Request-Headers', 'authorization'],
] as const;

const cases: Case[] = [
  // --- public and foreign ---
  { name: 'public route, no credentials', request: { path: '/public' }, expect: ok('/public', null) },
  { name: 'public route, HEAD', request: { method: 'HEAD', path: '/public' }, expect: head(ok('/public', null)) },
  {
    name: 'route throws createError(401): rendered with every configured challenge',
    request: { path: '/throw/401' },
    expect: { ...unauthorized },
  },
  {
    name: 'route throws a plain Error: passed to the app fallback untouched',
    request: { path: '/throw/500' },
    expect: {
      status: 500,
      challenges: [],
      mediaType: 'application/json',
      cacheControl: null,
      retryAfter: null,
      body: { fallback: true, identical: true, message: 'boom' },
      events: [],
    },
  },
  {
    name: 'route throws a 404 http-error: not an auth failure, passed on untouched',
    request: { path: '/throw/404' },
    expect: {
      status: 404,
      challenges: [],
      mediaType: 'application/json',
      cacheControl: null,
      retryAfter: null,
      body: { fallback: true, identical: true, message: 'No such order' },
      events: [],
    },
  },

  // --- Basic ---
  { name: 'basic: no credentials', request: { path: '/basic' }, expect: unauthorized },
  { name: 'basic: alice', request: { path: '/basic', headers: auth(alice) }, expect: ok('/basic', 'alice') },
  {
    name: 'basic: scheme in lower case',
    request: { path: '/basic', headers: auth(`basic ${alice.slice(6)}`) },
    expect: ok('/basic', 'alice'),
  },
  {
    name: 'basic: several spaces after the scheme',
    request: { path: '/basic', headers: auth(`Basic    ${alice.slice(6)}`) },
    expect: ok('/basic', 'alice'),
  },
  {
    name: 'basic: wrong password',
    request: { path: '/basic', headers: auth(basic('alice', 'Wonderland')) },
    expect: invalidCredentials('The user name or password is incorrect'),
  },
  {
    name: 'basic: unknown user',
    request: { path: '/basic', headers: auth(basic('mallory', 'wonderland')) },
    expect: invalidCredentials('The user name or password is incorrect'),
  },
  {
    name: 'basic: password with spaces (admin)',
    request: { path: '/basic', headers: auth(admin) },
    expect: ok('/basic', 'admin'),
  },
  {
    name: 'basic: lenient base64 (invalid characters) is refused',
    request: { path: '/basic', headers: auth('Basic YWxp!!Y2U6d29uZGVybGFuZA==') },
    expect: invalidCredentials('The Basic credentials are malformed'),
  },
  {
    name: 'basic: base64 without padding is refused',
    request: { path: '/basic', headers: auth(alice.replace(/=+$/, '')) },
    expect: invalidCredentials('The Basic credentials are malformed'),
  },
  {
    name: 'basic: no colon',
    request: { path: '/basic', headers: auth('Basic Zm9v') },
    expect: invalidCredentials('The Basic credentials are malformed'),
  },
  {
    name: 'basic: scheme with nothing after it',
    request: { path: '/basic', headers: auth('Basic') },
    expect: invalidCredentials('The Basic credentials are malformed'),
  },
  {
    name: 'basic: Latin-1 bytes are not UTF-8',
    request: { path: '/basic', headers: auth('Basic dGVzdDoxMjOj') },
    expect: invalidCredentials('The Basic credentials are malformed'),
  },
  {
    name: 'basic: a Bearer token on a Basic route is a scheme this route does not take',
    request: { path: '/basic', headers: auth('Bearer abc') },
    expect: unauthorized,
  },
  {
    name: 'basic: unsupported scheme (Digest)',
    request: { path: '/basic', headers: auth('Digest username="alice"') },
    expect: unauthorized,
  },
  {
    name: 'basic: duplicate Authorization lines (raw socket)',
    request: { path: '/basic', headers: [...auth(alice), ...auth(alice)] },
    expect: invalidRequest('The request has more than one Authorization header field'),
  },
  {
    name: 'basic: POST without credentials',
    request: { method: 'POST', path: '/basic', headers: [['Content-Type', 'text/plain']], body: 'hello' },
    expect: unauthorized,
  },

  // --- policy ---
  { name: 'admin: no credentials', request: { path: '/admin' }, expect: unauthorized },
  { name: 'admin: alice lacks the role', request: { path: '/admin', headers: auth(alice) }, expect: forbidden },
  { name: 'admin: admin', request: { path: '/admin', headers: auth(admin) }, expect: ok('/admin', 'admin') },
  {
    name: 'admin: wrong password is 401, never 403',
    request: { path: '/admin', headers: auth(basic('admin', 'wrong')) },
    expect: invalidCredentials('The user name or password is incorrect'),
  },
  {
    name: 'admin: HEAD as alice',
    request: { method: 'HEAD', path: '/admin', headers: auth(alice) },
    expect: head(forbidden),
  },

  // --- opaque Bearer ---
  { name: 'bearer: no credentials', request: { path: '/bearer' }, expect: unauthorized },
  {
    name: 'bearer: good token',
    request: { path: '/bearer', headers: auth(`Bearer ${'opaque-good-token'}`) },
    expect: ok('/bearer', 'service-1'),
  },
  {
    name: 'bearer: scheme in mixed case and several spaces',
    request: { path: '/bearer', headers: auth('bEaReR   opaque-good-token') },
    expect: ok('/bearer', 'service-1'),
  },
  {
    name: 'bearer: unknown token',
    request: { path: '/bearer', headers: auth('Bearer nope') },
    expect: invalidToken('The access token is not valid'),
  },
  {
    name: 'bearer: verify throws → 503 with Retry-After, no challenge',
    request: { path: '/bearer', headers: auth('Bearer explode') },
    expect: unavailable,
  },
  {
    name: 'bearer: scheme with no token is invalid_request',
    request: { path: '/bearer', headers: auth('Bearer') },
    expect: invalidRequest('The access token is missing'),
  },
  {
    name: 'bearer: token with a quote is malformed',
    request: { path: '/bearer', headers: auth('Bearer a"b') },
    expect: invalidToken('The access token is malformed'),
  },
  {
    name: 'bearer: token with a space is malformed',
    request: { path: '/bearer', headers: auth('Bearer abc def') },
    expect: invalidToken('The access token is malformed'),
  },
  {
    name: 'bearer: scheme that is not a token',
    request: { path: '/bearer', headers: auth('Bea(rer opaque-good-token') },
    expect: invalidRequest('The Authorization header field is malformed'),
  },
  {
    name: 'bearer: unsupported scheme (Digest) is like no credentials',
    request: { path: '/bearer', headers: auth('Digest username="x"') },
    expect: unauthorized,
  },
  {
    name: 'bearer: Basic credentials on a Bearer route',
    request: { path: '/bearer', headers: auth(alice) },
    expect: unauthorized,
  },
  {
    name: 'bearer: empty Authorization value is no credentials',
    request: { path: '/bearer', headers: auth('') },
    expect: unauthorized,
  },
  {
    name: 'bearer: duplicate Authorization lines (raw socket)',
    request: { path: '/bearer', headers: [...auth('Bearer opaque-good-token'), ...auth('Bearer opaque-good-token')] },
    expect: invalidRequest('The request has more than one Authorization header field'),
  },
  {
    name: 'bearer: duplicate lines with different case names (raw socket)',
    request: {
      path: '/bearer',
      headers: [
        ['authorization', 'Bearer opaque-good-token'],
        ['AUTHORIZATION', 'Bearer other'],
      ],
    },
    expect: invalidRequest('The request has more than one Authorization header field'),
  },
  {
    name: 'bearer: query token is ignored when the query method is off',
    request: { path: '/bearer?access_token=opaque-good-token' },
    expect: unauthorized,
  },
  {
    name: 'bearer: HEAD without credentials',
    request: { method: 'HEAD', path: '/bearer' },
    expect: head(unauthorized),
  },
  {
    name: 'bearer: Accept application/json only → application/json',
    request: { path: '/bearer', headers: [['Accept', 'application/json']] },
    expect: { ...unauthorized, mediaType: 'application/json' },
  },
  {
    name: 'bearer: Accept text/html → still problem+json',
    request: { path: '/bearer', headers: [['Accept', 'text/html']] },
    expect: unauthorized,
  },
  {
    name: 'bearer: Accept prefers problem+json',
    request: { path: '/bearer', headers: [['Accept', 'application/json;q=0.5, application/problem+json']] },
    expect: unauthorized,
  },
  {
    name: 'bearer: CORS preflight is not challenged',
    request: { method: 'OPTIONS', path: '/bearer', headers: preflight },
    expect: {
      status: 204,
      challenges: [],
      mediaType: null,
      cacheControl: null,
      retryAfter: null,
      body: '',
      events: [],
      extraHeaders: PREFLIGHT_HEADERS,
    },
  },
  {
    name: 'bearer: OPTIONS without Access-Control-Request-Method is not a preflight',
    request: { method: 'OPTIONS', path: '/bearer', headers: [['Origin', 'https://app.example']] },
    expect: unauthorized,
  },

  // --- query method ---
  {
    name: 'query: token in the query (a response no shared cache may keep, RFC 6750 §2.3)',
    request: { path: '/query?access_token=opaque-good-token' },
    expect: { ...ok('/query', 'service-1'), cacheControl: 'private' },
  },
  {
    name: 'query: token in header and query → invalid_request',
    request: { path: '/query?access_token=opaque-good-token', headers: auth('Bearer opaque-good-token') },
    expect: invalidRequest('Multiple methods used to include access token'),
  },
  {
    name: 'query: two access_token parameters → invalid_request',
    request: { path: '/query?access_token=opaque-good-token&access_token=opaque-good-token' },
    expect: invalidRequest('Multiple methods used to include access token'),
  },
  {
    name: 'query: bad token in the query',
    request: { path: '/query?access_token=nope' },
    expect: invalidToken('The access token is not valid'),
  },
  { name: 'query: no credentials', request: { path: '/query' }, expect: unauthorized },

  // --- JWT ---
  { name: 'jwt: no credentials', request: { path: '/jwt' }, expect: unauthorized },
  { name: 'jwt: valid token', request: bearerWith('read', '/jwt'), expect: ok('/jwt', 'user-1') },
  { name: 'jwt: expired', request: bearerWith('expired', '/jwt'), expect: invalidToken('The access token expired') },
  {
    name: 'jwt: not valid yet',
    request: bearerWith('notYetValid', '/jwt'),
    expect: invalidToken('The access token is not valid yet'),
  },
  {
    name: 'jwt: issuer differs by a trailing slash',
    request: bearerWith('wrongIssuer', '/jwt'),
    expect: invalidToken('The access token was not issued by a trusted issuer'),
  },
  {
    name: 'jwt: wrong audience',
    request: bearerWith('wrongAudience', '/jwt'),
    expect: invalidToken('The access token is not intended for this resource'),
  },
  {
    name: 'jwt: signed by another key',
    request: bearerWith('badSignature', '/jwt'),
    expect: invalidToken('The access token signature is invalid'),
  },
  {
    name: 'jwt: HS256 is not an accepted algorithm',
    request: bearerWith('hs256', '/jwt'),
    expect: invalidToken('The access token is signed with an algorithm that is not accepted'),
  },
  {
    name: 'jwt: no exp claim',
    request: bearerWith('noExp', '/jwt'),
    expect: invalidToken('The access token lacks a required claim'),
  },
  {
    name: 'jwt: DPoP-bound token used as a bearer token',
    request: bearerWith('dpopBound', '/jwt'),
    expect: invalidToken('The access token is bound to a key and cannot be used as a bearer token'),
  },
  {
    name: 'jwt: alg none',
    request: {
      path: '/jwt',
      headers: auth(
        `Bearer ${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ sub: 'user-1', iss: 'https://as.example', aud: 'https://rs.example', exp: 4102444800 }),
        ).toString('base64url')}.`,
      ),
    },
    expect: invalidToken('The access token is signed with an algorithm that is not accepted'),
  },
  {
    name: 'jwt: token with non-ASCII characters',
    request: { path: '/jwt', headers: auth('Bearer caf\u00e9') },
    expect: invalidToken('The access token is malformed'),
  },
  {
    name: 'jwt: not a JWT',
    request: { path: '/jwt', headers: auth('Bearer not-a-jwt') },
    expect: invalidToken('The access token is malformed'),
  },
  { name: 'jwt/read: granted scope', request: bearerWith('read', '/jwt/read'), expect: ok('/jwt/read', 'user-1') },
  { name: 'jwt/read: no credentials', request: { path: '/jwt/read' }, expect: unauthorized },
  { name: 'jwt/read: scope missing', request: bearerWith('noScope', '/jwt/read'), expect: insufficientScope },
  {
    name: 'jwt/read: expired AND scope missing → only the 401',
    request: bearerWith('expiredNoScope', '/jwt/read'),
    expect: invalidToken('The access token expired'),
  },
  {
    name: 'jwt/read: HEAD with scope missing',
    request: (f) => ({ ...bearerWith('noScope', '/jwt/read')(f), method: 'HEAD' }),
    expect: head(insufficientScope),
  },
  {
    name: 'jwt/read: CORS preflight is not challenged',
    request: { method: 'OPTIONS', path: '/jwt/read', headers: preflight },
    expect: {
      status: 204,
      challenges: [],
      mediaType: null,
      cacheControl: null,
      retryAfter: null,
      body: '',
      events: [],
      extraHeaders: PREFLIGHT_HEADERS,
    },
  },
  {
    name: 'jwt/read: Accept application/json with scope missing',
    request: bearerWith('noScope', '/jwt/read', [['Accept', 'application/json']]),
    expect: { ...insufficientScope, mediaType: 'application/json' },
  },
  { name: 'jwt/stepup: high acr', request: bearerWith('read', '/jwt/stepup'), expect: ok('/jwt/stepup', 'user-1') },
  { name: 'jwt/stepup: low acr', request: bearerWith('lowAcr', '/jwt/stepup'), expect: stepUp },
  {
    name: 'jwt/stepup: bad signature beats the step-up challenge',
    request: bearerWith('badSignature', '/jwt/stepup'),
    expect: invalidToken('The access token signature is invalid'),
  },
  { name: 'jwks: key source down → 503', request: bearerWith('read', '/jwks'), expect: unavailable },
  { name: 'jwks: no credentials is still 401', request: { path: '/jwks' }, expect: unauthorized },
];

interface Observed {
  status: number;
  challenges: string[];
  contentType: string | null;
  mediaType: string | null;
  cacheControl: string | null;
  retryAfter: string | null;
  vary: string | null;
  contentLength: string | null;
  body: unknown;
  events: string[];
  /** method, path, status and scheme of each onError event: the path never carries the query. */
  eventFacts: string[];
}

function observe(res: RawResponse, app: RunningApp): Observed {
  const contentType = header(res, 'content-type') ?? null;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? null;
  const json = mediaType !== null && /^application\/(problem\+)?json$/.test(mediaType) && res.body !== '';
  return {
    status: res.status,
    challenges: headerLines(res, 'www-authenticate'),
    contentType,
    mediaType,
    cacheControl: header(res, 'cache-control') ?? null,
    retryAfter: header(res, 'retry-after') ?? null,
    vary: header(res, 'vary') ?? null,
    contentLength: header(res, 'content-length') ?? null,
    body: json ? JSON.parse(res.body) : res.body,
    events: app.events.map((e) => e.code),
    eventFacts: app.events.map((e) => `${e.method} ${e.path} ${e.status} ${e.scheme ?? '-'}`),
  };
}

let fixtures: Fixtures;
const apps = new Map<string, RunningApp>();

beforeAll(async () => {
  fixtures = await createFixtures();
  for (const flavor of flavors) apps.set(flavor, await startApp(flavor, fixtures));
});

afterAll(async () => {
  await Promise.all([...apps.values()].map((app) => app.close()));
});

describe.each(cases)('$name', (c) => {
  const seen = new Map<string, Observed>();

  it.each(flavors)('%s', async (flavor) => {
    const app = apps.get(flavor) as RunningApp;
    app.events.length = 0;
    app.foreign.thrown = undefined;
    const request = typeof c.request === 'function' ? c.request(fixtures) : c.request;
    const res = await rawRequest(app.port, request);
    const got = observe(res, app);
    seen.set(flavor, got);

    const e = c.expect;
    expect({
      status: got.status,
      challenges: got.challenges,
      mediaType: got.mediaType,
      cacheControl: got.cacheControl,
      retryAfter: got.retryAfter,
      body: got.body,
      events: got.events,
    }).toEqual({
      status: e.status,
      challenges: e.challenges,
      mediaType: e.mediaType,
      cacheControl: e.cacheControl,
      retryAfter: e.retryAfter,
      body: e.body,
      events: e.events,
    });
    for (const event of app.events) expect(event.path).toBe(request.path.split('?')[0]);
    for (const [name, value] of Object.entries(e.extraHeaders ?? {})) expect(header(res, name)).toBe(value);
    if (request.method === 'HEAD' || got.status === 204) expect(res.rawBody.length).toBe(0);
    // A problem's Content-Type is exactly the media type: no charset that Koa or Express would add.
    if (e.cacheControl === 'no-store') expect(got.contentType).toBe(e.mediaType);
    if (got.status >= 400 && typeof got.body === 'object' && got.body !== null && 'status' in got.body) {
      expect((got.body as { status: unknown }).status).toBe(got.status);
    }
    // Never a token, a password or internals in what the client sees.
    if (got.status >= 400) {
      const text = res.headers.map(([n, v]) => `${n}: ${v}`).join('\n') + res.body;
      for (const secret of ['wonderland', 'opaque-good-token', 'introspection', 'ECONNREFUSED', '127.0.0.1', ' at ']) {
        expect(text).not.toContain(secret);
      }
    }
  });

  it('is identical on all four adapters', () => {
    expect(seen.size).toBe(flavors.length);
    const [first, ...rest] = [...seen.entries()];
    for (const [flavor, got] of rest)
      expect({ flavor, ...got }).toEqual({ flavor, ...(first as [string, Observed])[1] });
  });
});

describe('headers a route set before it failed', () => {
  it.each(flavors)('%s: content headers, a stale challenge and Retry-After are removed; CORS stays', async (flavor) => {
    const app = apps.get(flavor) as RunningApp;
    const res = await rawRequest(app.port, { path: '/stale' });
    expect(res.status).toBe(403);
    for (const name of ['content-language', 'content-disposition', 'etag', 'www-authenticate', 'retry-after']) {
      expect(header(res, name), name).toBeUndefined();
    }
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example');
    expect(JSON.parse(res.body)).toEqual(forbidden.body);
  });
});

describe('cross-origin callers can read the challenge (docs/conformance.md rule 62)', () => {
  it.each(
    flavors,
  )('%s: Origin → Access-Control-Expose-Headers lists WWW-Authenticate or Retry-After', async (flavor) => {
    const app = apps.get(flavor) as RunningApp;
    const origin: [string, string] = ['Origin', 'https://app.example'];
    const challenged = await rawRequest(app.port, { path: '/jwt', headers: [origin] });
    expect(challenged.status).toBe(401);
    expect(header(challenged, 'access-control-expose-headers')).toBe('WWW-Authenticate');
    const down = await rawRequest(app.port, {
      path: '/jwks',
      headers: [origin, ['Authorization', `Bearer ${fixtures.tokens.read}`]],
    });
    expect(down.status).toBe(503);
    expect(header(down, 'access-control-expose-headers')).toBe('Retry-After');
    const forbiddenRes = await rawRequest(app.port, { path: '/stale', headers: [origin] });
    expect(header(forbiddenRes, 'access-control-expose-headers')).toBeUndefined();
    const sameOrigin = await rawRequest(app.port, { path: '/jwt' });
    expect(header(sameOrigin, 'access-control-expose-headers')).toBeUndefined();
  });
});
