import { authErrors, jwtAuth, requireScopes } from '@auth-errors/koa';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { configFromEnv } from './config.js';
import { createDemoIssuer } from './demo-issuer.js';

export async function createApp(config = configFromEnv()) {
  const app = new Koa();
  const router = new Router();
  const demo = config.demo ? await createDemoIssuer(config) : undefined;
  const bearer = jwtAuth({
    ...(demo ? { key: demo.publicKey } : { jwksUrl: config.jwksUrl, jwks: config.jwks }),
    issuer: config.issuer,
    audience: config.audience,
    algorithms: ['ES256', 'RS256'],
    typ: ['at+jwt', 'JWT'],
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
    router.get('/demo/token', async (ctx) => {
      ctx.body = await demo.mint(ctx.query.scope ?? 'orders:read');
    });
  }

  // First: it wraps the rest and renders every auth failure; anything else is rethrown.
  app.use(authErrors({ realm: 'orders' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
