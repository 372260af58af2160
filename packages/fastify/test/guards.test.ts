/**
 * The guards as Fastify hooks, on real servers: one challenge per header line
 * (rule 25), authentication before the body is parsed, HEAD (rule 13), 503
 * for a failing check (rule 51), typed accessors, query tokens kept out of
 * shared caches (rule 43), CORS (rule 62), the metadata document (rule 57),
 * DPoP's external URL under trustProxy (rule 54).
 * Rule numbers refer to docs/conformance.md.
 */
import * as fastifyAuth from '@auth-errors/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { BEARER } from '../../../test/support/contract-cases.js';
import {
  clientKey,
  createIssuer,
  AUDIENCE as DPOP_AUDIENCE,
  ISSUER as DPOP_ISSUER,
  proof,
} from '../../../test/support/dpop.js';
import {
  AUDIENCE,
  basic,
  expectProblem,
  FORBIDDEN,
  header,
  headerLines,
  INSUFFICIENT_SCOPE,
  ISSUER,
  listen,
  publicKeyPem,
  rawRequest,
  signToken,
  UNAUTHORIZED,
} from './helpers.js';

const verifyAlice = (user: string, password: string) =>
  user === 'alice' && fastifyAuth.safeEqual(password, 'wonderland') ? { user, roles: ['reader'] } : false;
const jwtOptions = { key: publicKeyPem, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] };

/** An app with authErrors registered (awaited) before `routes` are declared. */
async function app(routes: (app: FastifyInstance) => void, options: fastifyAuth.AuthErrorsOptions = {}) {
  const fastify = Fastify();
  await fastify.register(fastifyAuth.authErrors, options);
  routes(fastify);
  return listen(fastify);
}

