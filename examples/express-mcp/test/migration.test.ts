/**
 * "From the MCP SDK's requireBearerAuth" (docs/migrating.md): the same
 * requests against the SDK's middleware (1.32) with a typical jose verifier,
 * and against jwtAuth + authErrors, so that what that page says changes for
 * clients is what these two really send.
 */

import { authErrors, jwtAuth, requireScopes } from '@auth-errors/express';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import express, { type RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl, ISSUER, startJwks } from './jwks.js';
import { type Served, send, serve } from './support.js';

// Loaded without its types: they declare `req.auth` on every Express request of
// the program, and this repository type-checks its tests together with one that
// uses express-oauth2-jwt-bearer, which declares its own `req.auth`.
const BEARER_AUTH: string = '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
const { requireBearerAuth } = (await import(BEARER_AUTH)) as {
  requireBearerAuth(options: {
    verifier: { verifyAccessToken(token: string): Promise<unknown> };
    requiredScopes?: string[];
    resourceMetadataUrl?: string;
  }): RequestHandler;
};

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

/**
 * Before: the SDK's middleware, with the verifier MCP servers usually write
 * around jose: jose's errors thrown as they are, or (`wrap`) turned into the
 * SDK's InvalidTokenError with jose's message.
 */
function withSdk(jwksUrl: string, wrap = false) {
  const keys = createRemoteJWKSet(new URL(jwksUrl));
  const verify = async (token: string) => {
    try {
      return await jwtVerify(token, keys, { issuer: ISSUER, audience: RESOURCE });
    } catch (error) {
      throw wrap ? new InvalidTokenError((error as Error).message) : error;
    }
  };
  const verifier = {
    async verifyAccessToken(token: string) {
      const { payload } = await verify(token);
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
      return { token, clientId: String(payload.client_id), scopes, expiresAt: payload.exp };
    },
  };
  const app = express();
  const write = requireBearerAuth({ verifier, requiredScopes: ['orders:write'], resourceMetadataUrl: METADATA });
  app.post('/mcp', write, (_req, res) => res.json({ ok: true }));
  return app;
}

/** After: jwtAuth + requireScopes, and authErrors after the routes. */
function withAuthErrors(jwksUrl: string) {
  const app = express();
  const bearer = jwtAuth({ jwksUrl, issuer: ISSUER, audience: RESOURCE, challengeScope: ['orders:read'] });
  app.post('/mcp', bearer, requireScopes('orders:write'), (_req, res) => res.json({ ok: true }));
  app.use(authErrors({ realm: 'orders', resourceMetadata: METADATA }));
  return app;
}

describe('from requireBearerAuth to jwtAuth: what clients see', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let sdk: Served;
  let ours: Served;
  let sdkDown: Served;
  let oursDown: Served;
  let sdkWrapped: Served;
  beforeAll(async () => {
    jwks = await startJwks();
    const down = await closedPortUrl();
    [sdk, ours, sdkDown, oursDown, sdkWrapped] = await Promise.all([
      serve(withSdk(jwks.url)),
      serve(withAuthErrors(jwks.url)),
      serve(withSdk(down)),
      serve(withAuthErrors(down)),
      serve(withSdk(jwks.url, true)),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sdk, ours, sdkDown, oursDown, sdkWrapped].map((s) => s?.close()));
    await jwks?.close();
  });
  const post = (server: Served, token?: string) =>
    send(`${server.url}/mcp`, { method: 'POST', headers: token ? { authorization: token } : {} });

  it('no credentials: invalid_token before; a challenge without error information after (RFC 6750 §3.1)', async () => {
    const [was, is] = [await post(sdk), await post(ours)];
    expect([was.status, was.challenges]).toEqual([
      401,
      [
        `Bearer error="invalid_token", error_description="Missing Authorization header", scope="orders:write", resource_metadata="${METADATA}"`,
      ],
    ]);
    expect(was.body).toEqual({ error: 'invalid_token', error_description: 'Missing Authorization header' });
    expect([is.status, is.challenges]).toEqual([
      401,
      [`Bearer realm="orders", scope="orders:read", resource_metadata="${METADATA}"`],
    ]);
    expect(is.body).toMatchObject({ code: 'credentials_required' });
  });

  it('an expired token: 500 before (jose error thrown as is); 401 invalid_token after, so the client re-authorizes', async () => {
    const expired = `Bearer ${await jwks.sign({ aud: RESOURCE, scope: 'orders:write' }, { exp: Math.floor(Date.now() / 1000) - 600 })}`;
    const [was, is] = [await post(sdk, expired), await post(ours, expired)];
    expect([was.status, was.challenges, was.body]).toEqual([
      500,
      [],
      { error: 'server_error', error_description: 'Internal Server Error' },
    ]);
    expect([is.status, is.body]).toEqual([401, expect.objectContaining({ code: 'invalid_token' })]);
  });

  it('the authorization server unreachable: 500 before; 503 with Retry-After after, and the token is kept', async () => {
    const token = `Bearer ${await jwks.sign({ aud: RESOURCE, scope: 'orders:write' })}`;
    const [was, is] = [await post(sdkDown, token), await post(oursDown, token)];
    expect(was.status).toBe(500);
    expect([is.status, is.headers['retry-after'], is.challenges]).toEqual([503, '5', []]);
  });

  it('Basic credentials: invalid_token before; credentials_required after (an unsupported scheme is no credentials)', async () => {
    const userAndPassword = 'a:b';
    const basic = `Basic ${Buffer.from(userAndPassword).toString('base64')}`;
    expect((await post(sdk, basic)).body).toMatchObject({ error: 'invalid_token' });
    expect((await post(ours, basic)).body).toMatchObject({ code: 'credentials_required' });
  });

  it('a missing scope: 403 insufficient_scope in both, with the realm and a problem body after', async () => {
    const reader = `Bearer ${await jwks.sign({ aud: RESOURCE, scope: 'orders:read' })}`;
    const [was, is] = [await post(sdk, reader), await post(ours, reader)];
    expect([was.status, was.challenges]).toEqual([
      403,
      [
        `Bearer error="insufficient_scope", error_description="Insufficient scope", scope="orders:write", resource_metadata="${METADATA}"`,
      ],
    ]);
    expect([is.status, is.challenges]).toEqual([
      403,
      [`Bearer realm="orders", error="insufficient_scope", scope="orders:write", resource_metadata="${METADATA}"`],
    ]);
  });

  it('a verifier message: copied into the header unescaped before (a quote breaks the challenge); a fixed text after', async () => {
    const other = `Bearer ${await jwks.sign({ aud: 'https://other.example/mcp', scope: 'orders:write' })}`;
    const was = await post(sdkWrapped, other);
    expect(was.status).toBe(401);
    expect(was.challenges[0]).toContain('error_description="unexpected "aud" claim value"');
    const is = await post(ours, other);
    expect(is.challenges[0]).toContain('error_description="The access token is not intended for this resource"');
  });
});
