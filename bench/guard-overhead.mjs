// In-process benchmark of the valid-token path: what jwtAuth costs on top of
// a bare jose `jwtVerify` with the same key, per algorithm. No HTTP and no
// framework, so differences of a microsecond are visible on a noisy machine.
//
//   jwtVerify      jose alone, the key prepared once, as a careful
//                  hand-written middleware does: the HS256 secret imported
//                  with crypto.subtle.importKey, the ES256 JWK with importJWK,
//                  RS256 from createLocalJWKSet
//   hand           that middleware's work on a request: read Authorization
//                  from req.headers, check "Bearer ", jwtVerify, set req.user
//   verifier       the core's JWT verifier (jwt.ts): the same jwtVerify
//                  through the configured key resolver, plus typ/cnf checks
//   guard          the core's guard on a request view (fromNodeRequest):
//                  every Authorization line read, parsed, the token's syntax
//                  checked, the verifier, AuthInfo built
//   express        @auth-errors/express's jwtAuth middleware called with a
//                  request and response look-alike: the guard, plus storing
//                  AuthInfo and the success headers, up to next()
//
// RS256 with auth-errors uses a remote key source (jwksUrl) on a JWKS this
// process serves: after the first fetch it resolves keys from memory, as
// createLocalJWKSet does. What is measured is CPU time per call
// (process.cpuUsage: every thread, so WebCrypto's work on the libuv pool
// counts), with calls awaited one after another. Rounds are interleaved (the
// order rotates); the report gives the median CPU µs per call over rounds,
// and each path's overhead over jwtVerify and over the hand-written
// middleware: the median of its per-round differences. Every path but
// jwtVerify and verifier builds a Node IncomingMessage per call, as a server
// does. Not part of CI.
//
//   BENCH_ROUNDS (default 15)  BENCH_CALLS per run (default 2000)
//   BENCH_BASELINE: a built checkout of another commit; its guard and Express
//     middleware run as "guard (baseline)" and "express (baseline)" beside today's

import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { cpus } from 'node:os';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { createJwtVerifier } from './core-internals.mjs';
import { saveSection } from './results.mjs';
import { AUDIENCE, ISSUER, signToken } from './servers/shared.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const calls = Number(process.env.BENCH_CALLS ?? 2000);
const claims = { issuer: ISSUER, audience: AUDIENCE };

const secret = new TextEncoder().encode('bench-secret-bench-secret-bench-secret!');
const es = await generateKeyPair('ES256', { extractable: true });
const rs = await generateKeyPair('RS256', { extractable: true });
const esJwk = await exportJWK(es.publicKey);
const rsJwk = { ...(await exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' };
const jwks = { keys: [rsJwk] };
const jwksServer = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(jwks));
});
jwksServer.listen(0, '127.0.0.1');
await once(jwksServer, 'listening');
const jwksUrl = `http://127.0.0.1:${jwksServer.address().port}/jwks`;

const sign = (alg, key, kid) => signToken({ alg, key, kid });

const ALGS = {
  HS256: {
    token: await sign('HS256', secret),
    // Not importJWK: for an `oct` JWK it returns the raw bytes, which jose would import on every call.
    bareKey: await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']),
    options: { secret, ...claims, algorithms: ['HS256'] },
  },
  ES256: {
    token: await sign('ES256', es.privateKey),
    bareKey: await importJWK(esJwk, 'ES256'),
    options: { key: esJwk, ...claims, algorithms: ['ES256'] },
  },
  RS256: {
    token: await sign('RS256', rs.privateKey, 'rs-1'),
    bareKey: createLocalJWKSet(jwks),
    options: { jwksUrl, ...claims, algorithms: ['RS256'] },
  },
};

/** A request as Node's http parser gives it (headers read lazily from rawHeaders), with one Authorization line. */
const socket = new Socket();
function nodeRequest(token) {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = '/protected';
  req.originalUrl = '/protected';
  // What node:http's parser calls: it sets rawHeaders, from which headers and headersDistinct are built on first read.
  const raw = ['Host', 'api.example', 'User-Agent', 'bench', 'Accept', '*/*', 'Authorization', `Bearer ${token}`];
  req._addHeaderLines(raw, raw.length);
  return req;
}
const response = { setHeader() {} };

const baseline = process.env.BENCH_BASELINE;
/**
 * The adapter entry and the internals of the core built in `dir` (a path from
 * this folder, or absolute). A build without bench/core-internals.mjs had
 * every internal on its adapter entry.
 */
async function coreOf(dir) {
  const root = new URL(`${dir}/`, new URL('.', import.meta.url));
  const internals = new URL('bench/core-internals.mjs', root);
  const adapter = await import(new URL('packages/core/dist/adapter.js', root).href);
  return existsSync(internals) ? { ...adapter, ...(await import(internals.href)) } : adapter;
}

/** Today's core and Express adapter, and the baseline's when given. */
const builds = [{ suffix: '', core: await coreOf('..'), express: await import('@auth-errors/express') }];
if (baseline !== undefined) {
  builds.push({
    suffix: ' (baseline)',
    core: await coreOf(baseline),
    express: await import(`${baseline}/packages/express/dist/index.js`),
  });
}

function paths(alg) {
  const { token, bareKey, options } = ALGS[alg];
  const bareOptions = { ...claims, algorithms: [alg] };
  const verifier = createJwtVerifier(options);
  const contenders = {
    jwtVerify: () => jwtVerify(token, bareKey, bareOptions),
    hand: async () => {
      const req = nodeRequest(token);
      const header = req.headers.authorization;
      if (!header?.startsWith('Bearer ')) throw new Error('no token');
      req.user = (await jwtVerify(header.slice(7), bareKey, bareOptions)).payload;
    },
    verifier: () => verifier(token),
  };
  for (const { suffix, core, express } of builds) {
    const guard = core.createJwtGuard(options);
    const middleware = express.jwtAuth(options);
    contenders[`guard${suffix}`] = () => guard(core.fromNodeRequest(nodeRequest(token)));
    contenders[`express${suffix}`] = () =>
      new Promise((resolve, reject) =>
        middleware(nodeRequest(token), response, (error) => (error ? reject(error) : resolve())),
      );
  }
  return contenders;
}

async function timeRun(call) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / calls;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const rows = [];
for (const alg of Object.keys(ALGS)) {
  const contenders = paths(alg);
  const names = Object.keys(contenders);
  for (const name of names) {
    await contenders[name](); // the first call imports or fetches the key; every path must succeed
    await timeRun(contenders[name]); // warm-up
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) samples[name].push(await timeRun(contenders[name]));
  }
  const bare = median(samples.jwtVerify);
  // Per round (this path minus the comparator in the same round), then the median: steadier than a difference of medians.
  const over = (name, comparator) => median(samples[name].map((v, i) => v - samples[comparator][i]));
  for (const name of names) {
    const us = median(samples[name]);
    rows.push({
      alg,
      path: name,
      'CPU µs/call (median)': Number(us.toFixed(2)),
      'over jwtVerify µs': name === 'jwtVerify' ? 0 : Number(over(name, 'jwtVerify').toFixed(2)),
      'over hand µs': name === 'hand' || name === 'jwtVerify' ? '' : Number(over(name, 'hand').toFixed(2)),
      'ratio to jwtVerify': Number((us / bare).toFixed(3)),
    });
  }
}
jwksServer.close();

console.log(
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${rounds} rounds × ${calls} calls`,
);
console.table(rows);

saveSection('guardOverhead', { rounds, calls, rows });
