// DPoP benchmark server (Express 5), one process per variant, all on HS256
// access tokens from shared.mjs and ES256 proofs:
//   bearer     auth-errors jwtAuth, Bearer tokens (the baseline)
//   dpop       auth-errors jwtAuth with dpop: { mode: 'required' } (in-process replay store)
//   eojb-dpop  express-oauth2-jwt-bearer 1.x with dpop: { enabled: true, required: true }
// Each answers GET /orders with 200 and a small JSON body.
import { createServer } from 'node:http';
import { authErrors, jwtAuth } from '@auth-errors/express';
import express from 'express';
import { AUDIENCE, ISSUER, listen, SECRET } from './shared.mjs';

const variant = process.argv[2];
const app = express();
const ok = (_req, res) => res.json({ ok: true });
const base = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] };

if (variant === 'bearer') {
  app.get('/orders', jwtAuth(base), ok);
  app.use(authErrors());
} else if (variant === 'dpop') {
  app.get('/orders', jwtAuth({ ...base, dpop: { mode: 'required', algorithms: ['ES256'] } }), ok);
  app.use(authErrors());
} else if (variant === 'eojb-dpop') {
  const { auth } = await import('express-oauth2-jwt-bearer');
  const guard = auth({
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    tokenSigningAlg: 'HS256',
    dpop: { enabled: true, required: true },
  });
  app.get('/orders', guard, ok);
  app.use((err, _req, res, _next) => res.status(err.status ?? 500).json({ error: err.code ?? 'error' }));
} else {
  throw new Error(`unknown variant ${variant}`);
}
listen(createServer(app));
