/**
 * A framework-free fetch handler, `(request: Request) => Promise<Response>`
 * (the shape of a Next.js route handler, `Bun.serve`'s `fetch`, a Worker's
 * `fetch`), served by node:http through @hono/node-server's Request/Response
 * bridge, and read over a raw socket: what a client on the wire gets.
 * Rule numbers refer to docs/conformance.md.
 */
import { authErrors } from '@auth-errors/fetch';
import { getRequestListener } from '@hono/node-server';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { closedPort, header, headerLines, rawRequest, serve } from '../../../test/support/http.js';

const ISSUER = 'https://as.example';
const AUDIENCE = 'https://rs.example';

let token: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  token = await new SignJWT({ sub: 'user-1', scope: 'orders:read' })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('5m')
    .sign(privateKey);
  const auth = authErrors({ realm: 'orders' });
  const bearer = auth.jwtAuth({ key: publicKey, issuer: ISSUER, audience: AUDIENCE });
  const down = auth.jwtAuth({
    jwksUrl: `http://127.0.0.1:${await closedPort()}/jwks.json`,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const opaque = auth.bearerAuth({ verify: (t) => t === 'opaque-good-token', methods: { query: true } });
  const canRead = auth.requireScopes('orders:read');
  // One handler for the whole server, as a Worker or Bun.serve has.
  handler = auth.handle(async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/orders') {
      return (await bearer(request)) ?? (await canRead(request)) ?? Response.json(bearer.auth(request).claims.sub);
    }
    if (pathname === '/down') return (await down(request)) ?? Response.json('never');
    if (pathname === '/query') return (await opaque(request)) ?? Response.json('ok');
    return new Response('not found', { status: 404 });
  });
});

describe('a fetch handler on node:http through a Request/Response bridge', () => {
  it('401 without a token: the challenge, problem+json, no-store, Vary, Content-Length of the body', async () => {
    const port = await serve(getRequestListener(handler));
    const res = await rawRequest(port, { path: '/orders' });
    expect(res.status).toBe(401);
    expect(headerLines(res, 'www-authenticate')).toEqual([challenge.bearer({ realm: 'orders' })]);
    expect(header(res, 'content-type')).toBe('application/problem+json');
    expect(header(res, 'cache-control')).toBe('no-store');
    expect(header(res, 'vary')).toBe('Accept');
    expect(header(res, 'content-length')).toBe(String(Buffer.byteLength(res.body)));
    expect(JSON.parse(res.body)).toMatchObject({ status: 401, code: 'credentials_required' });
  });

  it('200 with a good token; HEAD is the 401 without a body (rule 13)', async () => {
    const port = await serve(getRequestListener(handler));
    const ok = await rawRequest(port, { path: '/orders', headers: [['Authorization', `Bearer ${token}`]] });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toBe('user-1');
    const head = await rawRequest(port, { method: 'HEAD', path: '/orders' });
    expect(head.status).toBe(401);
    expect(headerLines(head, 'www-authenticate')).toEqual([challenge.bearer({ realm: 'orders' })]);
    expect(head.rawBody.length).toBe(0);
  });

  it('a JWKS that refuses connections is 503 with Retry-After, never 401, and names nothing internal (rule 51)', async () => {
    const port = await serve(getRequestListener(handler));
    const res = await rawRequest(port, { path: '/down', headers: [['Authorization', `Bearer ${token}`]] });
    expect(res.status).toBe(503);
    expect(header(res, 'retry-after')).toBe('5');
    expect(headerLines(res, 'www-authenticate')).toEqual([]);
    expect(res.body).not.toContain('127.0.0.1');
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('two Authorization lines are 400; a query token answers with Cache-Control: private (rules 35, 43)', async () => {
    const port = await serve(getRequestListener(handler));
    const twice = await rawRequest(port, {
      path: '/orders',
      headers: [
        ['Authorization', `Bearer ${token}`],
        ['authorization', `Bearer ${token}`],
      ],
    });
    expect(twice.status).toBe(400);
    const query = await rawRequest(port, { path: '/query?access_token=opaque-good-token' });
    expect(query.status).toBe(200);
    expect(header(query, 'cache-control')).toBe('private');
  });
});
