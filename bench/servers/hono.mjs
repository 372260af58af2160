// Hono 4 servers on @hono/node-server for the benchmark, one variant per process (VARIANT):
//   hand          the common hand-written snippet: a jose middleware with the key imported once,
//                 throwing HTTPException, and an onError that answers JSON with a WWW-Authenticate header
//   auth-errors   @auth-errors/fetch gates as middleware, renderError in onError
//   hono-jwt      hono/jwt (no scope support), with a JSON onError
//   bearer-auth   hono/bearer-auth with verifyToken running jose (no scope support), same JSON onError
// Routes: GET /protected (valid token) and GET /scoped (scope "write").

import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { jwtVerify } from 'jose';
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
const app = new Hono();
const ok = (c) => c.json({ ok: true });
// What the jose snippets verify with: the secret imported into WebCrypto once, not on every request.
const key = await crypto.subtle.importKey('raw', secretKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const verifyOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] };

/** The peers' JSON error handler: their HTTPException's status and headers, a JSON body. */
const jsonErrors = (err, c) => {
  if (!(err instanceof HTTPException)) return c.json({ error: 'internal' }, 500);
  const challenge = err.getResponse().headers.get('www-authenticate');
  return c.json({ error: err.message }, err.status, challenge ? { 'WWW-Authenticate': challenge } : {});
};

if (variant === 'hand') {
  const challenge = {
    credentials_required: CHALLENGE,
    invalid_token: INVALID_TOKEN,
    insufficient_scope: INSUFFICIENT_SCOPE,
  };
  const fail = (status, code) => new HTTPException(status, { message: code });
  const authenticate = async (c, next) => {
    const header = c.req.header('authorization');
    if (!header?.startsWith('Bearer ')) throw fail(401, 'credentials_required');
    try {
      c.set('user', (await jwtVerify(header.slice(7), key, verifyOptions)).payload);
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
  app.get('/protected', authenticate, ok);
  app.get('/scoped', authenticate, requireScope('write'), ok);
  app.onError((err, c) =>
    c.json({ error: err.message, status: err.status }, err.status, { 'WWW-Authenticate': challenge[err.message] }),
  );
} else if (variant === 'auth-errors') {
  const { authErrors } = await import('@auth-errors/fetch');
  const auth = authErrors();
  const gate = (check) => async (c, next) => (await check(c.req.raw)) ?? next();
  const bearer = gate(auth.jwtAuth({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }));
  app.get('/protected', bearer, ok);
  app.get('/scoped', bearer, gate(auth.requireScopes('write')), ok);
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
