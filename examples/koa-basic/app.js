import { authErrors, basicAuth, requireAuth } from '@auth-errors/koa';
import Router from '@koa/router';
import Koa from 'koa';
import { verifyUser } from './users.js';

export function createApp() {
  const app = new Koa();
  const router = new Router();
  const signedIn = basicAuth({ verify: verifyUser });
  const isAdmin = requireAuth((auth) => auth.principal.roles.includes('admin'));

  router.get('/public', (ctx) => {
    ctx.body = { message: 'Anyone can read this.' };
  });
  router.get('/me', signedIn, (ctx) => {
    ctx.body = ctx.state.auth.principal;
  });
  router.get('/admin', signedIn, isAdmin, (ctx) => {
    ctx.body = { message: 'Hello, administrator.' };
  });

  // First: it wraps the rest and renders every auth failure; anything else is rethrown.
  app.use(authErrors({ realm: 'example' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
