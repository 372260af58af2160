/**
 * SECURITY.md's advice, followed word for word, gives the answers it promises:
 * - a revoked token is 401 invalid_token (the client gets a new token), by
 *   throwing invalidToken() from a bearerAuth verify or from a middleware
 *   between jwtAuth and the route; a requireAuth policy returning false would
 *   be 403 forbidden instead, which tells the client a new token won't help;
 * - with cors() mounted before the guards and no exposedHeaders of your own,
 *   a cross-origin failure still lists WWW-Authenticate (or Retry-After) in
 *   Access-Control-Expose-Headers: authErrors() adds it.
 */
import * as ex from '@auth-errors/express';
import * as k from '@auth-errors/koa';
import Router from '@koa/router';
import cors from 'cors';
import express from 'express';
import { SignJWT } from 'jose';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { BEARER, bearerError } from './support/contract-cases.js';
import { challenges } from './support/examples.js';

const TYPES = 'https://auth-errors.dev/problems/';
const SECRET = new TextEncoder().encode('a test secret of at least 32 bytes!!');
const JWT = { secret: SECRET, issuer: 'https://issuer.test', audience: 'https://api.test' };
const REVOKED_DETAIL = 'The access token was revoked';
const REVOKED_CHALLENGE = bearerError('invalid_token', REVOKED_DETAIL);
const REVOKED_BODY = {
  type: `${TYPES}invalid-token`,
  title: 'Invalid access token',
  status: 401,
  detail: REVOKED_DETAIL,
  code: 'invalid_token',
};

const sign = (jti: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(JWT.issuer)
    .setAudience(JWT.audience)
    .setJti(jti)
    .setExpirationTime('5m')
    .sign(SECRET);

/** A revocation list, as an application keeps one: opaque tokens and JWT ids. */
const revoked = new Set(['revoked-token', 'revoked-jti']);

function expressApp(): express.Express {
  const app = express();
  const opaque = ex.bearerAuth({
    verify: (token) => {
      if (revoked.has(token)) throw ex.invalidToken({ detail: REVOKED_DETAIL });
      return token === 'good-token' || token === 'revoked-token' ? { client: 'c1' } : false;
    },
  });
  const bearer = ex.jwtAuth(JWT);
  const notRevoked: express.RequestHandler = (req, _res, next) => {
    if (revoked.has(bearer.auth(req).claims?.jti as string)) throw ex.invalidToken({ detail: REVOKED_DETAIL });
    next();
  };
  const policyThatDenies = ex.requireAuth((auth) => !revoked.has(auth.claims?.jti as string));
  app.use(cors());
  app.get('/opaque', opaque, (_req, res) => res.json({ ok: true }));
  app.get('/jwt', bearer, notRevoked, (_req, res) => res.json({ ok: true }));
  app.get('/policy', bearer, policyThatDenies, (_req, res) => res.json({ ok: true }));
  app.get('/down', ex.bearerAuth({ verify: () => Promise.reject(new Error('database down')) }), (_req, res) =>
    res.json({ ok: true }),
  );
  app.use(ex.authErrors({ realm: 'api', onError: () => {} }));
  return app;
}

function koaApp() {
  const app = new Koa();
  const router = new Router();
  const opaque = k.bearerAuth({
    verify: (token) => {
      if (revoked.has(token)) throw k.invalidToken({ detail: REVOKED_DETAIL });
      return token === 'good-token' || token === 'revoked-token' ? { client: 'c1' } : false;
    },
  });
  const bearer = k.jwtAuth(JWT);
  const notRevoked: Koa.Middleware = async (ctx, next) => {
    if (revoked.has(bearer.auth(ctx).claims?.jti as string)) throw k.invalidToken({ detail: REVOKED_DETAIL });
    await next();
  };
  const policyThatDenies = k.requireAuth((auth) => !revoked.has(auth.claims?.jti as string));
  const ok: Koa.Middleware = (ctx) => {
    ctx.body = { ok: true };
  };
  router.get('/opaque', opaque, ok);
  router.get('/jwt', bearer, notRevoked, ok);
  router.get('/policy', bearer, policyThatDenies, ok);
  router.get('/down', k.bearerAuth({ verify: () => Promise.reject(new Error('database down')) }), ok);
  // A CORS layer mounted first, as a Koa app does (what @koa/cors sets on a simple request).
  app.use(async (ctx, next) => {
    if (ctx.get('Origin')) ctx.set('Access-Control-Allow-Origin', '*');
    await next();
  });
  app.use(k.authErrors({ realm: 'api', onError: () => {} }));
  app.use(router.routes());
  return app.callback();
}

describe.each([
  ['Express', expressApp],
  ['Koa', koaApp],
] as const)('%s', (_name, build) => {
  const app = build() as Parameters<typeof request>[0];

  it('a revoked opaque token, refused by throwing invalidToken() from the bearerAuth verify, is 401 invalid_token', async () => {
    expect((await request(app).get('/opaque').set('Authorization', 'Bearer good-token')).status).toBe(200);
    const res = await request(app).get('/opaque').set('Authorization', 'Bearer revoked-token');
    expect(res.status).toBe(401);
    expect(challenges(res)).toEqual([REVOKED_CHALLENGE]);
    expect(JSON.parse(res.text)).toEqual(REVOKED_BODY);
  });

  it('a revoked JWT, refused by a middleware between jwtAuth and the route, is 401 invalid_token', async () => {
    expect(
      (
        await request(app)
          .get('/jwt')
          .set('Authorization', `Bearer ${await sign('live-jti')}`)
      ).status,
    ).toBe(200);
    const res = await request(app)
      .get('/jwt')
      .set('Authorization', `Bearer ${await sign('revoked-jti')}`);
    expect(res.status).toBe(401);
    expect(challenges(res)).toEqual([REVOKED_CHALLENGE]);
    expect(JSON.parse(res.text)).toEqual(REVOKED_BODY);
  });

  it('the same check in a requireAuth policy would be 403 forbidden, with no challenge: the wrong answer', async () => {
    const res = await request(app)
      .get('/policy')
      .set('Authorization', `Bearer ${await sign('revoked-jti')}`);
    expect(res.status).toBe(403);
    expect(challenges(res)).toEqual([]);
    expect(JSON.parse(res.text)).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('a cross-origin 401 exposes WWW-Authenticate, and a 503 Retry-After, with no exposedHeaders configured', async () => {
    const origin = 'https://app.example';
    const denied = await request(app).get('/jwt').set('Origin', origin);
    expect(denied.status).toBe(401);
    expect(denied.headers['access-control-allow-origin']).toBe('*');
    expect(denied.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
    expect(challenges(denied)).toEqual([BEARER]);
    const down = await request(app).get('/down').set('Origin', origin).set('Authorization', 'Bearer good-token');
    expect(down.status).toBe(503);
    expect(down.headers['access-control-expose-headers']).toBe('Retry-After');
    expect(down.headers['retry-after']).toBe('5');
  });
});
