/**
 * koa-jwt (`jwt({ secret })`) behind `authErrors()`, on Koa 3 and Koa 2:
 * koa-jwt's `ctx.throw(401, …, { originalError })` becomes the right problem
 * and challenge, and none of jsonwebtoken's messages reach the client.
 */
import { authErrors } from '@auth-errors/koa';
import jwt from 'koa-jwt';
import { describe, expect, it } from 'vitest';
import { koaVersions } from '../../../test/support/apps.js';
import { type Expected, expectResponse, plain } from '../../../test/support/contract-cases.js';
import { rawRequest, serve } from '../../../test/support/http.js';
import { createSigner, nowSeconds } from '../../../test/support/tokens.js';

const signer = createSigner('HS256', { secret: 'a-koa-jwt-shared-secret-of-32-bytes!' });
const stranger = createSigner('HS256', { secret: 'another-secret-that-is-32-bytes-long!' });
const now = nowSeconds();
const sign = (claims: Record<string, unknown>, by = signer) => by.sign({ sub: 'user-1', iat: now - 7200, ...claims });

describe.each(koaVersions)('%s', (_name, Koa) => {
  async function start() {
    const koa = new Koa();
    koa.use(authErrors());
    koa.use(
      jwt({
        secret: signer.verifyKey,
        isRevoked: async (_ctx, token) => (token as { jti?: string }).jti === 'revoked',
      }),
    );
    koa.use((ctx) => {
      ctx.body = { sub: (ctx.state.user as { sub: string }).sub };
    });
    return serve(koa.callback());
  }

  const cases: [string, () => Promise<string | undefined>, Expected][] = [
    ['no token', async () => undefined, plain.unauthorized()],
    ['malformed header (Bearer with no token)', async () => 'Bearer', plain.invalidRequest()],
    ['token that is not a JWT', async () => 'Bearer abc', plain.invalidToken()],
    [
      'token signed with another secret',
      async () => `Bearer ${await sign({ exp: now + 600 }, stranger)}`,
      plain.invalidToken(),
    ],
    [
      'expired token',
      async () => `Bearer ${await sign({ exp: now - 600 })}`,
      plain.invalidToken('The access token expired'),
    ],
    [
      'token not valid yet',
      async () => `Bearer ${await sign({ exp: now + 6000, nbf: now + 3000 })}`,
      plain.invalidToken('The access token is not valid yet'),
    ],
    [
      'revoked token',
      async () => `Bearer ${await sign({ exp: now + 600, jti: 'revoked' })}`,
      plain.invalidToken('The access token was revoked'),
    ],
  ];

  it.each(cases)('%s', async (_label, authorization, expected) => {
    const value = await authorization();
    const res = await rawRequest(await start(), {
      path: '/orders',
      headers: value === undefined ? [] : [['Authorization', value]],
    });
    expectResponse(res, expected);
    // jsonwebtoken's and koa-jwt's own words never reach the client.
    expect(res.body).not.toMatch(/jwt|Authentication Error|Bad Authorization|signature|secret/i);
  });

  it('a valid token reaches the route with ctx.state.user', async () => {
    const token = await sign({ exp: now + 600 });
    const res = await rawRequest(await start(), { path: '/orders', headers: [['Authorization', `Bearer ${token}`]] });
    expect([res.status, JSON.parse(res.body)]).toEqual([200, { sub: 'user-1' }]);
  });

  it('HEAD with an expired token: the challenge and no body bytes', async () => {
    const token = await sign({ exp: now - 600 });
    const res = await rawRequest(await start(), {
      method: 'HEAD',
      path: '/orders',
      headers: [['Authorization', `Bearer ${token}`]],
    });
    expectResponse(res, plain.invalidToken('The access token expired'), 'HEAD');
  });
});
