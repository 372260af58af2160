import { createServer } from 'node:http';
import { createApp } from './app.js';
import { baseUrl, ConfigError, configFromEnv } from './config.js';

const port = Number(process.env.PORT || 3000);

let config;
try {
  config = configFromEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A configuration mistake is the user's to fix: say which variable, without a stack trace.
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
}

// Listen first: without PUBLIC_URL the server's URL (the tokens' audience) needs the port, and PORT=0 picks one.
const server = createServer();
server.listen(port, config.host, async () => {
  const { port: actual } = server.address();
  const url = baseUrl(config, actual);
  server.on('request', await createApp({ ...config, baseUrl: url }));
  const local = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${actual}`;
  if (!config.demo) {
    console.log(`Listening on ${local} (MCP endpoint ${url}/mcp)`);
    return;
  }
  // One write, so that whoever waits for "Listening on" gets the lines to try with it.
  console.log(`Listening on ${local} (MCP endpoint ${url}/mcp; demo mode: tokens from ${url}/demo/token)
Try:
  curl -i -X POST ${url}/mcp                                   # 401 with a Bearer challenge naming the metadata
  curl -s ${url}/.well-known/oauth-protected-resource/mcp      # RFC 9728 metadata
  TOKEN=$(curl -s '${url}/demo/token?scope=orders:read' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_order","arguments":{"item":"tea"}}}' \\
    -i ${url}/mcp                                              # 403 insufficient_scope (needs orders:write)`);
});
