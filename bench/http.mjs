// HTTP benchmark: autocannon against servers started as child processes on
// 127.0.0.1, every scenario interleaved with its comparators over several
// rounds. Servers are pinned to CPU 0 and this process (the load generator)
// to CPU 1 where taskset exists. Every response's status is checked: a run
// with any unexpected status is void and fails the benchmark.
//
// The figure that matters is the server's CPU time per request (user +
// system, read over IPC with process.cpuUsage() before and after each run):
// on a 2-core machine req/s and latency move with the load generator's share
// of the machine, CPU per request much less. Tokens are HS256, ES256 and
// RS256; each algorithm has its own route. The comparators:
//   hand              a careful hand-written jose middleware: keys prepared once
//                     (the HS256 secret imported with crypto.subtle.importKey, the
//                     ES256 JWK with importJWK, RS256 keys from a JWKS with
//                     createLocalJWKSet), and an error handler
//   hand-per-request  the same with the raw HS256 secret, which jose imports into
//                     WebCrypto on every request: the common mistake, labelled so
//   raw               node:http writing a precomputed 401: the physical limit
//   peers             their documented setup, HS256 (what they all support)
// auth-errors takes the HS256 secret, the ES256 public JWK, and the RS256 keys
// from a JWKS URL served by this process (fetched once, then from memory).
//
//   BENCH_ROUNDS (default 5)  BENCH_DURATION seconds per run (default 3)
//   BENCH_CONNECTIONS (default 32)
//   BENCH_ONLY: a framework to run alone ("koa 3"); BENCH_CASES: cases to run ("missing,valid-es256")
//   BENCH_BASELINE: a built checkout of another commit (its node_modules resolving
//     @auth-errors/* to its own packages); its auth-errors servers run as the
//     variant "baseline" beside today's, for a before/after measured side by side

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import { hasTaskset, pinLoadGenerator, serverCommand } from './pinning.mjs';
import { saveSection } from './results.mjs';
import { ROUTES, secretKey, signToken } from './servers/shared.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const duration = Number(process.env.BENCH_DURATION ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
pinLoadGenerator();

// Keys for this run: the servers get the public halves (BENCH_KEYS), and the RS256 JWKS is served from here.
const es = await generateKeyPair('ES256');
const rs = await generateKeyPair('RS256');
const rsJwks = { keys: [{ ...(await exportJWK(rs.publicKey)), kid: 'bench-rs', alg: 'RS256', use: 'sig' }] };
const jwksServer = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.setHeader('cache-control', 'max-age=3600');
  res.end(JSON.stringify(rsJwks));
});
jwksServer.listen(0, '127.0.0.1');
await once(jwksServer, 'listening');
const BENCH_KEYS = JSON.stringify({
  es256: await exportJWK(es.publicKey),
  rs256: rsJwks,
  jwksUrl: `http://127.0.0.1:${jwksServer.address().port}/jwks`,
});

