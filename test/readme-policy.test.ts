/**
 * The README's admin policy is a line people copy: run it, as written, on
 * every shape a `roles` claim takes in the wild (an array, a string, absent,
 * something else). A string must never pass: its `includes` is a substring
 * search, true for "not-admin".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authErrors, jwtAuth, requireAuth } from '@auth-errors/express';
import express from 'express';
import { SignJWT } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/examples.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const documented = /^const isAdmin = requireAuth\((.*)\);$/m.exec(readme)?.[1];

type Policy = (auth: { claims?: Record<string, unknown> }) => unknown;
const policy = () => new Function(`return (${documented});`)() as Policy;

const ADMIN = [['admin'], ['reader', 'admin']];
const NOT_ADMIN = [
  'admin',
  'not-admin',
  'administrators',
  ['not-admin'],
  [],
  null,
  undefined,
  42,
  { includes: () => true },
];

describe("README's admin policy", () => {
  it('is in the README as one requireAuth line', () => {
    expect(documented).toMatch(/^\(auth\) => /);
  });

  it("allows a roles array that lists 'admin', and nothing else", () => {
    for (const roles of ADMIN) expect(policy()({ claims: { roles } }), JSON.stringify(roles)).toBe(true);
    for (const roles of NOT_ADMIN) expect(policy()({ claims: { roles } }), String(JSON.stringify(roles))).toBe(false);
    expect(policy()({ claims: {} })).toBe(false);
    expect(policy()({})).toBe(false); // Basic and opaque-token callers have no claims
  });

  it('behind jwtAuth: 204 for roles ["admin"], 403 forbidden for roles "not-admin", a string or none', async () => {
    const secret = new TextEncoder().encode('a test secret of at least 32 bytes!!');
    const app = express();
    app.delete(
      '/orders/:id',
      jwtAuth({ secret, issuer: 'https://issuer.test', audience: 'https://api.test' }),
      requireAuth(policy() as Parameters<typeof requireAuth>[0]),
      (_req, res) => res.status(204).end(),
    );
    app.use(authErrors({ realm: 'orders' }));
    const bearer = async (claims: Record<string, unknown>) =>
      `Bearer ${await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://issuer.test')
        .setAudience('https://api.test')
        .setExpirationTime('5m')
        .sign(secret)}`;

    const admin = await request(app)
      .delete('/orders/1')
      .set('Authorization', await bearer({ roles: ['admin'] }));
    expect(admin.status).toBe(204);
    for (const claims of [{ roles: 'not-admin' }, { roles: 'admin' }, { roles: ['not-admin'] }, {}]) {
      const res = await request(app)
        .delete('/orders/1')
        .set('Authorization', await bearer(claims));
      expect(res.status, JSON.stringify(claims)).toBe(403);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(JSON.parse(res.text)).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });
});
