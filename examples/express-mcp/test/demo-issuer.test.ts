/**
 * The demo authorization server refuses what a real one would: codes sent to
 * another host, unknown clients and scopes, tokens for another resource, a
 * replayed code or a wrong PKCE verifier, a wrong client secret.
 */
import '@auth-errors/testing/vitest';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedMcp, serveMcp } from './mcp.js';
import { send } from './support.js';

const VERIFIER = 'a'.repeat(43);
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const REDIRECT = 'http://127.0.0.1:9/callback';

describe('the demo authorization server', () => {
  let app: ServedMcp;
  beforeAll(async () => {
    app = await serveMcp({ demo: true, host: '127.0.0.1', publicUrl: undefined });
  });
  afterAll(() => app?.close());

  const authorize = (params: Record<string, string>) =>
    send(`${app.url}/demo/authorize?${new URLSearchParams(params)}`);
  const codeRequest = (over: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: 'demo-app',
    redirect_uri: REDIRECT,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    scope: 'orders:read',
    state: 's1',
    ...over,
  });
  const token = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    send(`${app.url}/demo/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(params).toString(),
    });
  const location = (reply: { headers: { location?: string } }) => new URL(reply.headers.location ?? 'http://invalid/');

  it('never redirects to a host other than loopback, nor for an unknown client: 400, no Location', async () => {
    for (const over of [{ redirect_uri: 'https://evil.example/cb' }, { client_id: 'someone' }] as Record<
      string,
      string
    >[]) {
      const res = await authorize(codeRequest(over));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('sends other errors back to the client, with its state and the issuer (RFC 9207)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ scope: 'orders:delete' }, 'invalid_scope'],
      [{ resource: 'https://other.example/mcp' }, 'invalid_target'],
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
    ];
    for (const [over, error] of cases) {
      const redirected = location(await authorize(codeRequest(over)));
      expect(Object.fromEntries(redirected.searchParams)).toMatchObject({
        error,
        state: 's1',
        iss: `${app.baseUrl}/demo`,
      });
    }
  });

  it('a code is exchanged once, with its PKCE verifier and redirect URI', async () => {
    const code = async () => location(await authorize(codeRequest())).searchParams.get('code') as string;
    const exchange = (value: string, over: Record<string, string> = {}) =>
      token({
        grant_type: 'authorization_code',
        code: value,
        code_verifier: VERIFIER,
        redirect_uri: REDIRECT,
        client_id: 'demo-app',
        ...over,
      });
    const first = await code();
    const ok = await exchange(first);
    expect(ok.status).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.body).toMatchObject({ token_type: 'Bearer', scope: 'orders:read' });
    expect((await exchange(first)).body).toMatchObject({ error: 'invalid_grant' }); // replayed
    expect((await exchange(await code(), { code_verifier: 'b'.repeat(43) })).body).toMatchObject({
      error: 'invalid_grant',
    });
    expect((await exchange(await code(), { redirect_uri: 'http://127.0.0.1:9/other' })).status).toBe(400);
  });

  it('client credentials: a wrong secret is 401 invalid_client; another resource is invalid_target', async () => {
    const basic = (secret: string) => ({
      authorization: `Basic ${Buffer.from(`demo-service:${secret}`).toString('base64')}`,
    });
    const wrong = await token({ grant_type: 'client_credentials' }, basic('guess'));
    expect(wrong).toBeUnauthorized();
    expect(wrong.challenges).toEqual(['Basic realm="demo"']);
    expect(wrong.body).toMatchObject({ error: 'invalid_client' });
    const other = await token(
      { grant_type: 'client_credentials', resource: 'https://other.example/mcp' },
      basic('demo-secret'),
    );
    expect(other.body).toMatchObject({ error: 'invalid_target' });
    const ok = await token({ grant_type: 'client_credentials', scope: 'orders:write' }, basic('demo-secret'));
    expect(ok.body).toMatchObject({ scope: 'orders:write' });
    expect((await token({ grant_type: 'password' })).body).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('GET /demo/token refuses a scope this server does not know', async () => {
    const res = await send(`${app.url}/demo/token?scope=admin`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_scope' });
  });
});
