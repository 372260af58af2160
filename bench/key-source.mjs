// Key-source benchmark: the valid-token path of jwtAuth (Express 5, RS256
// against a remote JWKS) while the identity provider is healthy, hanging or
// down (HTTP 500), side by side. The JWKS is served by this process; the API
// runs as a child process (this file with ROLE=server) whose key source has a
// short cache age, so that refreshes come due many times in every run: a
// healthy provider is refetched ahead of expiry, a hanging one times out, a
// failing one is backed off, all while autocannon measures. Modes are
// interleaved over several rounds (the order rotates each round) and the
// report gives medians over rounds. Every response must be 200: a run with
// any other status is void and fails the benchmark. Not part of CI.
//
//   BENCH_ROUNDS (default 5)  BENCH_DURATION seconds per run (default 4)
//   BENCH_CONNECTIONS (default 16)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { hasTaskset, pinLoadGenerator, serverCommand } from './pinning.mjs';

const ISSUER = 'https://issuer.bench.invalid';
const AUDIENCE = 'https://api.bench.invalid';
/** The key source in the API: a 2 s cache age refreshes 1.5 s in, a hang times out after 1 s, failures back off up to 0.5 s. */
const JWKS = { cacheMaxAge: 2000, cooldownDuration: 500, timeoutDuration: 1000 };

if (process.env.ROLE === 'server') await serve();
else await run();

/** The API under test: one jwtAuth route, and /stats with the key source's event counts. */
async function serve() {
  const { default: express } = await import('express');
  const { authErrors, jwtAuth } = await import('@auth-errors/express');
  const counts = {};
  const app = express();
  const guard = jwtAuth({
    jwksUrl: process.env.JWKS_URL,
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwks: { ...JWKS, onEvent: (event) => (counts[event.type] = (counts[event.type] ?? 0) + 1) },
  });
  app.get('/protected', guard, (_req, res) => res.json({ ok: true }));
  app.get('/stats', (_req, res) => res.json(counts));
  app.use(authErrors({ onError: () => {} }));
  const server = createServer(app);
  server.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
}

async function run() {
  const { default: autocannon } = await import('autocannon');
  const { exportJWK, generateKeyPair, SignJWT } = await import('jose');
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const duration = Number(process.env.BENCH_DURATION ?? 4);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
  pinLoadGenerator();

  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' };
  const token = await new SignJWT({ scope: 'read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(privateKey);

  // The identity provider: healthy, hanging (never answers) or down (500).
  let mode = 'healthy';
  const hanging = new Set();
  const idp = createServer((_req, res) => {
    if (mode === 'hanging') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
    } else if (mode === 'down') res.writeHead(500).end();
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  idp.listen(0, '127.0.0.1');
  await once(idp, 'listening');
  const setMode = (next) => {
    mode = next;
    for (const res of hanging) res.socket?.destroy();
  };

  const file = fileURLToPath(import.meta.url);
  const args = [file];
  const child = spawn(...serverCommand(args), {
    env: {
      ...process.env,
      ROLE: 'server',
      NODE_ENV: 'production',
      JWKS_URL: `http://127.0.0.1:${idp.address().port}/jwks`,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const stats = async () => (await fetch(`${url}/stats`)).json();
  const headers = { authorization: `Bearer ${token}` };

  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };

  const MODES = ['healthy', 'hanging', 'down'];
  const samples = Object.fromEntries(MODES.map((m) => [m, []]));
  try {
    // The first fetch, while healthy: what follows is "after the first fetch".
    const first = await fetch(`${url}/protected`, { headers });
    if (first.status !== 200) throw new Error(`warm-up: expected 200, got ${first.status}`);
    await autocannon({ url: `${url}/protected`, headers, connections, duration: 2 }); // JIT warm-up, not counted
    for (let round = 0; round < rounds; round++) {
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]);
      for (const m of order) {
        setMode(m);
        const before = await stats();
        const result = await autocannon({ url: `${url}/protected`, headers, connections, duration });
        const after = await stats();
        const statuses = Object.keys(result.statusCodeStats ?? {});
        if (result.errors > 0 || result.timeouts > 0 || statuses.some((s) => s !== '200')) {
          throw new Error(
            `${m}: void run, statuses ${JSON.stringify(result.statusCodeStats)}, errors ${result.errors}`,
          );
        }
        const delta = (type) => (after[type] ?? 0) - (before[type] ?? 0);
        samples[m].push({
          requests: result.requests.total,
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          p999: result.latency.p99_9,
          max: result.latency.max,
          fetched: delta('fetched'),
          failed: delta('failed'),
        });
        console.error(
          `round ${round + 1}/${rounds} ${m}: p99 ${result.latency.p99} ms, ${delta('failed')} failed fetches`,
        );
      }
      setMode('healthy'); // recovered before the next round's first mode
    }
  } finally {
    child.kill();
    idp.closeAllConnections();
    idp.close();
  }

  const summary = MODES.map((m) => {
    const of = (key) => median(samples[m].map((s) => s[key]));
    const sum = (key) => samples[m].reduce((total, s) => total + s[key], 0);
    return {
      mode: m,
      rps: Math.round(of('rps')),
      p50: of('p50'),
      p99: of('p99'),
      p999: of('p999'),
      max: of('max'),
      requests: sum('requests'),
      non200: 0,
      fetched: sum('fetched'),
      failedFetches: sum('failed'),
    };
  });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(
    `${machine}; ${rounds} rounds × ${duration} s per mode, ${connections} connections, pinned: ${hasTaskset}; key source ${JSON.stringify(JWKS)}\n`,
  );
  console.log(
    '| provider | req/s | p50 ms | p99 ms | p99.9 ms | max ms | requests (all 200) | fetches ok | fetches failed |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of summary) {
    console.log(
      `| ${r.mode} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.p999} | ${r.max} | ${r.requests} | ${r.fetched} | ${r.failedFetches} |`,
    );
  }
  console.log(`\n${JSON.stringify({ machine, rounds, duration, connections, jwks: JWKS, summary, samples })}`);
}
