/**
 * A remote JWKS that survives an identity-provider outage, and its public
 * types. jose's `createLocalJWKSet` selects and imports the keys; the key
 * source decides when to fetch and which set to use, where jose's
 * `createRemoteJWKSet` has no answer: stale-if-error up to `maxStale`, refresh
 * ahead of expiry in the background, a bounded wait for a refetch when a
 * stale set can serve, one fetch at a time, failures backed off, health and
 * events. Its state and what changes it are key-source-state.ts's, what a
 * request gets key-source-decision.ts's, and key-source-runner.ts carries it
 * out; the options are read by key-source-options.ts.
 */
import type { CryptoKey, FlattenedJWSInput, JWSHeaderParameters } from 'jose';
import type { DroppedKeyReason } from './key-source-fetch.js';
import { settings } from './key-source-options.js';
import { KeySourceRunner } from './key-source-runner.js';

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

export function createKeySource(url: unknown, options: unknown, prefix: string): KeySource {
  const { href, limits, cooldown, cacheMaxAge, maxStale, staleWait, onEvent } = settings(url, options, prefix);
  const policy = { timeoutDuration: limits.timeoutDuration, cooldown, cacheMaxAge, maxStale, staleWait };
  const runner = new KeySourceRunner(href, limits, policy, onEvent);
  const getKey = (header: JWSHeaderParameters, token?: FlattenedJWSInput) => runner.getKey(header, token);
  const source: KeySource = Object.assign(getKey, { health: () => runner.health(), refresh: () => runner.refresh() });
  sources.add(source);
  return source;
}
