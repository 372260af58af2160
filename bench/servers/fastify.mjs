// Fastify 5 servers for the benchmark, one variant per process (VARIANT):
//   hand          a careful hand-written snippet: a jose onRequest hook with its keys prepared once
//                 (shared.mjs handKeys), answering 401/403 JSON with a WWW-Authenticate header itself
//   hand-per-request  the same snippet with the raw HS256 secret, imported by jose on every
//                 request: the common mistake, HS256 only
//   auth-errors   @auth-errors/fastify: guards as onRequest hooks, authErrors registered
//   fastify-jwt   @fastify/jwt with its documented `authenticate` hook (no scope support), Fastify's error handler (HS256)
//   bearer-auth   @fastify/bearer-auth with an `auth` function running jose (no scope support, HS256)
// Routes: GET /protected (HS256), /es256 and /rs256 (valid token), /scoped (HS256, scope "write").
import { createServer } from 'node:http';
import Fastify from 'fastify';
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
const app = Fastify();
const ok = async () => ({ ok: true });
// What the peers' jose callbacks verify with: the secret imported into WebCrypto once.
const { key, options: verifyOptions } = (await handKeys()).HS256;

if (variant === 'hand' || variant === 'hand-per-request') {
  const keys = await handKeys({ perRequest: variant === 'hand-per-request' });
  const refuse = (reply, status, code, challenge) =>
    reply.code(status).header('WWW-Authenticate', challenge).send({ error: code, status });
  const authenticate =
    ({ key, options }) =>
    async (request, reply) => {
      const header = request.headers.authorization;
      if (!header?.startsWith('Bearer ')) return refuse(reply, 401, 'credentials_required', CHALLENGE);
      try {
        request.user = (await jwtVerify(header.slice(7), key, options)).payload;
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
  for (const [alg, key] of Object.entries(keys)) app.get(ROUTES[alg], { onRequest: authenticate(key) }, ok);
  app.get('/scoped', { onRequest: [authenticate(keys.HS256), requireScope('write')] }, ok);
} else if (variant === 'auth-errors') {
  const { authErrors, jwtAuth, requireScopes } = await import('@auth-errors/fastify');
  await app.register(authErrors);
  const guards = Object.fromEntries(ALGORITHMS.map((alg) => [alg, jwtAuth(authErrorsOptions(alg))]));
  for (const [alg, guard] of Object.entries(guards)) app.get(ROUTES[alg], { onRequest: guard }, ok);
  app.get('/scoped', { onRequest: [guards.HS256, requireScopes('write')] }, ok);
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
