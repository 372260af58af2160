import { createApp } from './app.js';
import { ConfigError, configFromEnv } from './config.js';

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';

let config;
try {
  config = configFromEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A configuration mistake is the user's to fix: say which variable, without a stack trace.
  console.error(`Cannot start: ${error.message}`);
  process.exit(1);
}
const app = await createApp(config);

await app.listen({ port, host });
const { port: actual } = app.server.address();
const url = `http://${host}:${actual}`;
if (!config.demo) {
  console.log(`Listening on ${url}`);
} else {
  // One write, so that whoever waits for "Listening on" gets the lines to try with it.
  console.log(`Listening on ${url} (demo mode: tokens from /demo/token)
Try:
  curl -i ${url}/orders                                    # 401 with a Bearer challenge
  TOKEN=$(curl -s '${url}/demo/token?scope=orders:read' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -i -H "Authorization: Bearer $TOKEN" ${url}/orders  # 200
  curl -i -X POST -H "Authorization: Bearer $TOKEN" ${url}/orders   # 403 insufficient_scope (needs orders:write)`);
}
