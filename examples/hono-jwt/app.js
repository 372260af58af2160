import { authErrors } from '@auth-errors/fetch';
import { Hono } from 'hono';
import { configFromEnv } from './config.js';
import { createDemoIssuer } from './demo-issuer.js';
import { redisReplayStore } from './replay-store.js';

/** A gate as Hono middleware: the problem Response it returns ends the request; undefined lets it go on. */
const gate = (check) => async (c, next) => (await check(c.req.raw)) ?? next();

/**
 * @param {import('./config.js').Config} [config]
 * @param {{ signal?: AbortSignal }} [options] `signal` closes the Redis connection of REDIS_URL when it aborts.
 */
export async function createApp(config = configFromEnv(), { signal } = {}) {
  const app = new Hono();
  const demo = config.demo ? await createDemoIssuer(config) : undefined;
  const auth = authErrors({ realm: 'orders' });
  const bearer = auth.jwtAuth({
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

  app.get('/public', (c) => c.json({ message: 'Anyone can read this.' }));
  app.get('/orders', gate(bearer), gate(auth.requireScopes('orders:read')), (c) => c.json(orders));
  app.post('/orders', gate(bearer), gate(auth.requireScopes('orders:write')), async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const order = {
      id: orders.length + 1,
      item: String(body?.item ?? 'unnamed'),
      owner: bearer.auth(c.req.raw).claims.sub,
    };
    orders.push(order);
    return c.json(order, 201);
  });
  if (demo) {
    // With a DPoP header, the token is bound to the proof's key. Its htu: this URL without the query, at
    // PUBLIC_URL's origin when set (where the guard checks proofs), else at this request's own.
    app.get('/demo/token', async (c) => {
      const url = new URL(c.req.url);
      const proof = c.req.header('DPoP');
      const htu = (config.publicUrl ?? url.origin) + url.pathname;
      const minted = await demo.mint(c.req.query('scope') ?? 'orders:read', { proof, htu });
      return minted
        ? c.json(minted)
        : c.json(
            { error: 'invalid_dpop_proof', error_description: 'The DPoP proof is not valid for GET of this URL' },
            400,
          );
    });
  }

  // Auth failures thrown anywhere (our factories, jose, http-errors) become problems; anything else is a plain 500.
  app.onError((error, c) => {
    const problem = auth.renderError(error, c.req.raw);
    if (problem) return problem;
    console.error(error);
    return c.text('Internal Server Error', 500);
  });
  return app;
}
