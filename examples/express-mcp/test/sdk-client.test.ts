/**
 * The MCP TypeScript SDK's own client (@modelcontextprotocol/sdk 1.32) against
 * this example, started with `npm start --workspace examples/express-mcp`
 * (DEMO=1): its discovery reads our 401 challenge, fetches the RFC 9728
 * document it names and the demo authorization server's RFC 8414 metadata,
 * authorizes with the scope our challenge names, connects, lists and calls
 * tools, and steps up on our 403 `insufficient_scope`.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoAppProvider, type Recorded, recordingFetch } from './mcp.js';
import { startExample } from './start.js';
import type { Started } from './support.js';

const text = (result: unknown) => (result as { content: { type: string; text: string }[] }).content[0]?.text;

describe('the MCP SDK client against npm start (DEMO=1)', () => {
  let server: Started;
  let mcp: URL;
  beforeAll(async () => {
    server = await startExample({ DEMO: '1', PUBLIC_URL: '' });
    mcp = new URL(`${server.url}/mcp`);
  }, 60_000);
  afterAll(() => server?.stop());

  const connected = async (provider: DemoAppProvider | ClientCredentialsProvider, fetchFn: typeof fetch) => {
    const client = new Client({ name: 'auth-errors-tests', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcp, { authProvider: provider, fetch: fetchFn }));
    return client;
  };
  const seen = (requests: Recorded[]) => requests.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.status}`);

  it('interactive app: 401 → metadata → authorization server → code with our scope → tools; 403 → step-up → the write works', async () => {
    const provider = new DemoAppProvider();
    const { fetch: recording, requests } = recordingFetch();

    // 1. No token: connect() meets our 401 and runs the SDK's discovery, ending at the authorization URL.
    const first = new StreamableHTTPClientTransport(mcp, { authProvider: provider, fetch: recording });
    await expect(new Client({ name: 't', version: '1' }).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
    expect(seen(requests)).toEqual([
      'POST /mcp 401',
      'GET /.well-known/oauth-protected-resource/mcp 200',
      'GET /.well-known/oauth-authorization-server/demo 200',
    ]);
    expect(requests[0]?.wwwAuthenticate).toBe(
      `Bearer realm="orders", scope="orders:read", resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    const asked = provider.authorizationUrls[0] as URL;
    expect(`${asked.origin}${asked.pathname}`).toBe(`${server.url}/demo/authorize`);
    expect(Object.fromEntries(asked.searchParams)).toMatchObject({
      client_id: 'demo-app',
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'orders:read', // from our 401's scope parameter
      resource: `${server.url}/mcp`, // RFC 8707: the resource of our metadata document
    });

    // 2. The code the demo granted, exchanged by the SDK (PKCE, resource); then the tools.
    await first.finishAuth(provider.code as string);
    expect(provider.tokens()?.scope).toBe('orders:read');
    const client = await connected(provider, recording);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['create_order', 'read_orders']);
    expect(text(await client.callTool({ name: 'read_orders', arguments: {} }))).toBe('[]');

    // 3. A write with the read-only token: our 403 names the scopes to ask for, and the SDK asks for exactly those.
    requests.length = 0;
    await expect(client.callTool({ name: 'create_order', arguments: { item: 'tea' } })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const refused = requests.find((r) => r.status === 403);
    expect(refused?.wwwAuthenticate).toBe(
      `Bearer realm="orders", error="insufficient_scope", scope="orders:read orders:write", resource_metadata="${server.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(provider.authorizationUrls[1]?.searchParams.get('scope')).toBe('orders:read orders:write');

    // 4. After the step-up the same client writes, and can still read.
    const transport = client.transport as StreamableHTTPClientTransport;
    await transport.finishAuth(provider.code as string);
    expect(provider.tokens()?.scope).toBe('orders:read orders:write');
    const order = JSON.parse(text(await client.callTool({ name: 'create_order', arguments: { item: 'tea' } })) ?? '');
    expect(order).toEqual({ id: 1, item: 'tea', owner: 'demo-user' });
    expect(JSON.parse(text(await client.callTool({ name: 'read_orders', arguments: {} })) ?? '')).toEqual([order]);
    await client.close();
  });

  it('client credentials: the SDK finds the token endpoint and gets a token for this resource; a write is 403', async () => {
    const provider = new ClientCredentialsProvider({
      clientId: 'demo-service',
      clientSecret: 'demo-secret',
      expectedIssuer: `${server.url}/demo`,
      scope: 'orders:read',
    });
    const { fetch: recording, requests } = recordingFetch();
    const client = await connected(provider, recording);
    const token = requests.find((r) => r.method === 'POST' && r.url.endsWith('/demo/token'));
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'orders:read',
      resource: `${server.url}/mcp`,
    });
    expect(text(await client.callTool({ name: 'read_orders', arguments: {} }))).toMatch(/^\[/);

    // SDK 1.32.2 records the challenged scope, but a client-credentials token request sends the
    // provider's configured scope: the retry gets the same read-only token and the SDK gives up with the 403.
    const refused = client.callTool({ name: 'create_order', arguments: { item: 'tea' } });
    await expect(refused).rejects.toBeInstanceOf(StreamableHTTPError);
    await expect(refused).rejects.toMatchObject({ code: 403 });
    const challenges = requests.filter((r) => r.status === 403).map((r) => r.wwwAuthenticate);
    expect(challenges[0]).toMatch(
      /^Bearer realm="orders", error="insufficient_scope", scope="orders:read orders:write"/,
    );
    await client.close();
  });

  it('prints no token in any line of its output', () => {
    expect(server.output()).not.toMatch(/eyJ[\w-]{10,}/);
  });
});
