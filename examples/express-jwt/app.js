import { authErrors, jwtAuth, requireScopes } from '@auth-errors/express';
import express from 'express';
import { configFromEnv } from './config.js';
import { createDemoIssuer } from './demo-issuer.js';
import { redisReplayStore } from './replay-store.js';

/**
 * @param {import('./config.js').Config} [config]
 * @param {{ signal?: AbortSignal }} [options] `signal` closes the Redis connection of REDIS_URL when it aborts.
 */
export async function createApp(config = configFromEnv(), { signal } = {}) {
  const app = express();
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

  app.get('/public', (_req, res) => res.json({ message: 'Anyone can read this.' }));
  app.get('/orders', bearer, requireScopes('orders:read'), (_req, res) => res.json(orders));
  app.post('/orders', bearer, requireScopes('orders:write'), express.json(), (req, res) => {
    const order = {
      id: orders.length + 1,
      item: String(req.body?.item ?? 'unnamed'),
      owner: bearer.auth(req).claims.sub,
    };
    orders.push(order);
    res.status(201).json(order);
  });
  if (demo) {
    // With a DPoP header, the token is bound to the proof's key. Its htu: this URL without the query, at
    // PUBLIC_URL's origin when set (where the guard checks proofs), else at this request's own.
    app.get('/demo/token', async (req, res) => {
      const origin = config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
      const htu = `${origin}${req.path}`;
      const minted = await demo.mint(req.query.scope ?? 'orders:read', { proof: req.get('DPoP'), htu });
      if (minted) res.json(minted);
      else
        res
          .status(400)
          .json({ error: 'invalid_dpop_proof', error_description: 'The DPoP proof is not valid for GET of this URL' });
    });
  }

  // After the routes: renders every auth failure; anything else goes on to Express.
  app.use(authErrors({ realm: 'orders' }));
  return app;
}
