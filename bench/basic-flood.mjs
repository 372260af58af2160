// A Basic flood against a slow password hash, and a JWT route in the same
// process: does the JWT route stay usable? One Express 5 server (CPU 0) with
// basicAuth over scrypt and jwtAuth over ES256; the load generator on CPU 1.
// Each round measures the JWT route's latency quiet, then under a flood of
// Basic requests with wrong passwords, for basicAuth's default maxConcurrent
// and for an unbounded guard (the code before the option), interleaved.
// Reported: medians over rounds of p50/p99 latency of the JWT route, and what
// the flood got (status counts).
//
// The flood sends BENCH_FLOOD_RATE requests a second (default 200: more than
// twice what 4 threads can hash, at about 45 ms a hash), from 64 connections.
// A flood that sends as fast as the server answers (BENCH_FLOOD_RATE=0) also
// measures the event loop answering cheap refusals, which a limit on password
// checks cannot and should not prevent: that takes a rate limiter in front.
// The server runs on both cores unless BENCH_PIN=1 (then CPU 0, thread pool
// included: one core for hashing and everything else, as in a 1-CPU container).
//
//   BENCH_ROUNDS (default 5)  BENCH_DURATION seconds per phase (default 5)
//   BENCH_FLOOD_RATE (default 200)  BENCH_JWT_CONNECTIONS (default 4)

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import { hasTaskset, pinLoadGenerator, serverCommand } from './pinning.mjs';
import { saveSection } from './results.mjs';
import { signToken } from './servers/shared.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const duration = Number(process.env.BENCH_DURATION ?? 5);
const floodConnections = 64;
const floodRate = Number(process.env.BENCH_FLOOD_RATE ?? 200);
const pinned = process.env.BENCH_PIN === '1' && hasTaskset;
const jwtConnections = Number(process.env.BENCH_JWT_CONNECTIONS ?? 4);
if (pinned) pinLoadGenerator();

const es = await generateKeyPair('ES256');
const BENCH_KEYS = JSON.stringify({ es256: await exportJWK(es.publicKey) });
const token = await signToken({ alg: 'ES256', key: es.privateKey });
const wrongPassword = `Basic ${Buffer.from('alice:not-the-password').toString('base64')}`;

function startServer(maxConcurrent) {
  const script = [`${here}servers/basic-flood.mjs`];
  const child = spawn(...(pinned ? serverCommand(script) : [process.execPath, script]), {
    env: { ...process.env, NODE_ENV: 'production', BENCH_KEYS, BENCH_MAX_CONCURRENT: maxConcurrent },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, child });
    });
    child.once('exit', (code) => reject(new Error(`basic-flood server exited with ${code}`)));
  });
}

/** One autocannon run; every status counted, so that a phase shows what its requests got. */
function load(url, path, authorization, connections, overallRate = 0) {
  const statuses = {};
  return new Promise((resolve, reject) => {
    const rate = overallRate > 0 ? { overallRate } : {};
    const instance = autocannon(
      { url: `${url}${path}`, connections, duration, headers: { authorization }, ...rate },
      (error, result) => (error ? reject(error) : resolve({ result, statuses })),
    );
    instance.on('response', (_client, status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

// Latency counts completed requests only: a request still waiting when the phase ends (or past autocannon's
// 10 s timeout) is in `timeouts`, and the rate of 200s shows a route that hardly answers at all.
const jwtLatency = ({ result, statuses }) => ({
  p50: result.latency.p50,
  p99: result.latency.p99,
  okPerSecond: Math.round((statuses[200] ?? 0) / duration),
  timeouts: result.timeouts,
  other: Object.entries(statuses)
    .filter(([status]) => status !== '200')
    .reduce((sum, [, n]) => sum + n, 0),
});

async function round(variant) {
  const server = await startServer(variant);
  try {
    await load(server.url, '/jwt', `Bearer ${token}`, jwtConnections); // warm-up
    const quiet = jwtLatency(await load(server.url, '/jwt', `Bearer ${token}`, jwtConnections));
    const [jwt, flood] = await Promise.all([
      load(server.url, '/jwt', `Bearer ${token}`, jwtConnections),
      load(server.url, '/basic', wrongPassword, floodConnections, floodRate),
    ]);
    return { quiet, flooded: jwtLatency(jwt), flood: flood.statuses };
  } finally {
    server.child.kill('SIGINT');
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const variants = { default: undefined, unbounded: 'unbounded' };
const results = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let r = 0; r < rounds; r += 1) {
  for (const [name, bound] of Object.entries(variants)) {
    const result = await round(bound);
    results[name].push(result);
    console.log(`round ${r + 1} ${name}: ${JSON.stringify(result)}`);
  }
}

const summary = Object.fromEntries(
  Object.entries(results).map(([name, runs]) => {
    const quietP99 = median(runs.map((run) => run.quiet.p99));
    const floodedP99 = median(runs.map((run) => run.flooded.p99));
    return [
      name,
      {
        quietP50: median(runs.map((run) => run.quiet.p50)),
        quietP99,
        floodedP50: median(runs.map((run) => run.flooded.p50)),
        floodedP99,
        ratioP99: Number((floodedP99 / quietP99).toFixed(2)),
        quietOkPerSecond: median(runs.map((run) => run.quiet.okPerSecond)),
        floodedOkPerSecond: median(runs.map((run) => run.flooded.okPerSecond)),
        jwtNon200UnderFlood: runs.reduce((sum, run) => sum + run.flooded.other, 0),
        floodStatuses: runs.map((run) => run.flood),
      },
    ];
  }),
);
console.table(
  Object.fromEntries(
    Object.entries(summary).map(([name, s]) => [
      name,
      {
        'quiet p50 ms': s.quietP50,
        'quiet p99 ms': s.quietP99,
        'flooded p50 ms': s.floodedP50,
        'flooded p99 ms': s.floodedP99,
        'p99 ratio': s.ratioP99,
        'JWT 200/s quiet': s.quietOkPerSecond,
        'JWT 200/s flooded': s.floodedOkPerSecond,
      },
    ]),
  ),
);
saveSection('basicFlood', {
  rounds,
  duration,
  floodConnections,
  floodRate,
  jwtConnections,
  pinned,
  summary,
});
