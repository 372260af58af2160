/**
 * What an MCP client sees over HTTP, in demo mode and against a JWKS served by
 * the test: the 401 and its challenge, the RFC 9728 document, the per-tool
 * scope check (403 `insufficient_scope`), tokens for another audience,
 * hostile `Authorization` headers, an authorization server that is down, and
 * a server behind a proxy. No token text reaches a log line.
 */
import '@auth-errors/testing/vitest';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { closedPortUrl, ISSUER, startJwks } from './jwks.js';
import { rawStatus, type ServedMcp, serveMcp } from './mcp.js';
import { type Reply, send } from './support.js';

const TYPES = 'https://auth-errors.dev/problems/';
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const DEMO = { demo: true, host: '127.0.0.1', publicUrl: undefined } as const;

const call = (id: number, name: string, args: object = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});
const rpc = (url: string, token: string | undefined, body: unknown) =>
  send(`${url}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const result = (reply: Reply) => (reply.body as { result?: { content: { text: string }[] } }).result;

/** Every line written to the console while a test runs, to check that no token reaches one. */
let logged: MockInstance[] = [];
beforeEach(() => {
  logged = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation(() => {}),
  );
});
afterEach(() => vi.restoreAllMocks());
const logLines = () => logged.flatMap((spy) => spy.mock.calls.map((args) => args.map(String).join(' ')));

describe('demo mode', () => {
  let app: ServedMcp;
  const metadataUrl = () => `${app.baseUrl}/.well-known/oauth-protected-resource/mcp`;
  const token = async (scope: string) => {
    const minted = await send(`${app.url}/demo/token?scope=${encodeURIComponent(scope)}`);
    return (minted.body as { access_token: string }).access_token;
  };
  beforeAll(async () => {
    app = await serveMcp(DEMO);
  });
  afterAll(() => app?.close());

  it('POST /mcp without a token: 401, a challenge naming the scope to request and the metadata, no error code', async () => {
    const res = await rpc(app.url, undefined, call(1, 'read_orders'));
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual([
      `Bearer realm="orders", scope="orders:read", resource_metadata="${metadataUrl()}"`,
    ]);
    // The MCP client accepts JSON and SSE, not problem+json: the same problem, as application/json (rule 1).
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({
      type: `${TYPES}credentials-required`,
      title: 'Credentials required',
      status: 401,
      detail: 'Authentication is required to access this resource',
      code: 'credentials_required',
    });
  });

  it('serves the RFC 9728 document: this MCP URL as resource, the demo issuer as its authorization server', async () => {
    const res = await send(metadataUrl());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({
      resource: `${app.baseUrl}/mcp`,
      authorization_servers: [`${app.baseUrl}/demo`],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Orders (auth-errors MCP example)',
    });
  });

  it('the demo issuer: RFC 8414 metadata where the SDK looks first, and a JWKS that verifies its tokens for this resource only', async () => {
    const metadata = await send(`${app.url}/.well-known/oauth-authorization-server/demo`);
    expect(metadata.body).toMatchObject({
      issuer: `${app.baseUrl}/demo`,
      authorization_endpoint: `${app.baseUrl}/demo/authorize`,
      token_endpoint: `${app.baseUrl}/demo/token`,
      jwks_uri: `${app.baseUrl}/demo/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
    });
    const minted = await send(`${app.url}/demo/token?scope=orders:read`);
    expect(minted.headers['cache-control']).toBe('no-store');
    expect(minted.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'orders:read',
    });
    const keys = createLocalJWKSet((await send(`${app.url}/demo/jwks.json`)).body as never);
    const { payload, protectedHeader } = await jwtVerify((minted.body as { access_token: string }).access_token, keys, {
      issuer: `${app.baseUrl}/demo`,
      audience: `${app.baseUrl}/mcp`,
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ sub: 'demo-user', scope: 'orders:read', client_id: 'demo-app' });
  });

  it('a read token lists and calls read_orders; create_order is 403 insufficient_scope naming what to ask for', async () => {
    const reader = await token('orders:read');
    expect((await rpc(app.url, reader, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(200);
    const read = await rpc(app.url, reader, call(2, 'read_orders'));
    expect(read.status).toBe(200);
    expect(result(read)?.content[0]?.text).toMatch(/^\[/);

    const write = await rpc(app.url, reader, call(3, 'create_order', { item: 'tea' }));
    expect(write).toBeForbidden();
    expect(write.challenges).toEqual([
      `Bearer realm="orders", error="insufficient_scope", scope="orders:read orders:write", resource_metadata="${metadataUrl()}"`,
    ]);
    expect(write.body).toEqual({
      type: `${TYPES}insufficient-scope`,
      title: 'Insufficient scope',
      status: 403,
      detail: 'The access token does not grant the scope this request requires',
      code: 'insufficient_scope',
      requiredScopes: ['orders:write'],
    });
  });

  it('a write-only token creates an order as its subject; reading names the scope it holds first', async () => {
    const writer = await token('orders:write');
    const created = await rpc(app.url, writer, call(1, 'create_order', { item: 'tea' }));
    expect(created.status).toBe(200);
    expect(JSON.parse(result(created)?.content[0]?.text ?? '')).toMatchObject({ item: 'tea', owner: 'demo-user' });
    const read = await rpc(app.url, writer, call(2, 'read_orders'));
    expect(read).toBeForbidden();
    expect(read).toHaveChallenge({ scheme: 'Bearer', scope: 'orders:write orders:read' });
  });

  it('a batch is checked as a whole, an unlisted tool is 403 forbidden (no challenge), and no tool call needs no scope', async () => {
    const reader = await token('orders:read');
    const batch = await rpc(app.url, reader, [call(1, 'read_orders'), call(2, 'create_order', { item: 'x' })]);
    expect(batch).toBeForbidden();
    expect(batch.body).toMatchObject({ code: 'insufficient_scope', requiredScopes: ['orders:read', 'orders:write'] });
    const unknown = await rpc(app.url, reader, call(3, 'delete_everything'));
    expect(unknown).toBeForbidden();
    expect(unknown.challenges).toEqual([]);
    expect(unknown.body).toMatchObject({ code: 'forbidden', detail: 'This tool does not exist or cannot be called' });
  });

  it('GET and DELETE /mcp: 401 without a token, 405 Allow: POST with one', async () => {
    const reader = await token('orders:read');
    for (const method of ['GET', 'DELETE']) {
      expect(await send(`${app.url}/mcp`, { method })).toBeUnauthorized();
      const res = await send(`${app.url}/mcp`, { method, headers: { authorization: `Bearer ${reader}` } });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
    }
  });

  it('a body that is not JSON: 401 without a token (never parsed), a JSON-RPC parse error with one', async () => {
    const garbage = { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc":' };
    expect(await send(`${app.url}/mcp`, garbage)).toBeUnauthorized();
    const reader = await token('orders:read');
    const res = await send(`${app.url}/mcp`, {
      ...garbage,
      headers: { ...MCP_HEADERS, authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
  });

  it('hostile Authorization headers are 400, 401 or 431, never 5xx, and never logged', async () => {
    const head = (authorization: string) =>
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
    expect(await rawStatus(app.url, head('Bearer'))).toBe(400);
    expect(await rawStatus(app.url, head('Basic YWxpY2U6d29uZGVybGFuZA=='))).toBe(401);
    expect(await rawStatus(app.url, head(`Bearer ${'a'.repeat(20_000)}`))).toBe(431);
    expect(
      await rawStatus(
        app.url,
        `POST /mcp HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      ),
    ).toBe(400);
    const value = fc.stringMatching(/^[\x20-\x7e\x80-\xff]{0,300}$/);
    const hostile = fc.oneof(
      value,
      value.map((v) => `Bearer ${v}`),
      value.map((v) => `bearer  ${v}`),
      value.map((v) => `Basic ${v}`),
      value.map((v) => `DPoP ${v}`),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (authorization) => {
        expect([400, 401, 431]).toContain(await rawStatus(app.url, head(authorization)));
      }),
      { numRuns: 150 },
    );
    expect(logLines()).toEqual([]);
  });
});

describe('with a JWKS (JWKS_URL, JWT_ISSUER)', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let app: ServedMcp;
  beforeAll(async () => {
    jwks = await startJwks();
    app = await serveMcp({ demo: false, host: '127.0.0.1', publicUrl: undefined, jwksUrl: jwks.url, issuer: ISSUER });
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('accepts a token whose audience is this MCP URL, and lists the issuer as the authorization server', async () => {
    const token = await jwks.sign({ scope: 'orders:read', aud: `${app.baseUrl}/mcp` });
    expect((await rpc(app.url, token, call(1, 'read_orders'))).status).toBe(200);
    const metadata = await send(`${app.url}/.well-known/oauth-protected-resource/mcp`);
    expect(metadata.body).toMatchObject({ resource: `${app.baseUrl}/mcp`, authorization_servers: [ISSUER] });
    expect((await send(`${app.url}/demo/token`)).status).toBe(404);
  });

  it('a token for another MCP server is 401 invalid_token, naming the scope to request; it is never logged', async () => {
    const other = await jwks.sign({ scope: 'orders:read orders:write', aud: 'https://other.example/mcp' });
    const res = await rpc(app.url, other, call(1, 'read_orders'));
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual([
      `Bearer realm="orders", error="invalid_token", error_description="The access token is not intended for this resource", scope="orders:read", resource_metadata="${app.baseUrl}/.well-known/oauth-protected-resource/mcp"`,
    ]);
    expect(res.body).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(res.text).not.toContain(other.slice(0, 20));
    expect(logLines()).toEqual([]);
  });

  it('an expired token that also lacks the scope is 401 invalid_token, never 403 (rule 10)', async () => {
    const expired = await jwks.sign(
      { scope: 'orders:read', aud: `${app.baseUrl}/mcp` },
      { exp: Math.floor(Date.now() / 1000) - 600 },
    );
    const res = await rpc(app.url, expired, call(1, 'create_order', { item: 'tea' }));
    expect(res).toBeUnauthorized();
    expect(res.body).toMatchObject({ code: 'invalid_token', detail: 'The access token expired' });
  });

  it('an authorization server that is down is 503 with Retry-After, not a 500; the log line names no token', async () => {
    const down = await serveMcp({
      demo: false,
      host: '127.0.0.1',
      publicUrl: undefined,
      jwksUrl: await closedPortUrl(),
      issuer: ISSUER,
    });
    try {
      const token = await jwks.sign({ scope: 'orders:read', aud: `${down.baseUrl}/mcp` });
      const res = await rpc(down.url, token, call(1, 'read_orders'));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.challenges).toEqual([]);
      expect(res.body).toMatchObject({ type: `${TYPES}auth-unavailable`, code: 'auth_unavailable' });
      // The key source logs the outage once, as a state change; the refused request adds no line of its own.
      expect(logLines()).toContainEqual(
        expect.stringMatching(
          /^auth-errors: JWKS at 127\.0\.0\.1:\d+ is unavailable \(\w[\w ]*\); no keys yet, JWT requests get 503$/,
        ),
      );
      expect(logLines().join('\n')).not.toContain(token.slice(0, 20));
    } finally {
      await down.close();
    }
  });
});

describe('behind a proxy: PUBLIC_URL, whatever Host and X-Forwarded-* say (rule 57)', () => {
  let app: ServedMcp;
  beforeAll(async () => {
    app = await serveMcp({ ...DEMO, publicUrl: 'https://mcp.example.com' }, 'https://mcp.example.com');
  });
  afterAll(() => app?.close());
  const spoofed = { host: 'internal:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' };

  it('the challenge, the metadata document and the demo issuer all use the public URL', async () => {
    const res = await send(`${app.url}/mcp`, { method: 'POST', headers: { ...spoofed, ...MCP_HEADERS }, body: {} });
    expect(res.challenges).toEqual([
      'Bearer realm="orders", scope="orders:read", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
    ]);
    const metadata = await send(`${app.url}/.well-known/oauth-protected-resource/mcp`, { headers: spoofed });
    expect(metadata.body).toMatchObject({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://mcp.example.com/demo'],
    });
    const token = await send(`${app.url}/demo/token?scope=orders:read`, { headers: spoofed });
    const accepted = await send(`${app.url}/mcp`, {
      method: 'POST',
      headers: {
        ...spoofed,
        ...MCP_HEADERS,
        authorization: `Bearer ${(token.body as { access_token: string }).access_token}`,
      },
      body: call(1, 'read_orders'),
    });
    expect(accepted.status).toBe(200);
  });
});
