// Koa 3 servers for the benchmark, one variant per process (VARIANT):
//   hand          a careful hand-written snippet: the common try/catch error middleware and a
//                 jose middleware with its keys prepared once (shared.mjs handKeys)
//   hand-per-request  the same snippet with the raw HS256 secret, imported by jose on every
//                 request: the common mistake, HS256 only
//   auth-errors   @auth-errors/koa
//   koa-jwt       koa-jwt (no scope support), with Koa's own error handling (HS256)
// Routes: GET /protected (HS256), /es256 and /rs256 (valid token), /scoped (HS256, scope "write").
import { createServer } from 'node:http';
import Router from '@koa/router';
import { jwtVerify } from 'jose';
import Koa from 'koa';
import {
  ALGORITHMS,
  AUDIENCE,
  authErrorsOptions,
  CHALLENGE,
  handKeys,
  INSUFFICIENT_SCOPE,
  INVALID_TOKEN,
  ISSUER,
  listen,
  ROUTES,
  SECRET,
} from './shared.mjs';

const variant = process.env.VARIANT;
const app = new Koa();
const router = new Router();
const ok = (ctx) => {
  ctx.body = { ok: true };
};

if (variant === 'hand' || variant === 'hand-per-request') {
  const keys = await handKeys({ perRequest: variant === 'hand-per-request' });
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
  const authenticate =
    ({ key, options }) =>
    async (ctx, next) => {
      const header = ctx.headers.authorization;
      if (!header?.startsWith('Bearer ')) throw fail(401, 'credentials_required');
      let payload;
      try {
        ({ payload } = await jwtVerify(header.slice(7), key, options));
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
  for (const [alg, key] of Object.entries(keys)) router.get(ROUTES[alg], authenticate(key), ok);
  router.get('/scoped', authenticate(keys.HS256), requireScope('write'), ok);
} else if (variant === 'auth-errors') {
  const { authErrors, jwtAuth, requireScopes } = await import('@auth-errors/koa');
  app.use(authErrors());
  const guards = Object.fromEntries(ALGORITHMS.map((alg) => [alg, jwtAuth(authErrorsOptions(alg))]));
  for (const [alg, guard] of Object.entries(guards)) router.get(ROUTES[alg], guard, ok);
  router.get('/scoped', guards.HS256, requireScopes('write'), ok);
} else if (variant === 'koa-jwt') {
  const { default: jwt } = await import('koa-jwt');
  router.get('/protected', jwt({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }), ok);
} else {
  throw new Error(`unknown VARIANT ${variant}`);
}

app.silent = true;
app.use(router.routes());
listen(createServer(app.callback()));
