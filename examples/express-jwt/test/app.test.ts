/**
 * What a client of this example sees, route by route: in demo mode, and
 * against a JWKS served by the test, including one that is down.
 */
import '@auth-errors/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { AUDIENCE, closedPortUrl, ISSUER, startJwks } from './jwks.js';
import { type Served, send, serve } from './support.js';

const TYPES = 'https://auth-errors.dev/problems/';
const CREDENTIALS_REQUIRED = {
  type: `${TYPES}credentials-required`,
  title: 'Credentials required',
  status: 401,
  detail: 'Authentication is required to access this resource',
  code: 'credentials_required',
};

describe('demo mode', () => {
  let app: Served;
  beforeAll(async () => {
    app = await serve(await createApp({ demo: true, issuer: ISSUER, audience: AUDIENCE }));
  });
  afterAll(() => app?.close());
  const token = async (scope: string) => {
    const minted = await send(`${app.url}/demo/token?scope=${encodeURIComponent(scope)}`);
    return (minted.body as { access_token: string }).access_token;
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('GET /public is 200, and GET /orders without a token is 401 with a bare Bearer challenge', async () => {
    expect((await send(`${app.url}/public`)).status).toBe(200);
    const res = await send(`${app.url}/orders`);
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual(['Bearer realm="orders"']);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toEqual(CREDENTIALS_REQUIRED);
  });

  it('GET /demo/token answers an RFC 9068 access token for the scopes asked', async () => {
    const res = await send(`${app.url}/demo/token?scope=orders:read`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'orders:read',
    });
  });

  it('a token with orders:read reads orders, and is 403 insufficient_scope on POST', async () => {
    const reader = await token('orders:read');
    const read = await send(`${app.url}/orders`, { headers: bearer(reader) });
    expect(read.status).toBe(200);
    expect(read.body).toEqual([]);
    const write = await send(`${app.url}/orders`, { method: 'POST', headers: bearer(reader), body: { item: 'tea' } });
    expect(write).toBeForbidden();
    expect(write.challenges).toEqual(['Bearer realm="orders", error="insufficient_scope", scope="orders:write"']);
    expect(write.body).toEqual({
      type: `${TYPES}insufficient-scope`,
      title: 'Insufficient scope',
      status: 403,
      detail: 'The access token does not grant the scope this request requires',
      code: 'insufficient_scope',
      requiredScopes: ['orders:write'],
    });
  });

  it('a token with orders:write creates an order owned by the token subject', async () => {
    const writer = await token('orders:read orders:write');
    const res = await send(`${app.url}/orders`, { method: 'POST', headers: bearer(writer), body: { item: 'tea' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 1, item: 'tea', owner: 'demo-user' });
  });

  it('a forged token is 401 invalid_token, and the token is not echoed', async () => {
    const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
    const res = await send(`${app.url}/orders`, { headers: bearer(forged) });
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual([
      expect.stringMatching(/^Bearer realm="orders", error="invalid_token", error_description="[^"]+"$/),
    ]);
    expect(res).toBeProblem({ type: `${TYPES}invalid-token`, status: 401, code: 'invalid_token' });
    expect(res.text + res.challenges.join()).not.toContain(forged.slice(0, 20));
  });
});

describe('with a JWKS', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let app: Served;
  beforeAll(async () => {
    jwks = await startJwks();
    app = await serve(
      await createApp({ demo: false, jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, jwks: {} }),
    );
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('accepts an RS256 token from the JWKS, with typ JWT or at+jwt', async () => {
    for (const typ of ['JWT', 'at+jwt']) {
      const token = await jwks.sign({ scope: 'orders:read' }, { typ });
      expect((await send(`${app.url}/orders`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it('has no /demo/token outside demo mode', async () => {
    expect((await send(`${app.url}/demo/token`)).status).toBe(404);
  });

  it('an expired token is 401 invalid_token "The access token expired"', async () => {
    const expired = await jwks.sign({ scope: 'orders:read' }, { exp: Math.floor(Date.now() / 1000) - 600 });
    const res = await send(`${app.url}/orders`, { headers: { authorization: `Bearer ${expired}` } });
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual([
      'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
    ]);
  });

  it('a token for another audience is 401 invalid_token', async () => {
    const other = await jwks.sign({ scope: 'orders:read', aud: 'https://elsewhere.invalid' });
    const res = await send(`${app.url}/orders`, { headers: { authorization: `Bearer ${other}` } });
    expect(res).toBeUnauthorized();
    expect(res).toBeProblem({ code: 'invalid_token' });
  });

  it('a JWKS that is down is 503 with Retry-After, never 401, and does not name the JWKS', async () => {
    const down = await serve(
      await createApp({ demo: false, jwksUrl: await closedPortUrl(), issuer: ISSUER, audience: AUDIENCE, jwks: {} }),
    );
    try {
      const token = await jwks.sign({ scope: 'orders:read' });
      const res = await send(`${down.url}/orders`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.challenges).toEqual([]);
      expect(res).toBeProblem({ type: `${TYPES}auth-unavailable`, status: 503, code: 'auth_unavailable' });
      expect(res.text).not.toContain('127.0.0.1');
    } finally {
      await down.close();
    }
  });
});
