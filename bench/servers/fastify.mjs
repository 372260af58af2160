// Fastify 5 servers for the benchmark, one variant per process (VARIANT):
//   hand          the common hand-written snippet: a jose onRequest hook with the key imported once,
//                 answering 401/403 JSON with a WWW-Authenticate header itself
//   auth-errors   @auth-errors/fastify: guards as onRequest hooks, authErrors registered
//   fastify-jwt   @fastify/jwt with its documented `authenticate` hook (no scope support), Fastify's error handler
//   bearer-auth   @fastify/bearer-auth with an `auth` function running jose (no scope support)
// Routes: GET /protected (valid token) and GET /scoped (scope "write").
import { createServer } from 'node:http';
import Fastify from 'fastify';
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
const app = Fastify();
const ok = async () => ({ ok: true });
// What the jose snippets verify with: the secret imported into WebCrypto once, not on every request.
const key = await crypto.subtle.importKey('raw', secretKey, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const verifyOptions = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] };

if (variant === 'hand') {
  const refuse = (reply, status, code, challenge) =>
    reply.code(status).header('WWW-Authenticate', challenge).send({ error: code, status });
  const authenticate = async (request, reply) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return refuse(reply, 401, 'credentials_required', CHALLENGE);
    try {
      request.user = (await jwtVerify(header.slice(7), key, verifyOptions)).payload;
    } catch {
      return refuse(reply, 401, 'invalid_token', INVALID_TOKEN);
    }
  };
  const requireScope = (scope) => async (request, reply) => {
    if (
      !String(request.user.scope ?? '')
        .split(' ')
        .includes(scope)
    )
      return refuse(reply, 403, 'insufficient_scope', INSUFFICIENT_SCOPE);
  };
  app.decorateRequest('user', null);
  app.get('/protected', { onRequest: authenticate }, ok);
  app.get('/scoped', { onRequest: [authenticate, requireScope('write')] }, ok);
} else if (variant === 'auth-errors') {
  const { authErrors, jwtAuth, requireScopes } = await import('@auth-errors/fastify');
  await app.register(authErrors);
  const bearer = jwtAuth({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
  app.get('/protected', { onRequest: bearer }, ok);
  app.get('/scoped', { onRequest: [bearer, requireScopes('write')] }, ok);
} else if (variant === 'fastify-jwt') {
  const { default: fastifyJwt } = await import('@fastify/jwt');
  await app.register(fastifyJwt, {
    secret: SECRET,
    verify: { allowedIss: ISSUER, allowedAud: AUDIENCE, algorithms: ['HS256'] },
  });
  // Its README's `authenticate` decorator.
  const authenticate = async (request, reply) => {
    try {
      await request.jwtVerify();
    } catch (err) {
      reply.send(err);
    }
  };
  app.get('/protected', { onRequest: authenticate }, ok);
} else if (variant === 'bearer-auth') {
  const { default: bearerAuth } = await import('@fastify/bearer-auth');
  const auth = (token) =>
    jwtVerify(token, key, verifyOptions).then(
      () => true,
      () => false,
    );
  await app.register(async (scope) => {
    await scope.register(bearerAuth, { keys: new Set(), auth });
    scope.get('/protected', ok);
  });
} else {
  throw new Error(`unknown VARIANT ${variant}`);
}

await app.ready();
listen(createServer(app.routing));
