/**
 * koa-jwt (`jwt({ secret })`) behind `authErrors()`, on Koa 3 and Koa 2:
 * koa-jwt's `ctx.throw(401, …, { originalError })` becomes the right problem
 * and challenge, and none of jsonwebtoken's messages reach the client.
 */
import { authErrors } from '@auth-errors/koa';
import { SignJWT } from 'jose';
import jwt from 'koa-jwt';
import { describe, expect, it } from 'vitest';
import { header, headerLines, koaVersions, PROBLEM, rawRequest, serve, TYPE_BASE, UNAUTHORIZED } from './helpers.js';

const SECRET = 'a-koa-jwt-shared-secret-of-32-bytes!';
const now = Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT({ sub: 'user-1', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now - 7200)
    .sign(new TextEncoder().encode(secret));
}

const invalidToken = (detail: string) => ({
  status: 401,
  challenges: [`Bearer realm="api", error="invalid_token", error_description="${detail}"`],
  body: {
    type: `${TYPE_BASE}invalid-token`,
    title: 'Invalid access token',
    status: 401,
    detail,
    code: 'invalid_token',
  },
});

describe.each(koaVersions)('%s', (_name, Koa) => {
  async function start() {
    const koa = new Koa();
    koa.use(authErrors());
    koa.use(jwt({ secret: SECRET, isRevoked: async (_ctx, token) => (token as { jti?: string }).jti === 'revoked' }));
    koa.use((ctx) => {
      ctx.body = { sub: (ctx.state.user as { sub: string }).sub };
    });
    return serve(koa);
  }

  const cases: [string, () => Promise<string | undefined>, { status: number; challenges: string[]; body: unknown }][] =
    [
      ['no token', async () => undefined, { status: 401, challenges: ['Bearer realm="api"'], body: UNAUTHORIZED }],
      [
        'malformed header (Bearer with no token)',
        async () => 'Bearer',
        {
          status: 400,
          challenges: [
            'Bearer realm="api", error="invalid_request", error_description="The authentication information in the request is malformed"',
          ],
          body: {
            type: `${TYPE_BASE}invalid-request`,
            title: 'Invalid authentication request',
            status: 400,
            detail: 'The authentication information in the request is malformed',
            code: 'invalid_request',
          },
        },
      ],
      ['token that is not a JWT', async () => 'Bearer abc', invalidToken('The access token is not valid')],
      [
        'token signed with another secret',
        async () => `Bearer ${await sign({ exp: now + 600 }, 'another-secret-that-is-32-bytes-long!')}`,
        invalidToken('The access token is not valid'),
      ],
      [
        'expired token',
        async () => `Bearer ${await sign({ exp: now - 600 })}`,
        invalidToken('The access token expired'),
      ],
      [
        'token not valid yet',
        async () => `Bearer ${await sign({ exp: now + 6000, nbf: now + 3000 })}`,
        invalidToken('The access token is not valid yet'),
      ],
      [
        'revoked token',
        async () => `Bearer ${await sign({ exp: now + 600, jti: 'revoked' })}`,
        invalidToken('The access token was revoked'),
      ],
    ];

  it.each(cases)('%s', async (_label, authorization, expected) => {
    const port = await start();
    const value = await authorization();
    const res = await rawRequest(port, {
      path: '/orders',
      headers: value === undefined ? [] : [['Authorization', value]],
    });
    expect({
      status: res.status,
      challenges: headerLines(res, 'www-authenticate'),
      body: JSON.parse(res.body),
    }).toEqual(expected);
    expect(header(res, 'content-type')).toBe(PROBLEM);
    expect(header(res, 'cache-control')).toBe('no-store');
    // jsonwebtoken's and koa-jwt's own words never reach the client.
    expect(res.body).not.toMatch(/jwt|Authentication Error|Bad Authorization|signature|secret/i);
  });

  it('a valid token reaches the route with ctx.state.user', async () => {
    const port = await start();
    const token = await sign({ exp: now + 600 });
    const res = await rawRequest(port, { path: '/orders', headers: [['Authorization', `Bearer ${token}`]] });
    expect([res.status, JSON.parse(res.body)]).toEqual([200, { sub: 'user-1' }]);
  });

  it('HEAD with an expired token: the challenge and no body bytes', async () => {
    const port = await start();
    const token = await sign({ exp: now - 600 });
    const res = await rawRequest(port, {
      method: 'HEAD',
      path: '/orders',
      headers: [['Authorization', `Bearer ${token}`]],
    });
    expect(res.status).toBe(401);
    expect(headerLines(res, 'www-authenticate')).toEqual(invalidToken('The access token expired').challenges);
    expect(res.rawBody.length).toBe(0);
  });
});