describe('guards as onRequest hooks', () => {
  it('offer every configured scheme, one challenge per field line, Basic first (rules 14, 25)', async () => {
    const staff = fastifyAuth.basicAuth({ verify: verifyAlice });
    const port = await app((f) => f.get('/staff', { onRequest: [staff] }, async () => 'ok'), {
      schemes: ['Basic', 'Bearer'],
      realm: 'shop',
    });
    const res = await rawRequest(port, { path: '/staff' });
    expectProblem(res, 401, [challenge.basic('shop'), challenge.bearer({ realm: 'shop' })], UNAUTHORIZED);
  });

  it('hand the handler what they verified, typed, through guard.auth(request) and authOf(request)', async () => {
    const staff = fastifyAuth.basicAuth({ verify: verifyAlice });
    const port = await app((f) =>
      f.get('/staff', { onRequest: staff }, async (request) => ({
        roles: staff.auth(request).principal.roles,
        scheme: fastifyAuth.authOf(request)?.scheme,
      })),
    );
    const res = await rawRequest(port, { path: '/staff', headers: [['Authorization', basic('alice', 'wonderland')]] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ roles: ['reader'], scheme: 'Basic' });
  });

  it('guard.auth(request) on a route its guard is not on is a 401, not a crash', async () => {
    const staff = fastifyAuth.basicAuth({ verify: verifyAlice });
    const port = await app((f) => f.get('/open', async (request) => staff.auth(request).principal));
    expectProblem(await rawRequest(port, { path: '/open' }), 401, [BEARER], UNAUTHORIZED);
  });

  it('run before the body is parsed: a refused request never reaches the content-type parser', async () => {
    const parsed = vi.fn();
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app((f) => {
      f.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
        parsed(body);
        done(null, JSON.parse(body as string));
      });
      f.post('/orders', { onRequest: [bearer] }, async (request) => request.body);
    });
    const res = await rawRequest(port, {
      method: 'POST',
      path: '/orders',
      headers: [['Content-Type', 'application/json']],
      body: '{"item":"tea"}',
    });
    expect(res.status).toBe(401);
    expect(parsed).not.toHaveBeenCalled();
  });

  it('chain with requireScopes in one onRequest array: 403 insufficient_scope naming the scope (rule 41)', async () => {
    const bearer = fastifyAuth.jwtAuth(jwtOptions);
    const port = await app((f) =>
      f.get('/orders', { onRequest: [bearer, fastifyAuth.requireScopes('orders:write')] }, async () => []),
    );
    const token = await signToken({ scope: 'orders:read' });
    const res = await rawRequest(port, { path: '/orders', headers: [['Authorization', `Bearer ${token}`]] });
    expectProblem(
      res,
      403,
      [challenge.bearer({ error: 'insufficient_scope', scope: 'orders:write' })],
      INSUFFICIENT_SCOPE,
    );
  });

  it('work as preHandler hooks too, and requireAuth answers 403 forbidden', async () => {
    const staff = fastifyAuth.basicAuth({ verify: verifyAlice });
    const admins = fastifyAuth.requireAuth((auth) => (auth.principal as { roles: string[] }).roles.includes('admin'));
    const port = await app((f) => f.get('/admin', { preHandler: [staff, admins] }, async () => 'ok'));
    const res = await rawRequest(port, { path: '/admin', headers: [['Authorization', basic('alice', 'wonderland')]] });
    expectProblem(res, 403, [], FORBIDDEN);
  });

  it('a verify callback that throws is 503 with Retry-After, logged once without its message (rule 51)', async () => {
    const onError = vi.fn();
    const bearer = fastifyAuth.bearerAuth({
      verify: () => {
        throw new Error('introspection at 10.0.0.7 is down');
      },
    });
    const port = await app((f) => f.get('/orders', { onRequest: bearer }, async () => []), { onError });
    const res = await rawRequest(port, { path: '/orders', headers: [['Authorization', 'Bearer abc']] });
    expect(res.status).toBe(503);
    expect(header(res, 'retry-after')).toBe('5');
    expect(headerLines(res, 'www-authenticate')).toEqual([]);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'auth_unavailable', status: 503 });
    expect(res.body).not.toContain('10.0.0.7');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ code: 'auth_unavailable', method: 'GET', path: '/orders' });
  });

  it('two Authorization field lines are 400 invalid_request (rule 35)', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: () => true });
    const port = await app((f) => f.get('/orders', { onRequest: bearer }, async () => []));
    const res = await rawRequest(port, {
      path: '/orders',
      headers: [
        ['Authorization', 'Bearer a'],
        ['Authorization', 'Bearer b'],
      ],
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid_request' });
  });

  it('HEAD, on the route Fastify adds for a GET: the GET headers, Content-Length included, no body (rule 13)', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app((f) => f.get('/orders', { onRequest: bearer }, async () => []));
    const get = await rawRequest(port, { path: '/orders' });
    const head = await rawRequest(port, { method: 'HEAD', path: '/orders' });
    expect(head.status).toBe(401);
    expect(head.rawBody.length).toBe(0);
    const withoutDate = (res: typeof get) => res.headers.filter(([name]) => name !== 'date');
    expect(withoutDate(head)).toEqual(withoutDate(get));
  });

  it('HEAD on an explicit HEAD route keeps Content-Length too', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app((f) => f.head('/ping', { onRequest: bearer }, async () => ''));
    const res = await rawRequest(port, { method: 'HEAD', path: '/ping' });
    expect(res.status).toBe(401);
    expect(header(res, 'content-length')).toBe(String(JSON.stringify(UNAUTHORIZED).length));
    expect(res.rawBody.length).toBe(0);
  });

  it('a token accepted from the query makes the success Cache-Control: private (rule 43)', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: (token) => token === 'good', methods: { query: true } });
    const port = await app((f) => f.get('/feed', { onRequest: bearer }, async () => 'ok'));
    const res = await rawRequest(port, { path: '/feed?access_token=good' });
    expect(res.status).toBe(200);
    expect(header(res, 'cache-control')).toBe('private');
  });

  it('a CORS preflight is ended by the guard (204, what CORS set kept, the handler not run), and a cross-origin 401 exposes WWW-Authenticate next to what CORS set (rule 62)', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app((f) => {
      f.addHook('onRequest', async (_request, reply) => {
        reply.header('access-control-allow-origin', 'https://app.example');
        reply.header('access-control-expose-headers', 'X-Request-Id');
      });
      f.route({ method: ['GET', 'OPTIONS'], url: '/orders', onRequest: bearer, handler: async () => 'reached' });
    });
    const preflight = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/orders',
      headers: [
        ['Origin', 'https://app.example'],
        ['Access-Control-Request-Method', 'GET'],
      ],
    });
    expect(preflight.status).toBe(204);
    expect(preflight.rawBody.length).toBe(0);
    expect(header(preflight, 'access-control-allow-origin')).toBe('https://app.example');
    expect(header(preflight, 'www-authenticate')).toBeUndefined();
    const res = await rawRequest(port, { path: '/orders', headers: [['Origin', 'https://app.example']] });
    expect(res.status).toBe(401);
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example');
    expect(header(res, 'access-control-expose-headers')).toBe('X-Request-Id, WWW-Authenticate');
  });

  it('Accept: application/json gets application/json (rule 1)', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app((f) => f.get('/orders', { onRequest: bearer }, async () => []));
    const res = await rawRequest(port, { path: '/orders', headers: [['Accept', 'application/json']] });
    expect(header(res, 'content-type')).toBe('application/json');
  });

  it('the extensions function receives the Fastify request', async () => {
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app((f) => f.get('/orders', { onRequest: bearer }, async () => []), {
      extensions: (request) => ({ traceId: request.id }),
    });
    const res = await rawRequest(port, { path: '/orders' });
    expect(JSON.parse(res.body)).toEqual({ ...UNAUTHORIZED, traceId: 'req-1' });
  });
});

