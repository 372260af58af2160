/**
 * Types that flow on Express, checked by the compiler (test/types.test.ts runs
 * tsc on this folder with `strict` and `skipLibCheck: false`): the
 * principal's type goes from the guard to the handler with no cast.
 * `@ts-expect-error` lines prove that misuse does not compile.
 */
import * as expressAuth from '@auth-errors/express';
import express from 'express';
import type { JWTPayload } from 'jose';
import { expectTypeOf } from 'vitest';

interface OrderClaims {
  readonly roles?: readonly string[];
  readonly tenant: string;
}
interface Staff {
  readonly id: number;
  readonly roles: readonly string[];
}

// Express: jwtAuth with the application's claims.
const app = express();
const bearer = expressAuth.jwtAuth<OrderClaims>({ jwksUrl: 'https://as.example/jwks', issuer: 'i', audience: 'a' });
app.get('/orders', bearer, expressAuth.requireScopes('orders:read'), (req, res) => {
  const auth = bearer.auth(req);
  expectTypeOf(auth.claims).toEqualTypeOf<JWTPayload & OrderClaims>();
  expectTypeOf(auth.claims.tenant).toEqualTypeOf<string>();
  expectTypeOf(auth.claims.sub).toEqualTypeOf<string | undefined>();
  expectTypeOf(auth.principal).toEqualTypeOf<JWTPayload & OrderClaims>();
  expectTypeOf(auth.scopes).toEqualTypeOf<readonly string[]>();
  res.json({ tenant: auth.claims.tenant });
});

// Express: Basic, the principal inferred from verify's return type.
const staff = expressAuth.basicAuth({
  verify: async (user, password): Promise<Staff | false> =>
    user === 'ann' && expressAuth.safeEqual(password, 'pw') ? { id: 1, roles: ['admin'] } : false,
});
app.get('/staff', staff, (req, res) => {
  expectTypeOf(staff.auth(req).principal).toEqualTypeOf<Staff>();
  res.json({ id: staff.auth(req).principal.id });
});

// Basic verify returning a boolean: the principal is { user }.
const simple = expressAuth.basicAuth({ verify: (_user, password) => expressAuth.safeEqual(password, 'pw') });
app.get('/me', simple, (req, res) => {
  expectTypeOf(simple.auth(req).principal).toEqualTypeOf<{ user: string }>();
  res.json(simple.auth(req).principal.user);
});

// Opaque Bearer: an object principal flows, `true` gives an empty principal.
const service = expressAuth.bearerAuth({ verify: async (token) => (token === 't' ? { client: 'billing' } : null) });
app.get('/svc', service, (req, res) => {
  expectTypeOf(service.auth(req).principal).toEqualTypeOf<{ client: string }>();
  res.end();
});

// A verify that answers with an AuthError (a revoked token): the error is never part of the principal's type.
const revocable = expressAuth.bearerAuth({
  verify: async (token) => (token === 'revoked' ? expressAuth.invalidToken() : { client: 'billing' }),
});
app.get('/rev', revocable, (req, res) => {
  expectTypeOf(revocable.auth(req).principal).toEqualTypeOf<{ client: string }>();
  res.end();
});

// The untyped accessor: possibly absent, principal unknown.
app.get('/any', (req, res) => {
  expectTypeOf(expressAuth.authOf(req)).toEqualTypeOf<expressAuth.AuthInfo | undefined>();
  res.end();
});

// A policy sees claims as JWTPayload, whose unknown members must be narrowed.
expressAuth.requireAuth((auth) => {
  const roles = auth.claims?.roles;
  // @ts-expect-error roles is unknown: it must be narrowed before use
  roles.includes('admin');
  return Array.isArray(roles) && roles.includes('admin');
});

// A principal must be an object: verify cannot return a string.
expressAuth.bearerAuth({
  // @ts-expect-error a string is not a Verdict
  verify: () => 'user-1',
});

// Extension members: JSON primitives only, and the function gets Express's req.
expressAuth.authErrors({ extensions: (req) => ({ traceId: String(req.get('x-request-id') ?? '') }) });
// @ts-expect-error an object is not an extension value
expressAuth.authErrors({ extensions: { links: { self: '/x' } } });

// A guard's accessor takes an Express request, nothing else.
// @ts-expect-error a plain object is not an Express request
bearer.auth({ state: {} });
