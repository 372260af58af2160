import { authErrors, jwtAuth, requireScopes } from '@auth-errors/koa';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { configFromEnv } from './config.js';
import { createDemoIssuer } from './demo-issuer.js';
import { redisReplayStore } from './replay-store.js';

/**
 * @param {import('./config.js').Config} [config]
 * @param {{ signal?: AbortSignal }} [options] `signal` closes the Redis connection of REDIS_URL when it aborts.
 */
export async function createApp(config = configFromEnv(), { signal } = {}) {
  const app = new Koa();
  const router = new Router();
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

  router.get('/public', (ctx) => {
    ctx.body = { message: 'Anyone can read this.' };
  });
  router.get('/orders', bearer, requireScopes('orders:read'), (ctx) => {
    ctx.body = orders;
  });
  router.post('/orders', bearer, requireScopes('orders:write'), bodyParser(), (ctx) => {
    const order = {
      id: orders.length + 1,
      item: String(ctx.request.body?.item ?? 'unnamed'),
      owner: bearer.auth(ctx).claims.sub,
    };
    orders.push(order);
    ctx.status = 201;
    ctx.body = order;
  });
  if (demo) {
    // With a DPoP header, the token is bound to the proof's key. Its htu: this URL without the query, at
    // PUBLIC_URL's origin when set (where the guard checks proofs), else at this request's own.
    router.get('/demo/token', async (ctx) => {
      const origin = config.publicUrl ?? `${ctx.protocol}://${ctx.host}`;
      const htu = `${origin}${ctx.path}`;
      const minted = await demo.mint(ctx.query.scope ?? 'orders:read', { proof: ctx.get('DPoP') || undefined, htu });
      if (minted) ctx.body = minted;
      else {
        ctx.status = 400;
        ctx.body = {
          error: 'invalid_dpop_proof',
          error_description: 'The DPoP proof is not valid for GET of this URL',
        };
      }
    });
  }

  // First: it wraps the rest and renders every auth failure; anything else is rethrown.
  app.use(authErrors({ realm: 'orders' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
