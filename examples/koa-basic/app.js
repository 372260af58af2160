import { authErrors, basicAuth, requireAuth } from '@auth-errors/koa';
import Router from '@koa/router';
import Koa from 'koa';
import { verifyUser } from './users.js';

/**
 * The policy of GET /admin: roles must be an array that lists 'admin'. A
 * string's includes() is a substring search ('not-admin' would pass), and a
 * principal without roles must not pass either.
 */
export function isAdmin(auth) {
  const roles = auth.principal?.roles;
  return Array.isArray(roles) && roles.includes('admin');
}

export function createApp() {
  const app = new Koa();
  const router = new Router();
  const signedIn = basicAuth({ verify: verifyUser });
  const admin = requireAuth(isAdmin);

  router.get('/public', (ctx) => {
    ctx.body = { message: 'Anyone can read this.' };
  });
  router.get('/me', signedIn, (ctx) => {
    ctx.body = signedIn.auth(ctx).principal;
  });
  router.get('/admin', signedIn, admin, (ctx) => {
    ctx.body = { message: 'Hello, administrator.' };
  });

  // First: it wraps the rest and renders every auth failure; anything else is rethrown.
  app.use(authErrors({ realm: 'example' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
