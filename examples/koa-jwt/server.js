import { createApp } from './app.js';
import { configFromEnv } from './config.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const config = configFromEnv();
const app = await createApp(config);

const server = app.listen(port, host, () => {
  const { port: actual } = server.address();
  const url = `http://${host}:${actual}`;
  console.log(`Listening on ${url}${config.demo ? ' (demo mode: tokens from /demo/token)' : ''}`);
  if (!config.demo) return;
  console.log(`Try:
  curl -i ${url}/orders                                    # 401 with a Bearer challenge
  TOKEN=$(curl -s '${url}/demo/token?scope=orders:read' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -i -H "Authorization: Bearer $TOKEN" ${url}/orders  # 200
  curl -i -X POST -H "Authorization: Bearer $TOKEN" ${url}/orders   # 403 insufficient_scope (needs orders:write)`);
});
