/**
 * @auth-errors/fetch as a Next.js route handler uses it: a plain
 * `(request: Request) => Promise<Response>`, called with the `Request` objects
 * of the Fetch API (no framework, no server). What a client would see: status,
 * every header, the body, and what was logged. Rule numbers refer to
 * docs/conformance.md.
 */
import {
  type AuthErrorEvent,
  AuthErrorResponse,
  authErrors,
  forbidden,
  type JwtAuthInfo,
  safeEqual,
} from '@auth-errors/fetch';
import createError from 'http-errors';
import { type CryptoKey, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { BASIC, BEARER, bearerError } from '../../../test/support/contract-cases.js';

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://rs.example';
const TYPES = 'https://rs.example/problems/';
const URL_BASE = 'https://rs.example';

let publicKey: CryptoKey;
let sign: (claims: Record<string, unknown>, exp?: number) => Promise<string>;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  publicKey = pair.publicKey;
  sign = (claims, exp = Math.floor(Date.now() / 1000) + 600) =>
    new SignJWT({ sub: 'user-1', scope: 'orders:read', acr: 'urn:high', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(pair.privateKey);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The API under test: Basic and Bearer accepted, events recorded. */
function api() {
  const events: AuthErrorEvent[] = [];
  const auth = authErrors({ schemes: ['Basic', 'Bearer'], typeBase: TYPES, onError: (e) => events.push(e) });
  const staff = auth.basicAuth({
    verify: (user, password) => (user === 'alice' && safeEqual(password, 'wonderland') ? { id: 7, user } : false),
  });
  const opaque = auth.bearerAuth({
    verify: (token) => {
      if (token === 'explode') throw new Error(`introspection failed for ${token}`);
      return token === 'opaque-good-token' ? { sub: 'service-1', scope: 'orders:read' } : false;
    },
    methods: { query: true },
  });
  const bearer = auth.jwtAuth<{ tenant?: string }>({ key: publicKey, issuer: ISSUER, audience: AUDIENCE });
  const canRead = auth.requireScopes('orders:read');
  const isAdmin = auth.requireAuth((info) => (info.principal as { id?: number }).id === 1);
  const stepUp = auth.requireStepUp({ acrValues: ['urn:high'] });
  return { auth, events, staff, opaque, bearer, canRead, isAdmin, stepUp };
}

const get = (path: string, headers: Record<string, string> | [string, string][] = {}, method = 'GET') =>
  new Request(`${URL_BASE}${path}`, { method, headers });

async function read(response: Response | undefined) {
  if (response === undefined) throw new Error('the gate let the request through');
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

function problem(code: string, status: number, title: string, detail: string, extra: object = {}) {
  return { type: `${TYPES}${code.replaceAll('_', '-')}`, title, status, detail, code, ...extra };
}

describe('gates: the Response to send, or undefined to go on', () => {
  it('no credentials: 401 with both challenges, problem+json, no-store, Vary, exact Content-Length', async () => {
    const { bearer, events } = api();
    const res = await read(await bearer(get('/orders')));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(
      problem(
        'credentials_required',
        401,
        'Credentials required',
        'Authentication is required to access this resource',
      ),
    );
    expect(res.headers).toEqual({
      'content-type': 'application/problem+json',
      'content-length': String(new TextEncoder().encode(res.text).length),
      'cache-control': 'no-store',
      vary: 'Accept',
      // The Fetch API joins repeated lines when read back: the append calls are checked below.
      'www-authenticate': `${BASIC}, ${BEARER}`,
    });
    expect(events.map((e) => [e.code, e.method, e.path])).toEqual([['credentials_required', 'GET', '/orders']]);
  });

  it('appends one WWW-Authenticate field line per challenge, Basic first (rule 25)', async () => {
    const { bearer } = api();
    const appended: [string, string][] = [];
    const original = Headers.prototype.append;
    vi.spyOn(Headers.prototype, 'append').mockImplementation(function (this: Headers, name, value) {
      appended.push([name, value]);
      return original.call(this, name, value);
    });
    await bearer(get('/orders', { authorization: 'Bearer not-a-jwt' }));
    expect(appended).toEqual([
      ['www-authenticate', BASIC],
      ['www-authenticate', bearerError('invalid_token', 'The access token is malformed')],
    ]);
  });

  it('a valid token passes, and guard.auth(request) returns the claims, typed', async () => {
    const { bearer, canRead, stepUp, auth } = api();
    const request = get('/orders', { authorization: `Bearer ${await sign({ tenant: 'acme' })}` });
    expect(await bearer(request)).toBeUndefined();
    expect(await canRead(request)).toBeUndefined();
    expect(await stepUp(request)).toBeUndefined();
    const info = bearer.auth(request);
    expectTypeOf(info).toEqualTypeOf<JwtAuthInfo<{ tenant?: string }>>();
    expect(info.claims.tenant).toBe('acme');
    expect(info.scopes).toEqual(['orders:read']);
    expect(auth.authOf(request)?.principal).toBe(info.principal);
  });

  it('guard.auth(request) on a request the guard did not authenticate throws a 401 AuthError (fails closed)', async () => {
    const { bearer, staff, auth } = api();
    const request = get('/orders', { authorization: `Bearer ${await sign({})}` });
    expect(() => bearer.auth(request)).toThrow(expect.objectContaining({ code: 'credentials_required', status: 401 }));
    await bearer(request);
    expect(() => staff.auth(request)).toThrow(expect.objectContaining({ code: 'credentials_required' }));
    expect(auth.authOf(get('/orders'))).toBeUndefined();
  });

  it('chains with ??: guard, then scope check, then the answer', async () => {
    const { bearer, canRead } = api();
    const GET = async (request: Request) =>
      (await bearer(request)) ?? (await canRead(request)) ?? Response.json({ owner: bearer.auth(request).claims.sub });
    const ok = await read(await GET(get('/orders', { authorization: `Bearer ${await sign({})}` })));
    expect(ok).toMatchObject({ status: 200, body: { owner: 'user-1' } });
    const denied = await read(
      await GET(get('/orders', { authorization: `Bearer ${await sign({ scope: 'profile' })}` })),
    );
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toBe(
      challenge.bearer({ error: 'insufficient_scope', scope: 'orders:read' }),
    );
    expect(denied.body).toEqual(
      problem(
        'insufficient_scope',
        403,
        'Insufficient scope',
        'The access token does not grant the scope this request requires',
        { requiredScopes: ['orders:read'] },
      ),
    );
  });

  it('an expired token is 401 invalid_token; an expired token without the scope is still only the 401', async () => {
    const { bearer, canRead } = api();
    const expired = await sign({ scope: 'profile' }, Math.floor(Date.now() / 1000) - 3600);
    const request = get('/orders', { authorization: `Bearer ${expired}` });
    const res = await read((await bearer(request)) ?? (await canRead(request)));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `${BASIC}, ${bearerError('invalid_token', 'The access token expired')}`,
    );
    expect(res.body.code).toBe('invalid_token');
  });

  it('step-up: a low acr is 401 insufficient_user_authentication with acr_values (rule 58)', async () => {
    const { bearer, stepUp } = api();
    const request = get('/admin', { authorization: `Bearer ${await sign({ acr: 'urn:low' })}` });
    expect(await bearer(request)).toBeUndefined();
    const res = await read(await stepUp(request));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      challenge.bearer({
        error: 'insufficient_user_authentication',
        error_description: 'A different authentication level is required',
        acr_values: 'urn:high',
      }),
    );
  });

  it('Basic: the principal verify returned; a policy that says no is 403 forbidden with no challenge', async () => {
    const { staff, isAdmin } = api();
    const alice = `Basic ${btoa('alice:wonderland')}`;
    const request = get('/admin', { authorization: alice });
    expect(await staff(request)).toBeUndefined();
    expect(staff.auth(request).principal).toEqual({ id: 7, user: 'alice' });
    const res = await read(await isAdmin(request));
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.body.code).toBe('forbidden');
    const wrong = await read(await staff(get('/admin', { authorization: `Basic ${btoa('alice:Wonderland')}` })));
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
  });

  it('a check with nobody authenticated is 401, never 403 (rule 15)', async () => {
    const { canRead } = api();
    expect((await read(await canRead(get('/orders')))).status).toBe(401);
  });

  it('a verify callback that throws is 503 with Retry-After and no challenge, logged without the token', async () => {
    const { opaque, events } = api();
    const res = await read(await opaque(get('/orders', { authorization: 'Bearer explode' })));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(events.map((e) => e.code)).toEqual(['auth_unavailable']);
    // The default logger: one line, the class name only.
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.join(' '));
    });
    const quiet = authErrors().bearerAuth({
      verify: (token) => {
        throw new Error(`introspection failed for ${token}`);
      },
    });
    expect((await quiet(get('/orders', { authorization: 'Bearer explode' })))?.status).toBe(503);
    expect(logged).toEqual(['auth-errors: auth_unavailable (503) for GET /orders: Error']);
  });
});

