// Koa 3 servers for the benchmark, one variant per process (VARIANT):
//   hand          the common try/catch error middleware and a jose middleware
//   auth-errors   @auth-errors/koa
//   koa-jwt       koa-jwt (no scope support), with Koa's own error handling
// Routes: GET /protected (valid token) and GET /scoped (scope "write").
import { createServer } from 'node:http';
import Router from '@koa/router';
import { jwtVerify } from 'jose';
import Koa from 'koa';
import {
  AUDIENCE,
  CHALLENGE,
  INSUFFICIENT_SCOPE,
  INVALID_TOKEN,
  ISSUER,
  listen,
  SECRET,
  secretKey,
} from './shared.mjs';

const variant = process.env.VARIANT;
const app = new Koa();
const router = new Router();
const ok = (ctx) => {
  ctx.body = { ok: true };
};

if (variant === 'hand') {
  const challenge = {
    credentials_required: CHALLENGE,
    invalid_token: INVALID_TOKEN,
    insufficient_scope: INSUFFICIENT_SCOPE,
  };
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      ctx.status = err.status;
      ctx.set('WWW-Authenticate', challenge[err.code]);
      ctx.body = { error: err.code, status: err.status };
    }
  });
  const fail = (status, code) => Object.assign(new Error(code), { status, code });
  const authenticate = async (ctx, next) => {
    const header = ctx.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw fail(401, 'credentials_required');
    let payload;
    try {
      ({ payload } = await jwtVerify(header.slice(7), secretKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      }));
    } catch {
      throw fail(401, 'invalid_token');
    }
    ctx.state.user = payload;
    await next();
  };
  const requireScope = (scope) => async (ctx, next) => {
    if (
      !String(ctx.state.user.scope ?? '')
        .split(' ')
        .includes(scope)
    )
      throw fail(403, 'insufficient_scope');
    await next();
  };
  router.get('/protected', authenticate, ok);
  router.get('/scoped', authenticate, requireScope('write'), ok);
} else if (variant === 'auth-errors') {
  const { authErrors, jwtAuth, requireScopes } = await import('@auth-errors/koa');
  const bearer = jwtAuth({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
  app.use(authErrors());
  router.get('/protected', bearer, ok);
  router.get('/scoped', bearer, requireScopes('write'), ok);
} else if (variant === 'koa-jwt') {
  const { default: jwt } = await import('koa-jwt');
  router.get('/protected', jwt({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }), ok);
} else {
  throw new Error(`unknown VARIANT ${variant}`);
}

app.silent = true;
app.use(router.routes());
listen(createServer(app.callback()));
