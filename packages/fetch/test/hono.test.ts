/**
 * @auth-errors/fetch in a Hono app, through `app.request()` and on a real
 * server (@hono/node-server on 127.0.0.1, read over a raw socket): gates as
 * middleware (`(await gate(c.req.raw)) ?? next()`), `app.onError` with
 * renderError, Hono's default error handler with AuthErrorResponse, and what
 * the Node bridge does to repeated header lines. Rule numbers refer to
 * docs/conformance.md.
 */
import { type AuthErrorEvent, AuthErrorResponse, authErrors, forbidden } from '@auth-errors/fetch';
import { getRequestListener } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { BASIC, BEARER, bearerError } from '../../../test/support/contract-cases.js';
import { headerLines, rawRequest, serve } from '../../../test/support/http.js';

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://rs.example';

let token: (scope: string) => Promise<string>;
let app: Hono;
const events: AuthErrorEvent[] = [];
const logged: unknown[] = [];

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  token = (scope) =>
    new SignJWT({ sub: 'user-1', scope })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);

  const auth = authErrors({ schemes: ['Basic', 'Bearer'], onError: (event) => events.push(event) });
  const bearer = auth.jwtAuth({ key: publicKey, issuer: ISSUER, audience: AUDIENCE });
  /** A gate as Hono middleware: its Response ends the request, undefined goes on. */
  const use =
    (gate: (request: Request) => Promise<Response | undefined>): MiddlewareHandler =>
    async (c, next) =>
      (await gate(c.req.raw)) ?? next();

  app = new Hono();
  app.get('/public', (c) => c.json({ ok: true }));
  app.use('/orders/*', use(bearer));
  app.get('/orders/list', use(auth.requireScopes('orders:read')), (c) =>
    c.json({ owner: bearer.auth(c.req.raw).claims.sub }),
  );
  app.delete('/orders/:id', (c) => {
    if (c.req.param('id') !== 'mine') throw forbidden({ detail: 'This order belongs to someone else' });
    return c.body(null, 204);
  });
  app.get('/orders/boom', () => {
    throw new Error('database down');
  });
  app.onError((err, c) => {
    logged.push(err);
    return auth.renderError(err, c.req.raw) ?? c.json({ fallback: true }, 500);
  });
  // CORS outside the gates: it decorates the problem response as any other.
  app.use('/cors/*', cors({ origin: 'https://app.example' }), use(bearer));
  app.get('/cors/orders', (c) => c.json({ ok: true }));
});

const bearerHeader = async (scope: string) => ({ authorization: `Bearer ${await token(scope)}` });

describe('Hono, app.request()', () => {
  it('public routes are untouched; no token is 401 with the challenges and a problem body', async () => {
    expect((await app.request('/public')).status).toBe(200);
    const res = await app.request('/orders/list');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('www-authenticate')).toBe(`${BASIC}, ${BEARER}`);
    expect(await res.json()).toMatchObject({ status: 401, code: 'credentials_required' });
  });

  it('a good token reaches the handler, which reads bearer.auth(c.req.raw)', async () => {
    const res = await app.request('/orders/list', { headers: await bearerHeader('orders:read') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ owner: 'user-1' });
  });

  it('a missing scope is 403 insufficient_scope from the check middleware', async () => {
    const res = await app.request('/orders/list', { headers: await bearerHeader('profile') });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      challenge.bearer({ error: 'insufficient_scope', scope: 'orders:read' }),
    );
  });

  it('app.onError renders an AuthError thrown by a handler, and leaves other errors to the fallback', async () => {
    const theirs = await app.request('/orders/7', { method: 'DELETE', headers: await bearerHeader('orders:read') });
    expect(theirs.status).toBe(403);
    expect(await theirs.json()).toMatchObject({ code: 'forbidden', detail: 'This order belongs to someone else' });
    const boom = await app.request('/orders/boom', { headers: await bearerHeader('orders:read') });
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ fallback: true });
  });

  it('HEAD: Hono answers from the GET route with the same status and headers, and no body (rule 13)', async () => {
    const res = await app.request('/orders/list', { method: 'HEAD' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`${BASIC}, ${BEARER}`);
    expect(res.body).toBeNull();
  });

  it('a CORS middleware outside the gates adds its headers to the problem, and the challenge is exposed', async () => {
    const res = await app.request('/cors/orders', { headers: { origin: 'https://app.example' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });

  it("Hono's default error handler sends an AuthErrorResponse as is (it calls getResponse())", async () => {
    const plain = new Hono();
    const gate = authErrors().bearerAuth({ verify: () => false });
    plain.get('/x', async (c) => {
      const refused = await gate(c.req.raw);
      if (refused) throw new AuthErrorResponse(refused);
      return c.text('never');
    });
    const res = await plain.request('/x', { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(bearerError('invalid_token', 'The access token is not valid'));
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 401, code: 'invalid_token' });
  });
});

describe('Hono on @hono/node-server, over a raw socket', () => {
  it('two Authorization lines are 400 invalid_request: the bridge joins them, the adapter splits them (rule 35)', async () => {
    const port = await serve(getRequestListener(app.fetch));
    const good = `Bearer ${await token('orders:read')}`;
    const res = await rawRequest(port, {
      path: '/orders/list',
      headers: [
        ['Authorization', good],
        ['Authorization', good],
      ],
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid_request' });
  });

  it('the bridge writes the challenges on one line, joined with ", " (its Headers iteration joins them)', async () => {
    const port = await serve(getRequestListener(app.fetch));
    const res = await rawRequest(port, { path: '/orders/list' });
    expect(res.status).toBe(401);
    // One line where a runtime that keeps field lines sends two: the same challenges, in order (RFC 9110 §5.3).
    expect(headerLines(res, 'www-authenticate')).toEqual([`${BASIC}, ${BEARER}`]);
    expect(headerLines(res, 'content-length')).toEqual([String(Buffer.byteLength(res.body))]);
  });
});
