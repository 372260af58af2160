// Soak test (npm run soak, not in CI): a sustained mixed load (valid,
// expired, missing and wrong-scope tokens) on each adapter, every status
// checked, with the server's memory after a full GC before and after.
//   SOAK_SECONDS per adapter (default 60), SOAK_CONNECTIONS (default 32)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { AUDIENCE, ISSUER, secretKey } from './servers/shared.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 32);

const sign = (scope, exp) =>
  new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('soak')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(secretKey);
const valid = await sign('read write', '1h');
const readOnly = await sign('read', '1h');
const expired = await sign('read write', Math.floor(Date.now() / 1000) - 3600);

const mix = [
  { path: '/protected', headers: { authorization: `Bearer ${valid}` }, status: 200 },
  { path: '/protected', headers: { authorization: `Bearer ${expired}` }, status: 401 },
  { path: '/protected', headers: {}, status: 401 },
  { path: '/scoped', headers: { authorization: `Bearer ${readOnly}` }, status: 403 },
];

function start(script) {
  const child = spawn(process.execPath, ['--expose-gc', `${here}${script}`], {
    env: { ...process.env, NODE_ENV: 'production', VARIANT: 'auth-errors' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const memory = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m.memory));
      child.send('memory');
    });
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, child, memory });
    });
  });
}

const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
let failed = false;
for (const [name, script] of [
  ['express 5', 'servers/express.mjs'],
  ['koa 3', 'servers/koa.mjs'],
]) {
  const server = await start(script);
  // Warm up, then take the baseline.
  await autocannon({ url: server.url, connections, duration: 2, requests: mix });
  const before = await server.memory();
  let wrong = 0;
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    requests: mix.map((r) => ({
      method: 'GET',
      path: r.path,
      headers: r.headers,
      onResponse: (status) => {
        if (status !== r.status) wrong++;
      },
    })),
  });
  const after = await server.memory();
  server.child.kill();
  const ok = wrong === 0 && result.errors === 0 && result.timeouts === 0;
  failed ||= !ok;
  console.log(
    `${name}: ${result.requests.total} requests in ${seconds} s (${Math.round(result.requests.average)} req/s), ` +
      `unexpected statuses ${wrong}, errors ${result.errors}, ` +
      `heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MiB, rss ${mb(before.rss)} → ${mb(after.rss)} MiB`,
  );
}
process.exit(failed ? 1 : 0);
