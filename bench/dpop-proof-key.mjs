// What a DPoP request with a foreign RSA proof key costs, against a valid
// DPoP request, in-process (createJwtGuard, no HTTP): CPU time of the whole
// process (WebCrypto runs on the thread pool) per request, interleaved
// rounds, medians. The foreign proof is well formed, fresh, for this request
// and validly signed, but its key is not the token's cnf.jkt and its modulus
// is BENCH_RSA_BITS long (default 8192; 16384 with a cached key). The
// attacker repeats one proof, so the proof-key cache holds its import: what
// is left is the cost of the check order.
//
//   BENCH_ROUNDS (default 7)  BENCH_REQUESTS per run (default 200)  BENCH_RSA_BITS (8192)
//   BENCH_RSA_KEY: a file holding the private RSA JWK (generated and written there when missing)
//   BENCH_BASELINE: a module of another build of @auth-errors/core that exports createJwtGuard (its
//   bench/core-internals.mjs, or an older build's dist/adapter.js), measured in the same rounds

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const requests = Number(process.env.BENCH_REQUESTS ?? 200);
const bits = Number(process.env.BENCH_RSA_BITS ?? 8192);
const keyFile = process.env.BENCH_RSA_KEY;

const ISSUER = 'https://issuer.bench.invalid';
const AUDIENCE = 'https://api.bench.invalid';
const ORIGIN = 'https://api.bench.invalid';
const secret = new TextEncoder().encode('bench-secret-bench-secret-bench-secret!');

function rsaKey() {
  if (keyFile !== undefined && existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  const jwk = privateKey.export({ format: 'jwk' });
  if (keyFile !== undefined) writeFileSync(keyFile, JSON.stringify(jwk));
  return jwk;
}

const client = await generateKeyPair('ES256');
const clientJwk = await exportJWK(client.publicKey);
const token = await new SignJWT({ scope: 'read', cnf: { jkt: await calculateJwkThumbprint(clientJwk) } })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setIssuer(ISSUER)
  .setAudience(AUDIENCE)
  .setSubject('bench')
  .setIssuedAt()
  .setExpirationTime('1h')
  .sign(secret);
const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));

const foreignPrivate = rsaKey();
const { n, e } = foreignPrivate;
const foreignBits = Buffer.from(n, 'base64url').length * 8;
const sign = (alg, jwk, key) =>
  new SignJWT({ htm: 'GET', htu: `${ORIGIN}/orders`, jti: randomUUID(), ath })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(key);
const foreignProof = async () => sign('RS256', { kty: 'RSA', n, e }, await importJWK(foreignPrivate, 'RS256'));

const request = (proof) => ({
  method: 'GET',
  url: '/orders',
  authorization: [`DPoP ${token}`],
  contentType: undefined,
  body: undefined,
  preflight: false,
  dpop: [proof],
  origin: ORIGIN,
});

async function guardOf(entry) {
  const { createJwtGuard } = await import(entry);
  return createJwtGuard({
    secret,
    issuer: ISSUER,
    audience: AUDIENCE,
    dpop: { mode: 'required', algorithms: ['ES256', 'RS256'] },
  });
}

const builds = { current: new URL('./core-internals.mjs', import.meta.url).href };
if (process.env.BENCH_BASELINE) builds.baseline = new URL(process.env.BENCH_BASELINE, `file://${process.cwd()}/`).href;

/** CPU microseconds per request of `count` sequential requests. */
async function cpuPerRequest(guard, proofs, expected) {
  const start = process.cpuUsage();
  for (const proof of proofs) {
    const result = await guard(request(proof));
    const status = result?.status ?? 200;
    if (status !== expected) throw new Error(`expected ${expected}, got ${status}: ${result?.detail}`);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / proofs.length;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = {};
const guards = {};
for (const [name, entry] of Object.entries(builds)) {
  guards[name] = await guardOf(entry);
  results[name] = { valid: [], foreign: [] };
}
const foreign = await foreignProof();
for (let round = 0; round < rounds; round++) {
  for (const name of Object.keys(builds)) {
    const valid = [];
    for (let i = 0; i < requests; i++) valid.push(await sign('ES256', clientJwk, client.privateKey));
    // Warm: the proof-key cache holds both keys, as it does under a sustained attack.
    await guards[name](request(await sign('ES256', clientJwk, client.privateKey)));
    await guards[name](request(foreign));
    results[name].valid.push(await cpuPerRequest(guards[name], valid, 200));
    results[name].foreign.push(await cpuPerRequest(guards[name], Array(requests).fill(foreign), 401));
  }
}
console.log(`In-process DPoP guard, CPU per request, ${rounds} rounds × ${requests} requests (median)\n`);
console.log(`| build | valid ES256 request | foreign ${foreignBits}-bit RSA proof key | ratio |\n|---|---|---|---|`);
for (const name of Object.keys(builds)) {
  const valid = median(results[name].valid);
  const bad = median(results[name].foreign);
  console.log(`| ${name} | ${valid.toFixed(0)} µs | ${bad.toFixed(0)} µs | ${(bad / valid).toFixed(2)} |`);
}