const SIGNING = { HS256: [secretKey], ES256: [es.privateKey], RS256: [rs.privateKey, 'bench-rs'] };
const sign = (alg, scope) => {
  const [key, kid] = SIGNING[alg];
  return signToken({ alg, key, kid, scope });
};
const bearer = (token) => ({ authorization: `Bearer ${token}` });
const tamper = (token) => `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;

const CASES = {
  missing: { label: 'no credentials', path: ROUTES.HS256, headers: {}, status: 401 },
  scope: { label: 'missing scope (HS256)', path: '/scoped', headers: bearer(await sign('HS256', 'read')), status: 403 },
};
for (const alg of ['HS256', 'ES256', 'RS256']) {
  const token = await sign(alg, 'read');
  const id = alg.toLowerCase();
  CASES[`bad-${id}`] = {
    label: `bad signature (${alg})`,
    path: ROUTES[alg],
    headers: bearer(tamper(token)),
    status: 401,
  };
  CASES[`valid-${id}`] = { label: `valid token (${alg})`, path: ROUTES[alg], headers: bearer(token), status: 200 };
}

const EVERY_CASE = Object.keys(CASES);
const HS256_ONLY = ['valid-hs256', 'bad-hs256'];
const PEER = ['missing', 'bad-hs256', 'valid-hs256'];
// Which server variants answer which cases ("raw" answers "no credentials" only).
const FRAMEWORKS = {
  'express 5': {
    script: 'servers/express.mjs',
    variants: {
      hand: EVERY_CASE,
      'hand-per-request': HS256_ONLY,
      'auth-errors': EVERY_CASE,
      'express-oauth2-jwt-bearer': [...PEER, 'scope'],
      'express-jwt': PEER,
    },
  },
  'koa 3': {
    script: 'servers/koa.mjs',
    variants: { hand: EVERY_CASE, 'hand-per-request': HS256_ONLY, 'auth-errors': EVERY_CASE, 'koa-jwt': PEER },
  },
  'fastify 5': {
    script: 'servers/fastify.mjs',
    variants: {
      hand: EVERY_CASE,
      'hand-per-request': HS256_ONLY,
      'auth-errors': EVERY_CASE,
      '@fastify/jwt': PEER,
      '@fastify/bearer-auth': PEER,
    },
  },
  'hono 4': {
    script: 'servers/hono.mjs',
    variants: {
      hand: EVERY_CASE,
      'hand-per-request': HS256_ONLY,
      'auth-errors': EVERY_CASE,
      'hono/jwt': PEER,
      'hono/bearer-auth': PEER,
    },
  },
};
const baseline = process.env.BENCH_BASELINE;
if (baseline !== undefined) {
  for (const { variants } of Object.values(FRAMEWORKS)) variants.baseline = variants['auth-errors'];
}
const VARIANT_ENV = {
  baseline: 'auth-errors',
  'express-oauth2-jwt-bearer': 'oauth2-bearer',
  'hono/jwt': 'hono-jwt',
  'hono/bearer-auth': 'bearer-auth',
  '@fastify/jwt': 'fastify-jwt',
  '@fastify/bearer-auth': 'bearer-auth',
};

function startServer(script, variant) {
  const args = [variant === 'baseline' ? `${baseline}/bench/${script}` : `${here}${script}`];
  const child = spawn(...serverCommand(args), {
    env: { ...process.env, NODE_ENV: 'production', VARIANT: VARIANT_ENV[variant] ?? variant, BENCH_KEYS },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, child });
    });
    child.once('exit', (code) => reject(new Error(`${script} ${variant} exited with ${code}`)));
  });
}

/** The server's CPU time so far (user + system), in µs, from process.cpuUsage() in the server. */
function cpuTime({ child }) {
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message?.cpu === undefined) return;
      child.off('message', onMessage);
      resolve(message.cpu.user + message.cpu.system);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

async function check(server, testCase, name) {
  const res = await fetch(server.url + testCase.path, { headers: testCase.headers });
  await res.arrayBuffer();
  if (res.status !== testCase.status) throw new Error(`${name}: expected ${testCase.status}, got ${res.status}`);
}

async function load(server, testCase, name) {
  const before = await cpuTime(server);
  const result = await autocannon({
    url: server.url + testCase.path,
    headers: testCase.headers,
    connections,
    duration,
  });
  const cpu = (await cpuTime(server)) - before;
  const statuses = Object.keys(result.statusCodeStats ?? {});
  if (result.errors > 0 || result.timeouts > 0 || statuses.some((s) => Number(s) !== testCase.status)) {
    throw new Error(`${name}: void run, statuses ${JSON.stringify(result.statusCodeStats)}, errors ${result.errors}`);
  }
  return { rps: result.requests.average, p99: result.latency.p99, cpu: cpu / result.requests.total };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const onlyFramework = process.env.BENCH_ONLY;
const onlyCases = process.env.BENCH_CASES?.split(',');
const results = [];
const started = [];
try {
  const raw = await startServer('servers/raw.mjs', 'raw');
  started.push(raw);
  for (const [framework, { script, variants }] of Object.entries(FRAMEWORKS)) {
    if (onlyFramework && framework !== onlyFramework) continue;
    const servers = {};
    for (const variant of Object.keys(variants)) {
      servers[variant] = await startServer(script, variant);
      started.push(servers[variant]);
    }
    for (const [caseName, testCase] of Object.entries(CASES)) {
      if (onlyCases && !onlyCases.includes(caseName)) continue;
      const contenders = Object.keys(variants).filter((v) => variants[v].includes(caseName));
      if (caseName === 'missing') contenders.unshift('raw');
      const serverOf = (v) => (v === 'raw' ? raw : servers[v]);
      for (const v of contenders) await check(serverOf(v), testCase, `${framework} ${v} ${caseName}`);
      const samples = Object.fromEntries(contenders.map((v) => [v, []]));
      for (let round = 0; round < rounds; round++) {
        // Rotate the order each round so that no contender always runs first or last.
        const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
        for (const v of order) samples[v].push(await load(serverOf(v), testCase, `${framework} ${v} ${caseName}`));
      }
      const ours = samples['auth-errors'];
      for (const v of contenders) {
        results.push({
          framework,
          case: testCase.label,
          variant: v,
          status: testCase.status,
          cpu: Number(median(samples[v].map((s) => s.cpu)).toFixed(1)),
          rps: Math.round(median(samples[v].map((s) => s.rps))),
          p99: median(samples[v].map((s) => s.p99)),
          // auth-errors' CPU per request over this one's, in the same round; the median over rounds.
          cpuRatio: Number(median(samples[v].map((s, i) => ours[i].cpu / s.cpu)).toFixed(3)),
          cpuRounds: samples[v].map((s) => Number(s.cpu.toFixed(1))),
        });
      }
      console.error(`done: ${framework} / ${testCase.label}`);
    }
  }
} finally {
  for (const { child } of started) child.kill();
  jwksServer.close();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = [
  '| framework | case | status | variant | CPU µs/req (median) | auth-errors CPU ÷ this | req/s (median) | p99 ms |',
  '|---|---|---|---|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.framework} | ${r.case} | ${r.status} ✓ | ${r.variant} | ${r.cpu} | ${r.variant === 'auth-errors' ? '—' : r.cpuRatio.toFixed(2)} | ${r.rps} | ${r.p99} |`,
  ),
].join('\n');
saveSection('http', { machine, rounds, duration, connections, pinned: hasTaskset, results });
console.log(`${machine}; ${rounds} rounds × ${duration} s, ${connections} connections, pinned: ${hasTaskset}\n`);
console.log(table);