describe('what the Fetch API changes', () => {
  it('two Authorization lines, which Headers joins with ", ", are still 400 invalid_request (rule 35)', async () => {
    const { opaque, staff } = api();
    const twice: [string, string][] = [
      ['authorization', 'Bearer opaque-good-token'],
      ['authorization', 'Bearer opaque-good-token'],
    ];
    expect(get('/x', twice).headers.get('authorization')).toBe('Bearer opaque-good-token, Bearer opaque-good-token');
    const res = await read(await opaque(get('/orders', twice)));
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toBe(
      bearerError('invalid_request', 'The request has more than one Authorization header field'),
    );
    // On a Basic route the 400 challenge names Basic's scheme, not Bearer.
    const basicTwice = await read(await staff(get('/admin', [...twice.slice(0, 1), ['authorization', 'Basic YTpi']])));
    expect(basicTwice.status).toBe(400);
  });

  it('an empty line joined to a real one is one credentials value, not two', async () => {
    const { opaque } = api();
    const lines: [string, string][] = [
      ['authorization', ''],
      ['authorization', 'Bearer opaque-good-token'],
    ];
    expect(await opaque(get('/orders', lines))).toBeUndefined();
  });

  it('commas inside one auth-param list are not a second field: Digest is a scheme this route does not take', async () => {
    const { opaque } = api();
    const digest = 'Digest username="a, b", realm="api", nonce=abc';
    expect((await read(await opaque(get('/orders', { authorization: digest })))).status).toBe(401);
  });

  it('HEAD: the same status and headers, no body', async () => {
    const { bearer } = api();
    const head = await bearer(get('/orders', {}, 'HEAD'));
    const full = await read(await bearer(get('/orders')));
    expect(head?.status).toBe(401);
    expect(head?.body).toBeNull();
    expect(Object.fromEntries(head?.headers ?? [])).toEqual(full.headers);
  });

  it('Accept: application/json gets application/json; Origin gets the challenge exposed (rules 1, 62)', async () => {
    const { bearer } = api();
    const json = await bearer(get('/orders', { accept: 'application/json' }));
    expect(json?.headers.get('content-type')).toBe('application/json');
    const cors = await bearer(get('/orders', { origin: 'https://app.example' }));
    expect(cors?.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });

  it('a CORS preflight is ended by every gate: 204, no body, no challenge, nothing after it (rule 62)', async () => {
    const { bearer, canRead } = api();
    const preflight = () =>
      get('/orders', { origin: 'https://app.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
    for (const gate of [bearer, canRead]) {
      const response = await gate(preflight());
      expect(response?.status).toBe(204);
      expect(response?.body).toBeNull();
      expect([...(response?.headers.keys() ?? [])]).toEqual([]);
    }
  });

  it('a query token: handle() marks the success response Cache-Control: private (RFC 6750 §2.3)', async () => {
    const { auth, opaque } = api();
    const GET = auth.handle(async (request) => (await opaque(request)) ?? Response.json({ ok: true }));
    const res = await GET(get('/orders?access_token=opaque-good-token'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private');
    const header = await GET(get('/orders', { authorization: 'Bearer opaque-good-token' }));
    expect(header.headers.get('cache-control')).toBeNull();
    const both = await GET(get('/orders?access_token=x', { authorization: 'Bearer opaque-good-token' }));
    expect(both.status).toBe(400);
    // A check that fails after the query token passed: the problem stays no-store.
    const admins = auth.handle(
      async (request) => (await opaque(request)) ?? (await api().isAdmin(request)) ?? Response.json({}),
    );
    const refused = await admins(get('/orders?access_token=opaque-good-token'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it("the form-body method is refused at creation: a Fetch body is the application's to read", () => {
    const { auth } = api();
    expect(() => auth.bearerAuth({ verify: () => true, methods: { body: true } })).toThrow(
      new TypeError('auth-errors: option "methods.body" is not supported by @auth-errors/fetch; use the header'),
    );
    expect(() =>
      auth.jwtAuth({ secret: 'x'.repeat(32), issuer: ISSUER, audience: AUDIENCE, methods: { body: true } }),
    ).toThrow(/methods\.body/);
  });
});

describe('renderError and handle: failures thrown anywhere', () => {
  it('renders our errors, http-errors and jose errors; returns undefined for anything else', async () => {
    const { auth } = api();
    const request = get('/orders');
    expect(auth.renderError(forbidden(), request)?.status).toBe(403);
    expect(auth.renderError(createError(401), request)?.status).toBe(401);
    expect(auth.renderError(new Error('boom'), request)).toBeUndefined();
    expect(auth.renderError(createError(404), request)).toBeUndefined();
  });

  it('handle(): an AuthError thrown by the handler becomes its problem; anything else is rethrown as is', async () => {
    const { auth } = api();
    const boom = new Error('database down');
    const DELETE = auth.handle(async (_request: Request, context: { params: { id: string } }) => {
      if (context.params.id === 'theirs') throw forbidden({ detail: 'This order belongs to someone else' });
      if (context.params.id === 'boom') throw boom;
      return new Response(null, { status: 204 });
    });
    expect((await DELETE(get('/orders/1', {}, 'DELETE'), { params: { id: 'mine' } })).status).toBe(204);
    const theirs = await read(await DELETE(get('/orders/2', {}, 'DELETE'), { params: { id: 'theirs' } }));
    expect(theirs).toMatchObject({
      status: 403,
      body: { code: 'forbidden', detail: 'This order belongs to someone else' },
    });
    await expect(DELETE(get('/orders/3', {}, 'DELETE'), { params: { id: 'boom' } })).rejects.toBe(boom);
  });

  it('AuthErrorResponse carries the Response for getResponse(), as Hono expects', async () => {
    const { bearer } = api();
    const refused = (await bearer(get('/orders'))) as Response;
    const error = new AuthErrorResponse(refused);
    expect(error).toBeInstanceOf(Error);
    expect(error.getResponse()).toBe(refused);
    expect(error.message).toBe('auth-errors: 401 problem response');
  });

  it('options are validated once, at creation, with a TypeError naming the option', () => {
    expect(() => authErrors({ realm: 'a\r\nSet-Cookie: x=y' })).toThrow(/realm/);
    expect(() => authErrors({ retryAfter: -1 })).toThrow(/retryAfter/);
  });

  it('extensions, when a function, receive the Request', async () => {
    const auth = authErrors({ extensions: (request) => ({ traceId: request.headers.get('x-trace') ?? 'none' }) });
    const gate = auth.bearerAuth({ verify: () => false });
    const res = await read(await gate(get('/orders', { 'x-trace': 'abc123' })));
    expect(res.body.traceId).toBe('abc123');
  });
});

describe('resource metadata (RFC 9728, rules 56-57)', () => {
  it('serves the document on its well-known path for GET and HEAD, and nothing else', async () => {
    const auth = authErrors();
    const metadata = auth.resourceMetadata({ resource: 'https://rs.example/api', authorizationServers: [ISSUER] });
    expect(metadata.url).toBe('https://rs.example/.well-known/oauth-protected-resource/api');
    const res = await read(await metadata(get('/.well-known/oauth-protected-resource/api')));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resource: 'https://rs.example/api',
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
    });
    expect(res.headers['content-type']).toBe('application/json');
    expect(await metadata(get('/orders'))).toBeUndefined();
    expect(await metadata(get('/.well-known/oauth-protected-resource/api', {}, 'POST'))).toBeUndefined();
    const challenged = authErrors({ resourceMetadata: metadata.url }).jwtAuth({
      key: publicKey,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    expect((await challenged(get('/api/orders')))?.headers.get('www-authenticate')).toBe(
      challenge.bearer({ resource_metadata: metadata.url }),
    );
  });

  it('behind a proxy, the URL comes from publicUrl, never from Host or X-Forwarded-*', async () => {
    const metadata = authErrors().resourceMetadata({ publicUrl: 'https://api.example/v1', resource: '/mcp' });
    expect(metadata.url).toBe('https://api.example/.well-known/oauth-protected-resource/v1/mcp');
    const spoofed = new Request('http://10.0.0.7:8080/.well-known/oauth-protected-resource/v1/mcp', {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
    });
    expect((await read(await metadata(spoofed))).body.resource).toBe('https://api.example/v1/mcp');
  });
});
