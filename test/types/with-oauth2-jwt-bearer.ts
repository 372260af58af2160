/**
 * Migrating from express-oauth2-jwt-bearer means running both side by side.
 * Its types augment Express's `req.auth`; ours augment nothing, so one
 * program using both compiles with `skipLibCheck: false`, and each library's
 * result keeps its own type.
 */
import { authErrors, jwtAuth, requireScopes } from '@auth-errors/express';
import express from 'express';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { expectTypeOf } from 'vitest';

const app = express();
const legacy = auth({ issuerBaseURL: 'https://as.example', audience: 'https://api.example' });
const bearer = jwtAuth({
  jwksUrl: 'https://as.example/jwks',
  issuer: 'https://as.example',
  audience: 'https://api.example',
});

app.get('/old', legacy, requiredScopes('read'), (req, res) => {
  res.json({ sub: req.auth?.payload.sub });
});
app.get('/new', bearer, requireScopes('read'), (req, res) => {
  expectTypeOf(bearer.auth(req).claims.sub).toEqualTypeOf<string | undefined>();
  res.json({ sub: bearer.auth(req).claims.sub });
});
app.use(authErrors());
