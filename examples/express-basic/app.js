import { authErrors, basicAuth, requireAuth } from '@auth-errors/express';
import express from 'express';
import { verifyUser } from './users.js';

export function createApp() {
  const app = express();
  const signedIn = basicAuth({ verify: verifyUser });
  const isAdmin = requireAuth((auth) => auth.principal.roles.includes('admin'));

  app.get('/public', (_req, res) => res.json({ message: 'Anyone can read this.' }));
  app.get('/me', signedIn, (req, res) => res.json(req.auth.principal));
  app.get('/admin', signedIn, isAdmin, (_req, res) => res.json({ message: 'Hello, administrator.' }));

  // After the routes: renders every auth failure; anything else goes on to Express.
  app.use(authErrors({ realm: 'example' }));
  return app;
}
