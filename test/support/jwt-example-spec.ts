/**
 * The outside contract of the JWT examples (DESIGN.md, "Examples"), run
 * against both express-jwt and koa-jwt: demo mode, and a JWKS served by the
 * test itself on 127.0.0.1, including one that is down.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, challenges, type StartedExample, startExample } from './examples.js';
import { AUDIENCE, closedPortUrl, ISSUER, startJwks } from './jwks.js';

const TYPES = 'https://auth-errors.dev/problems/';
const UNAUTHORIZED = { type: 'about:blank', title: 'Unauthorized', status: 401 };

type Handler = Parameters<typeof request>[0];
interface ExampleModule {
  createApp(config?: Record<string, unknown>): Promise<{ callback?: () => Handler } & object>;
}

export function describeJwtExample(name: string, example: ExampleModule, toHandler: (app: object) => Handler): void {
  const build = async (config?: Record<string, unknown>) => toHandler(await example.createApp(config));

  describe(`${name}: demo mode`, () => {
    let handler: Handler;
    beforeAll(async () => {
      handler = await build({ demo: true, issuer: ISSUER, audience: AUDIENCE });
    });
    const token = async (scope: string) =>
      (await request(handler).get('/demo/token').query({ scope })).body.access_token as string;

    it('GET /public is 200 and GET /orders without a token is 401 with a bare Bearer challenge', async () => {
      expect((await request(handler).get('/public')).status).toBe(200);
      const res = await request(handler).get('/orders');
      expect(res.status).toBe(401);
      expect(challenges(res)).toEqual(['Bearer realm="orders"']);
      expect(JSON.parse(res.text)).toEqual(UNAUTHORIZED);
    });

    it('a demo token with orders:read reads orders, and is 403 insufficient_scope on POST', async () => {
      const readToken = await token('orders:read');
      const read = await request(handler).get('/orders').set('Authorization', `Bearer ${readToken}`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual([]);
      const write = await request(handler)
        .post('/orders')
        .set('Authorization', `Bearer ${readToken}`)
        .send({ item: 'tea' });
      expect(write.status).toBe(403);
      expect(challenges(write)).toEqual(['Bearer realm="orders", error="insufficient_scope", scope="orders:write"']);
      expect(JSON.parse(write.text)).toEqual({
        type: `${TYPES}insufficient-scope`,
        title: 'Insufficient scope',
        status: 403,
        detail: 'The access token does not grant the scope this request requires',
        code: 'insufficient_scope',
        requiredScopes: ['orders:write'],
      });
    });

    it('a token with orders:write creates an order owned by the token subject', async () => {
      const writeToken = await token('orders:read orders:write');
      const res = await request(handler)
        .post('/orders')
        .set('Authorization', `Bearer ${writeToken}`)
        .send({ item: 'tea' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: 1, item: 'tea', owner: 'demo-user' });
    });

    it('a forged token is 401 invalid_token and is not echoed', async () => {
      const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
      const res = await request(handler).get('/orders').set('Authorization', `Bearer ${forged}`);
      expect(res.status).toBe(401);
      expect(challenges(res)[0]).toMatch(/^Bearer realm="orders", error="invalid_token", error_description="[^"]+"$/);
      expect(JSON.parse(res.text)).toMatchObject({ type: `${TYPES}invalid-token`, status: 401, code: 'invalid_token' });
      expect(res.text + challenges(res).join()).not.toContain(forged.slice(0, 20));
    });
  });

  describe(`${name}: with a JWKS`, () => {
    let jwks: Awaited<ReturnType<typeof startJwks>>;
    let handler: Handler;
    beforeAll(async () => {
      jwks = await startJwks();
      handler = await build({ demo: false, jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });
    });
    afterAll(() => jwks?.close());

    it('accepts an RS256 token from the JWKS, with typ JWT or at+jwt', async () => {
      for (const typ of ['JWT', 'at+jwt']) {
        const res = await request(handler)
          .get('/orders')
          .set('Authorization', `Bearer ${await jwks.sign({ scope: 'orders:read' }, { typ })}`);
        expect(res.status).toBe(200);
      }
    });

    it('has no /demo/token outside demo mode', async () => {
      expect((await request(handler).get('/demo/token')).status).toBe(404);
    });

    it('an expired token is 401 invalid_token "The access token expired"', async () => {
      const expired = await jwks.sign({ scope: 'orders:read' }, { exp: Math.floor(Date.now() / 1000) - 600 });
      const res = await request(handler).get('/orders').set('Authorization', `Bearer ${expired}`);
      expect(res.status).toBe(401);
      expect(challenges(res)).toEqual([
        'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
      ]);
    });

    it('a token for another audience is 401 invalid_token', async () => {
      const other = await jwks.sign({ scope: 'orders:read', aud: 'https://elsewhere.invalid' });
      const res = await request(handler).get('/orders').set('Authorization', `Bearer ${other}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text).code).toBe('invalid_token');
    });

    it('a JWKS that is down is 503 with Retry-After, never 401', async () => {
      const down = await build({ demo: false, jwksUrl: await closedPortUrl(), issuer: ISSUER, audience: AUDIENCE });
      const res = await request(down)
        .get('/orders')
        .set('Authorization', `Bearer ${await jwks.sign({ scope: 'orders:read' })}`);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(challenges(res)).toEqual([]);
      expect(JSON.parse(res.text)).toMatchObject({
        type: `${TYPES}auth-unavailable`,
        status: 503,
        code: 'auth_unavailable',
      });
      expect(res.text).not.toContain('127.0.0.1');
    });
  });

  describe(`${name}: npm start`, () => {
    let demo: StartedExample | undefined;
    let configured: StartedExample | undefined;
    let down: StartedExample | undefined;
    let jwks: Awaited<ReturnType<typeof startJwks>>;
    beforeAll(async () => {
      jwks = await startJwks();
      [demo, configured, down] = await Promise.all([
        startExample(name, { JWKS_URL: '', JWT_ISSUER: '', JWT_AUDIENCE: '' }),
        startExample(name, { JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }),
        closedPortUrl().then((url) =>
          startExample(name, { JWKS_URL: url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }),
        ),
      ]);
    });
    afterAll(async () => {
      await Promise.all([demo?.stop(), configured?.stop(), down?.stop()]);
      await jwks?.close();
    });

    it('in demo mode, prints curl lines and serves the token flow', async () => {
      const url = (demo as StartedExample).url;
      expect((demo as StartedExample).output()).toContain('/demo/token');
      expect(await call(`${url}/orders`)).toMatchObject({ status: 401, challenge: 'Bearer realm="orders"' });
      const minted = await call(`${url}/demo/token?scope=orders:read`);
      const ok = await call(`${url}/orders`, { headers: { authorization: `Bearer ${minted.body.access_token}` } });
      expect(ok.status).toBe(200);
    });

    it('with JWKS_URL, JWT_ISSUER and JWT_AUDIENCE set, verifies tokens against that JWKS', async () => {
      const url = (configured as StartedExample).url;
      const auth = { authorization: `Bearer ${await jwks.sign({ scope: 'orders:read' })}` };
      expect((await call(`${url}/orders`, { headers: auth })).status).toBe(200);
      expect((await call(`${url}/demo/token`)).status).toBe(404);
    });

    it('with a JWKS_URL that refuses connections, answers 503 with Retry-After', async () => {
      const url = (down as StartedExample).url;
      const res = await fetch(`${url}/orders`, {
        headers: { authorization: `Bearer ${await jwks.sign({ scope: 'orders:read' })}` },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(await res.json()).toMatchObject({ status: 503, code: 'auth_unavailable' });
    });
  });
}
