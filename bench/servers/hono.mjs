// Hono 4 servers on @hono/node-server for the benchmark, one variant per process (VARIANT):
//   hand          a careful hand-written snippet: a jose middleware with its keys prepared once
//                 (shared.mjs handKeys), throwing HTTPException, and an onError that answers JSON
//                 with a WWW-Authenticate header
//   hand-per-request  the same snippet with the raw HS256 secret, imported by jose on every
//                 request: the common mistake, HS256 only
//   auth-errors   @auth-errors/fetch gates as middleware, renderError in onError
//   hono-jwt      hono/jwt (no scope support), with a JSON onError (HS256)
//   bearer-auth   hono/bearer-auth with verifyToken running jose (no scope support), same JSON onError (HS256)
// Routes: GET /protected (HS256), /es256 and /rs256 (valid token), /scoped (HS256, scope "write").

import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { jwtVerify } from 'jose';
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
const app = new Hono();
const ok = (c) => c.json({ ok: true });
// What the peers' jose callbacks verify with: the secret imported into WebCrypto once.
const { key, options: verifyOptions } = (await handKeys()).HS256;

/** The peers' JSON error handler: their HTTPException's status and headers, a JSON body. */
const jsonErrors = (err, c) => {
  if (!(err instanceof HTTPException)) return c.json({ error: 'internal' }, 500);
  const challenge = err.getResponse().headers.get('www-authenticate');
  return c.json({ error: err.message }, err.status, challenge ? { 'WWW-Authenticate': challenge } : {});
};

if (variant === 'hand' || variant === 'hand-per-request') {
  const keys = await handKeys({ perRequest: variant === 'hand-per-request' });
  const challenge = {
    credentials_required: CHALLENGE,
    invalid_token: INVALID_TOKEN,
    insufficient_scope: INSUFFICIENT_SCOPE,
  };
  const fail = (status, code) => new HTTPException(status, { message: code });
  const authenticate =
    ({ key, options }) =>
    async (c, next) => {
      const header = c.req.header('authorization');
      if (!header?.startsWith('Bearer ')) throw fail(401, 'credentials_required');
      try {
        c.set('user', (await jwtVerify(header.slice(7), key, options)).payload);
      } catch {
        throw fail(401, 'invalid_token');
      }
      await next();
    };
  const requireScope = (scope) => async (c, next) => {
    if (
      !String(c.get('user').scope ?? '')
        .split(' ')
        .includes(scope)
    )
      throw fail(403, 'insufficient_scope');
    await next();
  };
  for (const [alg, key] of Object.entries(keys)) app.get(ROUTES[alg], authenticate(key), ok);
  app.get('/scoped', authenticate(keys.HS256), requireScope('write'), ok);
  app.onError((err, c) =>
    c.json({ error: err.message, status: err.status }, err.status, { 'WWW-Authenticate': challenge[err.message] }),
  );
} else if (variant === 'auth-errors') {
  const { authErrors } = await import('@auth-errors/fetch');
  const auth = authErrors();
  const gate = (check) => async (c, next) => (await check(c.req.raw)) ?? next();
  const guards = Object.fromEntries(ALGORITHMS.map((alg) => [alg, gate(auth.jwtAuth(authErrorsOptions(alg)))]));
  for (const [alg, guard] of Object.entries(guards)) app.get(ROUTES[alg], guard, ok);
  app.get('/scoped', guards.HS256, gate(auth.requireScopes('write')), ok);
  app.onError((err, c) => auth.renderError(err, c.req.raw) ?? c.json({ error: 'internal' }, 500));
} else if (variant === 'hono-jwt') {
  const { jwt } = await import('hono/jwt');
  app.get('/protected', jwt({ secret: SECRET, alg: 'HS256', verification: { iss: ISSUER, aud: AUDIENCE } }), ok);
  app.onError(jsonErrors);
} else if (variant === 'bearer-auth') {
  const { bearerAuth } = await import('hono/bearer-auth');
  const verifyToken = (token) =>
    jwtVerify(token, key, verifyOptions).then(
      () => true,
      () => false,
    );
  app.get('/protected', bearerAuth({ verifyToken }), ok);
  app.onError(jsonErrors);
} else {
  throw new Error(`unknown VARIANT ${variant}`);
}

listen(createServer(getRequestListener(app.fetch)));
