// Express 5 servers for the benchmark, one variant per process (VARIANT):
//   hand          a careful hand-written snippet: a jose middleware with its keys prepared
//                 once (shared.mjs handKeys), and an error handler
//   hand-per-request  the same snippet with the raw HS256 secret, which jose imports into
//                 WebCrypto on every request: the common mistake, HS256 only
//   auth-errors   @auth-errors/express
//   oauth2-bearer express-oauth2-jwt-bearer, with the JSON error handler its docs suggest (HS256)
//   express-jwt   express-jwt (no scope support), same JSON error handler (HS256)
// Routes: GET /protected (HS256), /es256 and /rs256 (valid token), /scoped (HS256, scope "write").
import { createServer } from 'node:http';
import express from 'express';
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
const app = express();
const ok = (_req, res) => res.json({ ok: true });

function fail(status, code) {
  return Object.assign(new Error(code), { status, code });
}

if (variant === 'hand' || variant === 'hand-per-request') {
  const keys = await handKeys({ perRequest: variant === 'hand-per-request' });
  const authenticate =
    ({ key, options }) =>
    async (req, _res, next) => {
      const header = req.headers.authorization;
      if (!header?.startsWith('Bearer ')) return next(fail(401, 'credentials_required'));
      try {
        req.user = (await jwtVerify(header.slice(7), key, options)).payload;
        next();
      } catch {
        next(fail(401, 'invalid_token'));
      }
    };
  const requireScope = (scope) => (req, _res, next) =>
    String(req.user.scope ?? '')
      .split(' ')
      .includes(scope)
      ? next()
      : next(fail(403, 'insufficient_scope'));
  for (const [alg, key] of Object.entries(keys)) app.get(ROUTES[alg], authenticate(key), ok);
  app.get('/scoped', authenticate(keys.HS256), requireScope('write'), ok);
  app.use((err, _req, res, _next) => {
    const challenge = {
      credentials_required: CHALLENGE,
      invalid_token: INVALID_TOKEN,
      insufficient_scope: INSUFFICIENT_SCOPE,
    };
    res.status(err.status).set('WWW-Authenticate', challenge[err.code]).json({ error: err.code, status: err.status });
  });
} else if (variant === 'auth-errors') {
  const { authErrors, jwtAuth, requireScopes } = await import('@auth-errors/express');
  const guards = Object.fromEntries(ALGORITHMS.map((alg) => [alg, jwtAuth(authErrorsOptions(alg))]));
  for (const [alg, guard] of Object.entries(guards)) app.get(ROUTES[alg], guard, ok);
  app.get('/scoped', guards.HS256, requireScopes('write'), ok);
  app.use(authErrors());
} else if (variant === 'oauth2-bearer') {
  const { auth, requiredScopes } = await import('express-oauth2-jwt-bearer');
  const bearer = auth({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, tokenSigningAlg: 'HS256' });
  app.get('/protected', bearer, ok);
  app.get('/scoped', bearer, requiredScopes('write'), ok);
  app.use((err, _req, res, _next) =>
    res
      .status(err.status ?? 500)
      .set(err.headers ?? {})
      .json({ error: err.code, message: err.message }),
  );
} else if (variant === 'express-jwt') {
  const { expressjwt } = await import('express-jwt');
  app.get('/protected', expressjwt({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }), ok);
  app.use((err, _req, res, _next) => res.status(err.status ?? 500).json({ error: err.code, message: err.message }));
} else {
  throw new Error(`unknown VARIANT ${variant}`);
}

listen(createServer(app));
