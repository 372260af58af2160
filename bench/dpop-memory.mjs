/**
 * Bytes per live entry of the in-process DPoP replay store: N fresh proofs'
 * keys reserved (as the guard makes them: a 43-character base64url SHA-256),
 * by OWNERS proof keys (default 100), heap measured after a full GC before and after. Run: node --expose-gc bench/dpop-memory.mjs
 */
import { createMemoryReplayStore } from '@auth-errors/core';
import { base64url } from 'jose';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(1);
}
const N = Number(process.env.ENTRIES ?? 200_000);
const OWNERS = Number(process.env.OWNERS ?? 100);
const store = createMemoryReplayStore({ maxEntries: N, maxEntriesPerOwner: Math.ceil(N / OWNERS) });
const owners = Array.from({ length: OWNERS }, (_, i) => `owner-${i}`.padEnd(43, 'x'));
globalThis.gc();
const before = process.memoryUsage();
// Keys made as the guard makes them, one per request; the store is what keeps them alive.
const encoder = new TextEncoder();
for (let i = 0; i < N; i++) {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`proof-${i}`));
  if ((await store.reserve(base64url.encode(new Uint8Array(digest)), 120_000, owners[i % OWNERS])) !== true) {
    throw new Error('refused a fresh proof');
  }
}
globalThis.gc();
const after = process.memoryUsage();
const per = (field) => Math.round((after[field] - before[field]) / N);
// Still holding every entry: the first key is a replay (this use also keeps the store alive through the measure).
const first = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode('proof-0'))));
if ((await store.reserve(first, 1000, owners[0])) !== false) throw new Error('the store lost an entry');
console.log(
  `${N} live entries of ${OWNERS} keys: ${per('heapUsed')} bytes of heap (+${per('external')} external) per stored proof`,
);
