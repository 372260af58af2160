// Express 5 servers for the benchmark, one variant per process (VARIANT):
//   hand          the common hand-written snippet: a jose middleware and an error handler
//   auth-errors   @auth-errors/express
//   oauth2-bearer express-oauth2-jwt-bearer, with the JSON error handler its docs suggest
//   express-jwt   express-jwt (no scope support), same JSON error handler
// Routes: GET /protected (valid token) and GET /scoped (scope "write").
import { createServer } from 'node:http';
import express from 'express';
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
const app = express();
const ok = (_req, res) => res.json({ ok: true });

function fail(status, code) {
  return Object.assign(new Error(code), { status, code });
}

if (variant === 'hand') {
  const authenticate = async (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return next(fail(401, 'credentials_required'));
    try {
      const { payload } = await jwtVerify(header.slice(7), secretKey, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      req.user = payload;
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
  app.get('/protected', authenticate, ok);
  app.get('/scoped', authenticate, requireScope('write'), ok);
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
  const bearer = jwtAuth({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
  app.get('/protected', bearer, ok);
  app.get('/scoped', bearer, requireScopes('write'), ok);
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
