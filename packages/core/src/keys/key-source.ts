/**
 * A remote JWKS that survives an identity-provider outage. jose's
 * `createLocalJWKSet` selects and imports the keys; this module decides when
 * to fetch and which set to use, where jose's `createRemoteJWKSet` has no
 * answer: stale-if-error up to `maxStale`, refresh ahead of expiry in the
 * background, a bounded wait for a refetch when a stale set can serve, one
 * fetch at a time, failures backed off, health and events. Time is read from
 * `Date.now()`; the only timers are a fetch's timeout and, while requests
 * wait on a fetch, the stale-wait bound: nothing runs while idle.
 */
import { type CryptoKey, createLocalJWKSet, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import type { Values } from '../options/fields.js';
import {
  JWKS_OPTIONS,
  JWKS_URL,
  type KEY_SOURCE_OPTIONS,
  REMOTE_KEY_SOURCE_OPTIONS,
} from '../options/key-source-options.js';
import { readField, readOptions } from '../options/read.js';
import { readUrl } from '../options/url.js';
import { readProperty } from '../util/safe-read.js';
import { type DroppedKeyReason, type FetchedKeySet, fetchKeySet, KeySourceError } from './key-source-fetch.js';
import { createKeySourceLogger } from './key-source-log.js';

export { type DroppedKeyReason, KeySourceError } from './key-source-fetch.js';
export { createKeySourceLogger } from './key-source-log.js';

export interface KeySourceOptions {
  /** How long one fetch may take, body included, in ms. Default 5000. */
  readonly timeoutDuration?: number;
  /** Least time between two fetches for unknown `kid`s, and the cap of the failure backoff, in ms. Default 30000. */
  readonly cooldownDuration?: number;
  /** Longest freshness of a fetched set in ms; a shorter `Cache-Control: max-age` is honoured. Default 600000. */
  readonly cacheMaxAge?: number;
  /** How long past its freshness the last good set is used while refetches fail, in ms. Default 86400000 (24 h). */
  readonly maxStale?: number;
  /**
   * How long a request waits for a refetch of an expired set, in ms, before it is served from that set (within
   * `maxStale`) while the refetch goes on. Default 300; 0: never wait. Without a usable set, or for an unknown
   * `kid`, a request waits for the whole fetch (up to `timeoutDuration`).
   */
  readonly staleWaitDuration?: number;
  /** Largest JWKS response body, in bytes. Default 524288 (512 KiB). */
  readonly maxResponseBytes?: number;
  /** Most keys a JWKS may hold. Default 100. */
  readonly maxKeys?: number;
  /** Receives every event, instead of the default log (one stderr line per state change). */
  readonly onEvent?: ((event: KeySourceEvent) => void) | undefined;
}

export type KeySourceEvent =
  | { readonly type: 'fetched'; readonly keys: number; readonly maxAge: number }
  | { readonly type: 'dropped'; readonly count: number; readonly reasons: Partial<Record<DroppedKeyReason, number>> }
  | {
      readonly type: 'failed';
      readonly reason: string;
      readonly failures: number;
      readonly retryIn: number;
      readonly age?: number;
    }
  | { readonly type: 'stale'; readonly age: number; readonly keys: number }
  | { readonly type: 'expired'; readonly age: number }
  | { readonly type: 'recovered'; readonly downFor: number; readonly failures: number; readonly keys: number };

export interface KeySourceHealth {
  /** `ok`: fresh keys, or the provider answered last time; `stale`: refetches fail and the last good set is used past its freshness; `unavailable`: no set can be used. */
  readonly status: 'ok' | 'stale' | 'unavailable';
  /** Milliseconds since the set was fetched. */
  readonly age?: number;
  /** Keys in the set. */
  readonly keys?: number;
  /** Fetches that failed in a row (0 when healthy). */
  readonly failures: number;
  /** The last failure's reason code, while failing. */
  readonly reason?: string;
}

/** A jose key resolver (for `jwtVerify`, or jwtAuth's `keySource`) with its health. */
export interface KeySource {
  /** The key for a JWS header (`kid`, `alg`), as jose's `createRemoteJWKSet` resolves it. */
  (protectedHeader: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey>;
  /** The state now, without waiting; starts a background refresh when the set is missing or due. */
  health(): KeySourceHealth;
  /** Fetches unless a fetch is in flight or too recent (cooldown, backoff), then resolves to the health. */
  refresh(): Promise<KeySourceHealth>;
}

interface KeySet {
  readonly resolve: ReturnType<typeof createLocalJWKSet>;
  readonly keys: number;
  readonly fetchedAt: number;
  readonly lifetime: number;
  readonly refreshAt: number;
}

const sources = new WeakSet<object>();

/** Whether `value` was made by `createRemoteKeySource`. */
export function isKeySource(value: unknown): value is KeySource {
  return typeof value === 'function' && sources.has(value);
}

/**
 * One cache for any number of guards: build it once and pass it as `keySource` to every `jwtAuth` that uses it.
 * `url` is https, or http to a loopback host only, with no user name or password (docs/conformance.md rule 66).
 */
export function createRemoteKeySource(url: string | URL, options: KeySourceOptions = {}): KeySource {
  return createKeySource(url, options, '');
}

/** `prefix` names the options as the caller wrote them (`jwks.` inside jwtAuth). */
function settings(url: unknown, options: unknown, prefix: string) {
  const href = new URL(readUrl(url, prefix ? 'option "jwksUrl"' : 'the JWKS URL', JWKS_URL));
  const read = prefix
    ? readField(JWKS_OPTIONS, options, prefix.slice(0, -1))
    : readOptions(REMOTE_KEY_SOURCE_OPTIONS, options);
  const o = read as Values<typeof KEY_SOURCE_OPTIONS>;
  return {
    href,
    limits: { timeoutDuration: o.timeoutDuration, maxResponseBytes: o.maxResponseBytes, maxKeys: o.maxKeys },
    cooldown: o.cooldownDuration,
    cacheMaxAge: o.cacheMaxAge,
    maxStale: o.maxStale,
    staleWait: o.staleWaitDuration,
    onEvent: o.onEvent ?? createKeySourceLogger(href.host),
  };
}

export function createKeySource(url: unknown, options: unknown, prefix: string): KeySource {
  const { href, limits, cooldown, cacheMaxAge, maxStale, staleWait, onEvent } = settings(url, options, prefix);
  let current: KeySet | undefined;
  let inflight: Promise<void> | undefined;
  /** The fetch in flight or the stale-wait bound, whichever ends first; made when a first request waits. */
  let inflightOrBound: Promise<void> | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let lastError: KeySourceError | undefined;
  let retryAt = 0;
  let downSince = 0;
  let noted: 'stale' | 'expired' | undefined; // what this outage has announced

  const emit = (event: KeySourceEvent) => {
    try {
      onEvent(event);
    } catch {
      // A failing event handler must not fail a verification.
    }
  };
  const usable = (now: number) =>
    current !== undefined && now - current.fetchedAt < current.lifetime + maxStale ? current : undefined;
  /** No fetch in flight, and past the backoff if the last one failed. */
  const mayFetch = (now: number) => inflight === undefined && (failures === 0 || now >= retryAt);
  /** A fetch nobody waits for (refresh ahead): also at most one per cooldown while the provider answers. */
  const mayFetchAhead = (now: number) => mayFetch(now) && (failures > 0 || now - lastAttemptAt >= cooldown);
  const unavailable = () => lastError ?? new KeySourceError('no_key_set');

  const succeeded = ({ keys, maxAge, dropped }: FetchedKeySet) => {
    const now = Date.now();
    // The provider may ask for a shorter freshness, down to the cooldown, never a longer one than cacheMaxAge.
    const lifetime = Math.min(Math.max(maxAge ?? cacheMaxAge, Math.min(cooldown, cacheMaxAge)), cacheMaxAge);
    // Refresh ahead by a quarter of the lifetime: at least one timeout, at most half of it.
    const ahead = Math.min(lifetime / 2, Math.max(lifetime / 4, limits.timeoutDuration));
    const resolve = createLocalJWKSet({ keys });
    current = { resolve, keys: keys.length, fetchedAt: now, lifetime, refreshAt: now + lifetime - ahead };
    const count = Object.values(dropped).reduce((sum, n) => sum + n, 0);
    if (count > 0) emit({ type: 'dropped', count, reasons: dropped });
    emit({ type: 'fetched', keys: keys.length, maxAge: lifetime });
    if (failures > 0) emit({ type: 'recovered', downFor: now - downSince, failures, keys: keys.length });
    failures = 0;
    lastError = undefined;
    noted = undefined;
  };

  const failed = (error: unknown) => {
    const now = Date.now();
    if (failures === 0) downSince = lastAttemptAt;
    failures += 1;
    lastError = error instanceof KeySourceError ? error : new KeySourceError('not_a_jwks', { cause: error });
    // 1 s, 2 s, 4 s… up to the cooldown: a provider that is down gets one fetch per interval, whatever the traffic.
    const retryIn = Math.min(cooldown, 1000 * 2 ** Math.min(failures - 1, 20));
    retryAt = now + retryIn;
    const age = current && { age: now - current.fetchedAt };
    emit({ type: 'failed', reason: lastError.reason, failures, retryIn, ...age });
    announce(now);
  };

  const fetchNow = (): Promise<void> => {
    if (inflight !== undefined) return inflight;
    lastAttemptAt = Date.now();
    const attempt = fetchKeySet(href, limits)
      .then(succeeded)
      .catch(failed)
      .finally(() => {
        inflight = undefined;
        inflightOrBound = undefined;
      });
    inflight = attempt;
    return attempt;
  };

  /**
   * The refetch of an expired set, waited for at most `staleWait` (docs/conformance.md rule 67): a healthy
   * provider answers within it, so a removed key stops verifying at expiry; a hanging one no longer holds
   * requests that the stale set can serve (stale-while-revalidate, RFC 5861 §3). The bound counts from the
   * first request that waits.
   */
  const refetchWithinStaleWait = (): Promise<void> => {
    const attempt = fetchNow();
    inflightOrBound ??= new Promise<void>((resolve) => {
      const bound = setTimeout(resolve, staleWait);
      void attempt.then(() => {
        clearTimeout(bound);
        resolve();
      });
    });
    return inflightOrBound;
  };

  /** Once per outage: `stale` when the set is used past its freshness, `expired` when it is past maxStale. */
  function announce(now: number): void {
    if (current === undefined || failures === 0 || noted === 'expired') return;
    const age = now - current.fetchedAt;
    if (age >= current.lifetime + maxStale) emit({ type: 'expired', age });
    else if (age < current.lifetime || noted === 'stale') return;
    else emit({ type: 'stale', age, keys: current.keys });
    noted = age >= current.lifetime + maxStale ? 'expired' : 'stale';
  }

  /**
   * The set to verify with. A request waits for the whole fetch only when there is no usable set. When the set
   * expired while nothing was refreshing it (an idle instance) and the provider is not known to be down, it
   * waits for the refetch at most `staleWait`, then is served from the expired set. A refresh that started
   * before expiry is not waited for: the set serves until it ends.
   */
  function keySet(): KeySet | Promise<KeySet> {
    const now = Date.now();
    const set = usable(now);
    if (set !== undefined && now < set.refreshAt) return set; // the fast path
    const expiry = set === undefined ? 0 : set.fetchedAt + set.lifetime;
    const refreshing = inflight !== undefined && lastAttemptAt < expiry;
    if (set === undefined) {
      if (inflight !== undefined || mayFetch(now)) return fetchNow().then(settled);
    } else if (failures === 0 && now >= expiry && !refreshing) {
      if (staleWait === 0) void fetchNow();
      else return refetchWithinStaleWait().then(settled);
    } else if (mayFetchAhead(now)) {
      void fetchNow();
    }
    return settled();
  }
  function settled(): KeySet | Promise<KeySet> {
    const now = Date.now();
    announce(now);
    return usable(now) ?? Promise.reject(unavailable());
  }

  /** No async function on the fast path (a fresh set): its promise and await cost more than the key lookup. */
  function getKey(header: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey> {
    const set = keySet(); // never throws: its failures are rejected promises
    return set instanceof Promise ? set.then((ready) => keyFrom(ready, header, token)) : keyFrom(set, header, token);
  }

  function keyFrom(set: KeySet, header: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey> {
    return set
      .resolve(header, token as FlattenedJWSInput)
      .catch((error: unknown) => unknownKid(error, set, header, token));
  }

  async function unknownKid(error: unknown, set: KeySet, header: JWSHeaderParameters, token?: FlattenedJWSInput) {
    if (readProperty(error, 'code') !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
    // An unknown kid: the provider may have a new key. One refetch per cooldown (per backoff while it fails).
    const now = Date.now();
    if (inflight === undefined && !(failures > 0 ? mayFetch(now) : now - lastAttemptAt >= cooldown)) {
      throw failures > 0 ? unavailable() : error;
    }
    await fetchNow();
    if (failures > 0) throw unavailable(); // the key may exist at the provider: 503, never 401
    return (usable(Date.now()) ?? set).resolve(header, token as FlattenedJWSInput);
  }

  const health = (): KeySourceHealth => {
    const now = Date.now();
    if ((current === undefined || now >= current.refreshAt) && mayFetchAhead(now)) void fetchNow();
    const failing = failures > 0 ? { failures, reason: unavailable().reason } : { failures };
    if (current === undefined) return { status: 'unavailable', ...failing };
    const age = now - current.fetchedAt;
    const status = !usable(now) ? 'unavailable' : failures > 0 && age >= current.lifetime ? 'stale' : 'ok';
    return { status, age, keys: current.keys, ...failing };
  };

  const refresh = async (): Promise<KeySourceHealth> => {
    const now = Date.now();
    if (inflight !== undefined || (current === undefined ? mayFetch(now) : mayFetchAhead(now))) await fetchNow();
    return health();
  };

  const source: KeySource = Object.assign(getKey, { health, refresh });
  sources.add(source);
  return source;
}
