/**
 * What a guard verified reaches the handler through `guard.auth(req)` (typed)
 * or `authOf(req)`, on Express 5 and 4 and Koa 3 and 2; asking a guard that
 * did not authenticate the request fails closed with a 401. And the
 * `extensions` function receives the framework's own request object.
 */
import '@auth-errors/testing/vitest';
import * as expressAuth from '@auth-errors/express';
import * as koaAuth from '@auth-errors/koa';
import Router from '@koa/router';
import express from 'express';
import express4 from 'express4';
import type Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { koaVersions } from '../packages/koa/test/helpers.js';

const BASIC = `Basic ${Buffer.from('alice:wonderland').toString('base64')}`;
const verifyBasic = (user: string, password: string) =>
  user === 'alice' && expressAuth.safeEqual(password, 'wonderland') ? { user, roles: ['reader'] } : false;
const verifyBearer = (token: string) => (token === 'good-token' ? { client: 'billing' } : false);
const problem = { type: 'https://auth-errors.dev/problems/credentials-required', code: 'credentials_required' };

function expressApp(make: typeof express) {
  const app = make();
  const basic = expressAuth.basicAuth({ verify: verifyBasic });
  const bearer = expressAuth.bearerAuth({ verify: verifyBearer });
  app.use((_req, res, next) => {
    res.locals.traceId = 'trace-123';
    next();
  });
  app.get('/basic', basic, (req, res) => {
    res.json({ principal: basic.auth(req).principal, any: expressAuth.authOf(req)?.scheme });
  });
  app.get('/bearer', bearer, (req, res) => res.json({ principal: bearer.auth(req).principal }));
  // The handler asks the wrong guard: Express 4 does not route a sync throw
  // from an async function, so both majors pass it to next() explicitly.
  app.get('/mixed', basic, (req, res, next) => {
    try {
      res.json(bearer.auth(req));
    } catch (error) {
      next(error);
    }
  });
  app.get('/none', (req, res) => res.json({ auth: expressAuth.authOf(req) ?? null }));
  app.use(
    expressAuth.authErrors({
      extensions: (_req, error) => ({ traceId: String(_req.res?.locals.traceId), failure: error.code }),
    }),
  );
  return app;
}

function koaApp(Make: typeof Koa) {
  const app = new Make();
  const router = new Router();
  const basic = koaAuth.basicAuth({ verify: verifyBasic });
  const bearer = koaAuth.bearerAuth({ verify: verifyBearer });
  router.get('/basic', basic, (ctx) => {
    ctx.body = { principal: basic.auth(ctx).principal, any: koaAuth.authOf(ctx)?.scheme };
  });
  router.get('/bearer', bearer, (ctx) => {
    ctx.body = { principal: bearer.auth(ctx).principal };
  });
  router.get('/mixed', basic, (ctx) => {
    ctx.body = bearer.auth(ctx);
  });
  router.get('/none', (ctx) => {
    ctx.body = { auth: koaAuth.authOf(ctx) ?? null };
  });
  app.use(
    koaAuth.authErrors({ extensions: (ctx, error) => ({ traceId: String(ctx.state.traceId), failure: error.code }) }),
  );
  app.use(async (ctx, next) => {
    ctx.state.traceId = 'trace-123';
    await next();
  });
  app.use(router.routes());
  return app.callback();
}

const apps = [
  ['express 5', () => expressApp(express)],
  ['express 4', () => expressApp(express4 as unknown as typeof express)],
  ...koaVersions.map(([name, Make]) => [name, () => koaApp(Make)] as const),
] as const;

describe.each(apps)('%s', (_name, make) => {
  const app = make();

  it('guard.auth(req) is what that guard verified; authOf(req) is the same', async () => {
    const res = await request(app).get('/basic').set('Authorization', BASIC);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ principal: { user: 'alice', roles: ['reader'] }, any: 'Basic' });
    const bearer = await request(app).get('/bearer').set('Authorization', 'Bearer good-token');
    expect(bearer.body).toEqual({ principal: { client: 'billing' } });
  });

  it('asking a guard that did not authenticate the request fails closed: 401, never another guard’s principal', async () => {
    const res = await request(app).get('/mixed').set('Authorization', BASIC);
    expect(res).toBeUnauthorized();
    expect(res).toHaveChallenges([{ scheme: 'Bearer', realm: 'api', error: undefined }]);
    expect(res).toBeProblem({ ...problem, traceId: 'trace-123', failure: 'credentials_required' });
    expect(res.text).not.toContain('alice');
  });

  it('authOf(req) is undefined where no guard ran', async () => {
    const res = await request(app).get('/none').set('Authorization', BASIC);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ auth: null });
  });

  it("the extensions function gets the framework's request: a trace id from the app's own state", async () => {
    const res = await request(app).get('/bearer').set('Authorization', 'Bearer bad-token');
    expect(res).toBeUnauthorized();
    expect(res).toBeProblem({ code: 'invalid_token', traceId: 'trace-123', failure: 'invalid_token' });
    expect(JSON.stringify(res.headers)).not.toContain('trace-123');
  });
});
