/**
 * The live entries of the in-process replay store: proof keys in a Map in
 * insertion order, pruned from its oldest end, and what each owner (a proof
 * key's thumbprint) holds, so that one owner's share is known in O(1).
 */

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

export interface ReplayEntries {
  readonly size: number;
  /** Whether `key` is recorded and has not expired at `at`. */
  isLive(key: string, at: number): boolean;
  /** How many entries `owner` holds, expired ones not yet dropped included. */
  countOf(owner: string): number;
  /** Seconds until `owner`'s oldest entry expires; one when that is already past but not yet swept. */
  retryAfter(owner: string, at: number): number;
  /** Drops expired entries from the oldest end, stopping at the first live one: O(1) amortised. */
  pruneOldest(at: number): void;
  /**
   * One complete pass (at most once a second, so a flood cannot buy one per
   * request) drops expired entries behind a live one and recomputes each
   * owner's earliest expiry.
   */
  sweep(at: number): void;
  /** Records `key` for `owner` until `expiry`, replacing an expired entry of that key. */
  add(key: string, owner: string, expiry: number): void;
}

export function createReplayEntries(): ReplayEntries {
  const entries = new Map<string, Entry>();
  const holders = new Map<string, Holder>();
  let lastFullSweep = Number.NEGATIVE_INFINITY;

  function remove(key: string, entry: Entry): void {
    entries.delete(key);
    entry.holder.count--;
    if (entry.holder.count === 0) holders.delete(entry.holder.owner);
  }

  return {
    get size() {
      return entries.size;
    },
    isLive: (key, at) => {
      const existing = entries.get(key);
      return existing !== undefined && existing.expiry > at;
    },
    countOf: (owner) => holders.get(owner)?.count ?? 0,
    retryAfter: (owner, at) =>
      Math.max(1, Math.ceil(((holders.get(owner)?.earliest ?? Number.NEGATIVE_INFINITY) - at) / 1000)),
    pruneOldest(at) {
      for (const [key, entry] of entries) {
        if (entry.expiry > at) return;
        remove(key, entry);
      }
    },
    sweep(at) {
      if (at - lastFullSweep < 1000) return;
      lastFullSweep = at;
      for (const holder of holders.values()) holder.earliest = Number.POSITIVE_INFINITY;
      for (const [key, entry] of entries) {
        if (entry.expiry <= at) remove(key, entry);
        else entry.holder.earliest = Math.min(entry.holder.earliest, entry.expiry);
      }
    },
    add(key, owner, expiry) {
      const stale = entries.get(key);
      if (stale !== undefined) remove(key, stale);
      let holder = holders.get(owner);
      if (holder === undefined) {
        holder = { owner, count: 0, earliest: Number.POSITIVE_INFINITY };
        holders.set(owner, holder);
      }
      holder.count++;
      holder.earliest = Math.min(holder.earliest, expiry);
      entries.set(key, { expiry, holder });
    },
  };
}
