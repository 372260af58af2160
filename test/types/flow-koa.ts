/**
 * Types that flow on Koa, checked by the compiler (test/types.test.ts; see
 * tsconfig.koa.json for why this file alone skips library checks).
 */
import * as koaAuth from '@auth-errors/koa';
import Router from '@koa/router';
import express from 'express';
import Koa from 'koa';
import { expectTypeOf } from 'vitest';

interface OrderClaims {
  readonly tenant: string;
}

// Koa: the same guard types, read from ctx.
const koa = new Koa();
const router = new Router();
const koaBearer = koaAuth.jwtAuth<OrderClaims>({ jwksUrl: 'https://as.example/jwks', issuer: 'i', audience: 'a' });
router.get('/orders', koaBearer, koaAuth.requireScopes('orders:read'), (ctx) => {
  expectTypeOf(koaBearer.auth(ctx).claims.tenant).toEqualTypeOf<string>();
  ctx.body = { tenant: koaBearer.auth(ctx).claims.tenant, any: koaAuth.authOf(ctx)?.scheme };
});
koa.use(koaAuth.authErrors({ extensions: (ctx) => ({ traceId: ctx.get('x-request-id') }) }));
koa.use(router.routes());

// Koa with a typed state still accepts the accessor.
const typed = new Koa<{ user?: string }>();
typed.use(koaBearer);
typed.use((ctx) => {
  ctx.body = koaBearer.auth(ctx).claims.sub;
});

// A Koa guard's accessor does not accept an Express request.
express().get('/', (req, res) => {
  // @ts-expect-error an Express request has no Koa state
  koaBearer.auth(req);
  res.end();
});
