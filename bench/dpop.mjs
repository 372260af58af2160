// DPoP benchmark: the valid path of auth-errors with DPoP against its Bearer
// path and against express-oauth2-jwt-bearer with DPoP, on Express 5
// (bench/servers/dpop-express.mjs), interleaved over several rounds. Every
// DPoP request carries its own proof (a fresh jti, signed before the run, so
// the load generator only sends): a reused proof would be a replay. Every
// response must be 200, or the run is void. Indicative numbers on a shared machine.
//
//   BENCH_ROUNDS (default 3)  BENCH_DURATION seconds per run (default 3)  BENCH_CONNECTIONS (default 32)

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { pinLoadGenerator, serverCommand } from './pinning.mjs';
import { AUDIENCE, ISSUER, secretKey } from './servers/shared.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const duration = Number(process.env.BENCH_DURATION ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
pinLoadGenerator();

const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwk = await exportJWK(publicKey);
const jkt = await calculateJwkThumbprint(jwk);
const token = (claims = {}) =>
  new SignJWT({ scope: 'read', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(secretKey);
const bearerToken = await token();
const boundToken = await token({ cnf: { jkt } });
const ath = base64url.encode(
  new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(boundToken))),
);

/** `count` proofs for GET `htu`, each with its own jti. */
async function proofs(htu, count) {
  const made = [];
  for (let i = 0; i < count; i++) {
    made.push(
      await new SignJWT({ htm: 'GET', htu, jti: randomUUID(), ath })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(privateKey),
    );
  }
  return made;
}

function startServer(variant) {
  const args = [`${here}servers/dpop-express.mjs`, variant];
  const child = spawn(...serverCommand(args), {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, child });
    });
    child.once('exit', (code) => reject(new Error(`dpop-express ${variant} exited with ${code}`)));
  });
}

// Enough proofs for the fastest server seen so far, with room to spare.
let budget = 20_000;

async function run(variant) {
  const server = await startServer(variant);
  try {
    const url = `${server.url}/orders`;
    const dpop = variant !== 'bearer';
    const authorization = dpop ? `DPoP ${boundToken}` : `Bearer ${bearerToken}`;
    const pool = dpop ? await proofs(url, budget) : [];
    let next = 0;
    const result = await autocannon({
      url,
      connections,
      duration,
      headers: { authorization },
      requests: [
        {
          setupRequest: (request) =>
            dpop ? { ...request, headers: { ...request.headers, dpop: pool[next++] ?? 'exhausted' } } : request,
        },
      ],
    });
    const statuses = Object.keys(result.statusCodeStats ?? {});
    if (result.errors > 0 || result.timeouts > 0 || statuses.some((s) => s !== '200')) {
      throw new Error(`${variant}: void run, statuses ${JSON.stringify(result.statusCodeStats)} (proofs ${budget})`);
    }
    budget = Math.max(budget, Math.ceil(result.requests.total * 1.5));
    return { rps: result.requests.average, p99: result.latency.p99 };
  } finally {
    server.child.kill('SIGINT');
  }
}

const VARIANTS = {
  bearer: 'auth-errors, Bearer token',
  dpop: 'auth-errors, DPoP token + proof',
  'eojb-dpop': 'express-oauth2-jwt-bearer, DPoP token + proof',
};
const results = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
for (let round = 0; round < rounds; round++) {
  for (const variant of Object.keys(VARIANTS)) results[variant].push(await run(variant));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`Express 5, valid request, ${connections} connections, ${rounds} × ${duration} s (median)\n`);
console.log('| server | req/s | p99 ms |\n|---|---|---|');
for (const [variant, label] of Object.entries(VARIANTS)) {
  const runs = results[variant];
  console.log(`| ${label} | ${Math.round(median(runs.map((r) => r.rps)))} | ${median(runs.map((r) => r.p99))} |`);
}
