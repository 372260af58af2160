import { authErrors, jwtAuth, resourceMetadata } from '@auth-errors/express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express from 'express';
import { createDemoIssuer } from './demo-issuer.js';
import { createOrdersServer, SCOPES, TOOL_SCOPES } from './mcp-server.js';
import { redisReplayStore } from './replay-store.js';
import { requireToolScopes } from './tool-scopes.js';

/** What a client with no token is told to ask for (the 401's `scope`): the read scope; writing steps up. */
const FIRST_SCOPES = ['orders:read'];

/**
 * @param {import('./config.js').Config & { baseUrl: string }} config
 *   `baseUrl`: the URL clients reach this server at (config.js `baseUrl()`).
 * @param {{ signal?: AbortSignal }} [options] `signal` closes the Redis connection of REDIS_URL when it aborts.
 */
export async function createApp(config, { signal } = {}) {
  // The MCP endpoint's URL: the RFC 9728 resource and the audience of every token (RFC 8707).
  const resource = `${config.baseUrl}/mcp`;
  const demo = config.demo
    ? await createDemoIssuer({ issuer: `${config.baseUrl}/demo`, audience: resource, scopes: SCOPES })
    : undefined;
  const issuer = demo?.issuer ?? config.issuer;
  const metadata = resourceMetadata({
    publicUrl: config.baseUrl,
    resource: '/mcp',
    authorizationServers: [issuer],
    scopesSupported: SCOPES,
    resourceName: 'Orders (auth-errors MCP example)',
  });
  const bearer = jwtAuth({
    ...(demo ? { key: demo.publicKey } : { jwksUrl: config.jwksUrl }),
    issuer,
    audience: resource,
    algorithms: ['ES256', 'RS256'],
    typ: ['at+jwt', 'JWT'],
    challengeScope: FIRST_SCOPES,
    // DPOP=allowed|required (config.js); a proof's htu is checked against this server's URL, never Host.
    // REDIS_URL, when set, keeps one record of used proofs for every instance (replay-store.js).
    dpop: config.dpop && {
      ...config.dpop,
      publicUrl: new URL(config.baseUrl).origin,
      replayStore: config.redisUrl === undefined ? undefined : redisReplayStore(config.redisUrl, signal),
    },
  });
  const orders = [];

  const app = express();
  app.use(metadata); // GET /.well-known/oauth-protected-resource/mcp
  if (demo) app.use(demo.routes);
  // Authenticate first, then read the body: an anonymous request never gets its JSON parsed.
  app.post('/mcp', bearer, express.json(), requireToolScopes(TOOL_SCOPES), async (req, res) => {
    // Stateless Streamable HTTP: one server and transport per request, JSON responses.
    const server = createOrdersServer({ orders, owner: bearer.auth(req).claims.sub });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      transport.close();
      server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // No server-initiated stream (GET) and no session to end (DELETE): 405, after authentication.
  app.all('/mcp', bearer, (_req, res) => {
    res.set('Allow', 'POST').status(405).json(jsonRpcError(-32000, 'Method not allowed'));
  });

  // After the routes: every auth failure, with the metadata URL in each Bearer challenge.
  app.use(authErrors({ realm: 'orders', resourceMetadata: metadata.url }));
  // Then what is not an auth failure: answered as JSON-RPC errors, never Express's HTML page.
  app.use((err, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err?.type === 'entity.parse.failed') return res.status(400).json(jsonRpcError(-32700, 'Parse error'));
    if (err?.type === 'entity.too.large') return res.status(413).json(jsonRpcError(-32600, 'Request too large'));
    console.error(`express-mcp: ${err?.name ?? 'error'} while handling a request`);
    res.status(500).json(jsonRpcError(-32603, 'Internal error'));
  });
  return app;
}

function jsonRpcError(code, message) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}
