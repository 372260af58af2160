// HTTP benchmark: autocannon against servers started as child processes on
// 127.0.0.1, every scenario interleaved with its comparators over several
// rounds. Servers are pinned to CPU 0 and this process (the load generator)
// to CPU 1 where taskset exists. Every response's status is checked: a run
// with any unexpected status is void and fails the benchmark.
//
//   BENCH_ROUNDS (default 5)  BENCH_DURATION seconds per run (default 3)
//   BENCH_CONNECTIONS (default 32)
//   BENCH_ONLY: a framework to run alone ("koa 3"); BENCH_CASES: cases to run ("missing,bad")
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { AUDIENCE, ISSUER, secretKey } from './servers/shared.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const duration = Number(process.env.BENCH_DURATION ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (hasTaskset) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });

const sign = (scope, exp = '1h') =>
  new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(secretKey);
const readToken = await sign('read');
const badToken = `${readToken.slice(0, -4)}AAAA`;

const CASES = {
  missing: { label: 'no credentials', path: '/protected', headers: {}, status: 401 },
  bad: { label: 'bad token', path: '/protected', headers: { authorization: `Bearer ${badToken}` }, status: 401 },
  scope: { label: 'missing scope', path: '/scoped', headers: { authorization: `Bearer ${readToken}` }, status: 403 },
  valid: { label: 'valid token', path: '/protected', headers: { authorization: `Bearer ${readToken}` }, status: 200 },
};

// Which server variants answer which cases ("raw" is the physical limit of a 401).
const FRAMEWORKS = {
  'express 5': {
    script: 'servers/express.mjs',
    variants: {
      hand: ['missing', 'bad', 'scope', 'valid'],
      'auth-errors': ['missing', 'bad', 'scope', 'valid'],
      'express-oauth2-jwt-bearer': ['missing', 'bad', 'scope', 'valid'],
      'express-jwt': ['missing', 'bad', 'valid'],
    },
  },
  'koa 3': {
    script: 'servers/koa.mjs',
    variants: {
      hand: ['missing', 'bad', 'scope', 'valid'],
      'auth-errors': ['missing', 'bad', 'scope', 'valid'],
      'koa-jwt': ['missing', 'bad', 'valid'],
    },
  },
  'hono 4': {
    script: 'servers/hono.mjs',
    variants: {
      hand: ['missing', 'bad', 'scope', 'valid'],
      'auth-errors': ['missing', 'bad', 'scope', 'valid'],
      'hono/jwt': ['missing', 'bad', 'valid'],
      'hono/bearer-auth': ['missing', 'bad', 'valid'],
    },
  },
  'fastify 5': {
    script: 'servers/fastify.mjs',
    variants: {
      hand: ['missing', 'bad', 'scope', 'valid'],
      'auth-errors': ['missing', 'bad', 'scope', 'valid'],
      '@fastify/jwt': ['missing', 'bad', 'valid'],
      '@fastify/bearer-auth': ['missing', 'bad', 'valid'],
    },
  },
};
const VARIANT_ENV = {
  'express-oauth2-jwt-bearer': 'oauth2-bearer',
  'hono/jwt': 'hono-jwt',
  'hono/bearer-auth': 'bearer-auth',
  '@fastify/jwt': 'fastify-jwt',
  '@fastify/bearer-auth': 'bearer-auth',
};

function startServer(script, variant) {
  const args = [`${here}${script}`];
  const command = hasTaskset ? 'taskset' : process.execPath;
  const child = spawn(command, hasTaskset ? ['-c', '0', process.execPath, ...args] : args, {
    env: { ...process.env, NODE_ENV: 'production', VARIANT: VARIANT_ENV[variant] ?? variant },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, child });
    });
    child.once('exit', (code) => reject(new Error(`${script} ${variant} exited with ${code}`)));
  });
}

async function check(server, testCase, name) {
  const res = await fetch(server.url + testCase.path, { headers: testCase.headers });
  await res.arrayBuffer();
  if (res.status !== testCase.status) throw new Error(`${name}: expected ${testCase.status}, got ${res.status}`);
}

async function load(server, testCase, name) {
  const result = await autocannon({
    url: server.url + testCase.path,
    headers: testCase.headers,
    connections,
    duration,
  });
  const statuses = Object.keys(result.statusCodeStats ?? {});
  if (result.errors > 0 || result.timeouts > 0 || statuses.some((s) => Number(s) !== testCase.status)) {
    throw new Error(`${name}: void run, statuses ${JSON.stringify(result.statusCodeStats)}, errors ${result.errors}`);
  }
  return { rps: result.requests.average, p99: result.latency.p99 };
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
      if (testCase.status === 401 && caseName === 'missing') contenders.unshift('raw');
      const serverOf = (v) => (v === 'raw' ? raw : servers[v]);
      for (const v of contenders) await check(serverOf(v), testCase, `${framework} ${v} ${caseName}`);
      const samples = Object.fromEntries(contenders.map((v) => [v, []]));
      for (let round = 0; round < rounds; round++) {
        // Rotate the order each round so that no contender always runs first or last.
        const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
        for (const v of order) samples[v].push(await load(serverOf(v), testCase, `${framework} ${v} ${caseName}`));
      }
      const ours = median(samples['auth-errors'].map((s) => s.rps));
      for (const v of contenders) {
        const rps = median(samples[v].map((s) => s.rps));
        results.push({
          framework,
          case: testCase.label,
          variant: v,
          status: testCase.status,
          rps: Math.round(rps),
          p99: median(samples[v].map((s) => s.p99)),
          oursOverThis: v === 'auth-errors' ? 1 : Number((ours / rps).toFixed(3)),
        });
      }
      console.error(`done: ${framework} / ${testCase.label}`);
    }
  }
} finally {
  for (const { child } of started) child.kill();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const table = [
  '| framework | case | status | variant | req/s (median) | p99 ms | auth-errors ÷ this |',
  '|---|---|---|---|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.framework} | ${r.case} | ${r.status} ✓ | ${r.variant} | ${r.rps} | ${r.p99} | ${r.variant === 'auth-errors' ? '—' : r.oursOverThis.toFixed(2)} |`,
  ),
].join('\n');
mkdirSync(`${here}results`, { recursive: true });
writeFileSync(
  `${here}results/latest.json`,
  `${JSON.stringify({ date: new Date().toISOString(), machine, rounds, duration, connections, pinned: hasTaskset, results }, null, 2)}\n`,
);
console.log(`${machine}; ${rounds} rounds × ${duration} s, ${connections} connections, pinned: ${hasTaskset}\n`);
console.log(table);
