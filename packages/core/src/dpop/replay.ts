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

/** What one owner holds: its live entries, and the earliest expiry among them (exact after a sweep). */
interface Holder {
  readonly owner: string;
  count: number;
  earliest: number;
}

interface Entry {
  readonly expiry: number;
  readonly holder: Holder;
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
  const { maxEntries, maxEntriesPerOwner } = readOptions(MEMORY_REPLAY_OPTIONS, options);
  const share = maxEntriesPerOwner ?? Math.max(1, Math.floor(maxEntries / 10));
  if (share > maxEntries) {
    fail('option "maxEntriesPerOwner" must be a positive integer, at most maxEntries');
  }
  const entries = new Map<string, Entry>();
  const holders = new Map<string, Holder>();
  const full = fullLog(maxEntries);
  let lastFullSweep = Number.NEGATIVE_INFINITY;

  function remove(key: string, entry: Entry): void {
    entries.delete(key);
    entry.holder.count--;
    if (entry.holder.count === 0) holders.delete(entry.holder.owner);
  }

  /** Drops expired entries from the oldest end, stopping at the first live one: O(1) amortised. */
  function pruneOldest(at: number): void {
    for (const [key, entry] of entries) {
      if (entry.expiry > at) return;
      remove(key, entry);
    }
  }

  /**
   * One complete pass (at most once a second, so a flood cannot buy one per
   * request) drops expired entries behind a live one and recomputes each
   * owner's earliest expiry.
   */
  function sweep(at: number): void {
    if (at - lastFullSweep < 1000) return;
    lastFullSweep = at;
    for (const holder of holders.values()) holder.earliest = Number.POSITIVE_INFINITY;
    for (const [key, entry] of entries) {
      if (entry.expiry <= at) remove(key, entry);
      else entry.holder.earliest = Math.min(entry.holder.earliest, entry.expiry);
    }
  }

  /** Seconds until the owner's oldest entry expires; one when that is already past but not yet swept. */
  function retryAfter(holder: Holder, at: number): number {
    return Math.max(1, Math.ceil((holder.earliest - at) / 1000));
  }

  return {
    async reserve(key, ttl, owner) {
      if (typeof owner !== 'string') throw new TypeError('auth-errors: replayStore.reserve needs an owner string');
      const at = now();
      const existing = entries.get(key);
      if (existing !== undefined && existing.expiry > at) return false;
      pruneOldest(at);
      let holder = holders.get(owner);
      if (holder !== undefined && holder.count >= share) sweep(at);
      if (holder !== undefined && holder.count >= share) return { retryAfter: retryAfter(holder, at) };
      if (entries.size >= maxEntries) sweep(at);
      if (entries.size >= maxEntries) {
        full.filled();
        throw new ReplayStoreFull('the in-process DPoP replay store is full');
      }
      full.hasRoom();
      const stale = entries.get(key);
      if (stale !== undefined) remove(key, stale);
      holder = holders.get(owner);
      if (holder === undefined) {
        holder = { owner, count: 0, earliest: Number.POSITIVE_INFINITY };
        holders.set(owner, holder);
      }
      holder.count++;
      holder.earliest = Math.min(holder.earliest, at + ttl);
      entries.set(key, { expiry: at + ttl, holder });
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
