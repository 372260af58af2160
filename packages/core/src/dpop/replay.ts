/**
 * Replay protection for DPoP proofs (RFC 9449 §11.1): a proof's `jti` is
 * accepted once per key, method and URI while its `iat` is inside the window.
 * A store needs one atomic operation, insert-if-absent with a time to live, so
 * that two instances sharing it can never both accept the same proof. Each
 * proof key (its thumbprint, the `owner`) holds at most a share of the store:
 * one client sending unique proofs must not fill it for every other one
 * (docs/conformance.md rule 70).
 */
import { base64url } from 'jose';
import { readOptions } from '../options/read.js';
import { MEMORY_REPLAY_OPTIONS } from '../options/replay-options.js';
import { fail } from '../options/validate.js';
import { logLine } from '../util/log-line.js';
import { createReplayEntries } from './replay-entries.js';

export interface ReplayStore {
  /**
   * Records `key` for `ttl` milliseconds on behalf of `owner` (the proof key's
   * JWK thumbprint), atomically: resolves `true` when it was absent (the proof
   * is fresh), `false` when it is present (a replay), or `{ retryAfter }` when
   * `owner` already holds its whole share: nothing is recorded and the request
   * gets 429 with `Retry-After: retryAfter` (seconds). Rejects when the store
   * cannot answer: the request then gets 503, never a pass. A store written
   * for `reserve(key, ttl)` keeps working, with no share per owner.
   */
  reserve(key: string, ttl: number, owner: string): Promise<boolean | { readonly retryAfter: number }>;
}

export interface MemoryReplayStoreOptions {
  /** The most live entries held; when full, requests fail with 503 rather than evict a live entry. Default 100000. */
  readonly maxEntries?: number | undefined;
  /**
   * The most live entries one proof key holds; past it, that key's requests get
   * 429 until its oldest proofs expire, and every other key keeps working. A
   * key sending R proofs a second holds about R × `dpop.window` entries.
   * Default: a tenth of `maxEntries` (10000: 160 proofs a second at a 60 s window).
   */
  readonly maxEntriesPerOwner?: number | undefined;
}

/** The code of `ReplayStoreFull`: the renderer's default log leaves these to the store's own lines. */
export const REPLAY_STORE_FULL = 'ERR_DPOP_REPLAY_STORE_FULL';

/** Thrown by the in-process store when it holds `maxEntries` live proofs; it logs the state itself. */
export class ReplayStoreFull extends Error {
  override readonly name = 'ReplayStoreFull';
  readonly code = REPLAY_STORE_FULL;
}

/**
 * The in-process store, over the entries of replay-entries.ts. Every entry
 * lives at most twice the window, so everything older than that is gone by
 * the next insertion and memory is bounded by what the window holds; a live
 * entry is never evicted (a replay would pass), the store refuses instead.
 */
export function createMemoryReplayStore(
  options: MemoryReplayStoreOptions = {},
  now: () => number = () => Date.now(),
): ReplayStore {
  const { maxEntries, maxEntriesPerOwner } = readOptions(MEMORY_REPLAY_OPTIONS, options);
  const share = maxEntriesPerOwner ?? Math.max(1, Math.floor(maxEntries / 10));
  if (share > maxEntries) {
    fail('option "maxEntriesPerOwner" must be a positive integer, at most maxEntries');
  }
  const entries = createReplayEntries();
  const full = fullLog(maxEntries);

  return {
    async reserve(key, ttl, owner) {
      if (typeof owner !== 'string') throw new TypeError('auth-errors: replayStore.reserve needs an owner string');
      const at = now();
      if (entries.isLive(key, at)) return false;
      entries.pruneOldest(at);
      if (entries.countOf(owner) >= share) entries.sweep(at);
      if (entries.countOf(owner) >= share) return { retryAfter: entries.retryAfter(owner, at) };
      if (entries.size >= maxEntries) entries.sweep(at);
      if (entries.size >= maxEntries) {
        full.filled();
        throw new ReplayStoreFull('the in-process DPoP replay store is full');
      }
      full.hasRoom();
      entries.add(key, owner, at + ttl);
      return true;
    },
  };
}

/** One stderr line when the store fills and one when it has room again, not one per refused request. */
function fullLog(maxEntries: number): { filled(): void; hasRoom(): void } {
  let isFull = false;
  return {
    filled() {
      if (isFull) return;
      isFull = true;
      logLine(
        `the in-process DPoP replay store is full (${maxEntries} live proofs): DPoP requests get 503 until proofs expire; raise maxEntries or give every instance a shared store`,
      );
    },
    hasRoom() {
      if (!isFull) return;
      isFull = false;
      logLine('the in-process DPoP replay store has room again');
    },
  };
}

const encoder = new TextEncoder();

/** The store key: SHA-256 over the key thumbprint, method, normalised URI and `jti`, unambiguously joined. */
export async function replayKey(jkt: string, htm: string, htu: string, jti: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(JSON.stringify([jkt, htm, htu, jti])));
  return base64url.encode(new Uint8Array(digest));
}
