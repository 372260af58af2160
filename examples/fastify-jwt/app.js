import { authErrors, jwtAuth, requireScopes } from '@auth-errors/fastify';
import Fastify from 'fastify';
import { configFromEnv } from './config.js';
import { createDemoIssuer } from './demo-issuer.js';
import { redisReplayStore } from './replay-store.js';

/**
 * @param {import('./config.js').Config} [config]
 * @param {{ signal?: AbortSignal }} [options] `signal` closes the Redis connection of REDIS_URL when it aborts.
 */
export async function createApp(config = configFromEnv(), { signal } = {}) {
  const app = Fastify();
  // Awaited, before the routes: it covers every route declared after it, and leaves setErrorHandler to you.
  await app.register(authErrors, { realm: 'orders' });
  const demo = config.demo ? await createDemoIssuer(config) : undefined;
  const bearer = jwtAuth({
    ...(demo ? { key: demo.publicKey } : { jwksUrl: config.jwksUrl, jwks: config.jwks }),
    issuer: config.issuer,
    audience: config.audience,
    algorithms: ['ES256', 'RS256'],
    typ: ['at+jwt', 'JWT'],
    // DPOP=allowed|required (config.js): DPoP-bound tokens with proofs, and DPOP_NONCE=on for server nonces.
    // PUBLIC_URL, when set, is the origin a proof's htu must name, whatever Host the client sent.
    // REDIS_URL, when set, keeps one record of used proofs for every instance (replay-store.js).
    dpop: config.dpop && {
      ...config.dpop,
      publicUrl: config.publicUrl,
      replayStore: config.redisUrl === undefined ? undefined : redisReplayStore(config.redisUrl, signal),
    },
  });
  const orders = [];

  app.get('/public', async () => ({ message: 'Anyone can read this.' }));
  // onRequest: a request without the right token is refused before its body is read.
  app.get('/orders', { onRequest: [bearer, requireScopes('orders:read')] }, async () => orders);
  app.post('/orders', { onRequest: [bearer, requireScopes('orders:write')] }, async (request, reply) => {
    const order = {
      id: orders.length + 1,
      item: String(request.body?.item ?? 'unnamed'),
      owner: bearer.auth(request).claims.sub,
    };
    orders.push(order);
    return reply.code(201).send(order);
  });
  if (demo) {
    // With a DPoP header, the token is bound to the proof's key. Its htu: this URL without the query, at
    // PUBLIC_URL's origin when set (where the guard checks proofs), else at this request's own.
    app.get('/demo/token', async (request, reply) => {
      const origin = config.publicUrl ?? `${request.protocol}://${request.host}`;
      const htu = `${origin}${request.url.split('?')[0]}`;
      const minted = await demo.mint(request.query.scope ?? 'orders:read', { proof: request.headers.dpop, htu });
      return (
        minted ??
        reply
          .code(400)
          .send({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is not valid for GET of this URL' })
      );
    });
  }

  return app;
}