describe('resourceMetadata as an onRequest hook (rules 56, 57)', () => {
  const options = { resource: 'https://rs.example/api', authorizationServers: ['https://as.example'] };
  const DOCUMENT = {
    resource: 'https://rs.example/api',
    authorization_servers: ['https://as.example'],
    bearer_methods_supported: ['header'],
  };

  it('serves the document at its well-known path (GET and HEAD), and every Bearer challenge points at it', async () => {
    const metadata = fastifyAuth.resourceMetadata(options);
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    const port = await app(
      (f) => {
        f.addHook('onRequest', metadata);
        f.get('/api/orders', { onRequest: bearer }, async () => []);
      },
      { resourceMetadata: metadata.url },
    );
    const res = await rawRequest(port, { path: '/.well-known/oauth-protected-resource/api' });
    expect(res.status).toBe(200);
    expect(header(res, 'content-type')).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual(DOCUMENT);
    const head = await rawRequest(port, { method: 'HEAD', path: '/.well-known/oauth-protected-resource/api' });
    expect(head.status).toBe(200);
    expect(header(head, 'content-length')).toBe(String(JSON.stringify(DOCUMENT).length));
    expect(head.rawBody.length).toBe(0);
    expect(headerLines(await rawRequest(port, { path: '/api/orders' }), 'www-authenticate')).toEqual([
      challenge.bearer({ resource_metadata: 'https://rs.example/.well-known/oauth-protected-resource/api' }),
    ]);
  });
});

describe('DPoP behind a proxy (rule 54)', () => {
  it('the proof’s htu is checked against the URL the client used, read from X-Forwarded-* only under trustProxy', async () => {
    const issuer = createIssuer();
    const key = await clientKey();
    const token = await issuer.token(key.jkt);
    const forwarded: [string, string][] = [
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'api.example.com'],
    ];
    const answers: Record<string, number> = {};
    for (const trustProxy of [true, false]) {
      const fastify = Fastify({ trustProxy });
      await fastify.register(fastifyAuth.authErrors, { onError: () => {} });
      const dpop = { mode: 'required', algorithms: ['ES256'] } as const;
      const bearer = fastifyAuth.jwtAuth({
        key: issuer.signer.verifyKey,
        issuer: DPOP_ISSUER,
        audience: DPOP_AUDIENCE,
        dpop,
      });
      fastify.get('/orders', { onRequest: bearer }, async (request) => ({ scheme: bearer.auth(request).scheme }));
      const port = await listen(fastify);
      const res = await rawRequest(port, {
        path: '/orders',
        headers: [
          ['Authorization', `DPoP ${token}`],
          ['DPoP', await proof({ key, htm: 'GET', htu: 'https://api.example.com/orders', token })],
          ...forwarded,
        ],
      });
      answers[`trustProxy ${trustProxy}`] = res.status;
      if (res.status === 200) expect(JSON.parse(res.body)).toEqual({ scheme: 'DPoP' });
      else expect(JSON.parse(res.body)).toMatchObject({ detail: 'The DPoP proof is for another URI' });
    }
    expect(answers).toEqual({ 'trustProxy true': 200, 'trustProxy false': 401 });
  });
});
