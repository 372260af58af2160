import { authErrors, basicAuth, requireAuth } from '@auth-errors/express';
import express from 'express';
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
  const app = express();
  const signedIn = basicAuth({ verify: verifyUser });
  const admin = requireAuth(isAdmin);

  app.get('/public', (_req, res) => res.json({ message: 'Anyone can read this.' }));
  app.get('/me', signedIn, (req, res) => res.json(signedIn.auth(req).principal));
  app.get('/admin', signedIn, admin, (_req, res) => res.json({ message: 'Hello, administrator.' }));

  // After the routes: renders every auth failure; anything else goes on to Express.
  app.use(authErrors({ realm: 'example' }));
  return app;
}
