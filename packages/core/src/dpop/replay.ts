/**
 * Replay protection for DPoP proofs (RFC 9449 §11.1): a proof's `jti` is
 * accepted once per key, method and URI while its `iat` is inside the window.
 * A store needs one atomic operation, insert-if-absent with a time to live, so
 * that two instances sharing it can never both accept the same proof.
 */
import { base64url } from 'jose';
import { fail } from '../options.js';

export interface ReplayStore {
  /**
   * Records `key` for `ttl` milliseconds, atomically: resolves `true` when it
   * was absent (the proof is fresh), `false` when it is present (a replay).
   * Rejects when the store cannot answer: the request then gets 503, never a pass.
   */
  reserve(key: string, ttl: number): Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  /** The most live entries held; when full, requests fail with 503 rather than evict a live entry. Default 100000. */
  readonly maxEntries?: number | undefined;
}

/** Thrown by the in-process store when it holds `maxEntries` live proofs. */
export class ReplayStoreFull extends Error {
  override readonly name = 'ReplayStoreFull';
}

/**
 * The in-process store: a Map in insertion order, pruned from its oldest end.
 * Every entry lives at most twice the window, so everything older than that is
 * gone by the next insertion and memory is bounded by what the window holds;
 * a live entry is never evicted (a replay would pass), the store refuses instead.
 */
export function createMemoryReplayStore(
  options: MemoryReplayStoreOptions = {},
  now: () => number = () => Date.now(),
): ReplayStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) fail('option "maxEntries" must be a positive integer');
  const expiries = new Map<string, number>();
  let lastFullSweep = Number.NEGATIVE_INFINITY;

  /** Drops expired entries from the oldest end, stopping at the first live one: O(1) amortised. */
  function pruneOldest(at: number): void {
    for (const [key, expiry] of expiries) {
      if (expiry > at) return;
      expiries.delete(key);
    }
  }

  /** When full, one complete pass (at most once a second) finds expired entries behind a live one. */
  function sweep(at: number): void {
    if (at - lastFullSweep < 1000) return;
    lastFullSweep = at;
    for (const [key, expiry] of expiries) if (expiry <= at) expiries.delete(key);
  }

  return {
    async reserve(key, ttl) {
      const at = now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > at) return false;
      pruneOldest(at);
      if (expiries.size >= maxEntries) sweep(at);
      if (expiries.size >= maxEntries) throw new ReplayStoreFull('the in-process DPoP replay store is full');
      expiries.delete(key);
      expiries.set(key, at + ttl);
      return true;
    },
  };
}

const encoder = new TextEncoder();

/** The store key: SHA-256 over the key thumbprint, method, normalised URI and `jti`, unambiguously joined. */
export async function replayKey(jkt: string, htm: string, htu: string, jti: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(JSON.stringify([jkt, htm, htu, jti])));
  return base64url.encode(new Uint8Array(digest));
}
