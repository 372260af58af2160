/**
 * The key source's state as one value, and what happens to it: a fetch
 * starts, succeeds or fails, time passes. Each change is a pure function
 * returning the next state and the events it causes; the runner
 * (key-source-runner.ts) keeps the current value and emits the events. How
 * old the set is (setAge) is derived here and nowhere else: the decisions,
 * the announcements and the health all read it.
 */
import { createLocalJWKSet } from 'jose';
import type { KeySourceEvent, KeySourceHealth } from './key-source.js';
import { type FetchedKeySet, KeySourceError } from './key-source-fetch.js';

/** The timings the options set (key-source-options.ts). */
export interface KeySourcePolicy {
  readonly timeoutDuration: number;
  readonly cooldown: number;
  readonly cacheMaxAge: number;
  readonly maxStale: number;
  readonly staleWait: number;
}

export interface KeySet {
  readonly resolve: ReturnType<typeof createLocalJWKSet>;
  readonly keys: number;
  readonly fetchedAt: number;
  readonly lifetime: number;
  readonly refreshAt: number;
}

export interface KeySourceState {
  readonly policy: KeySourcePolicy;
  /** The last set fetched, however old. */
  readonly set: KeySet | undefined;
  /** A fetch is in flight: it started at `lastAttemptAt`. */
  readonly fetching: boolean;
  readonly lastAttemptAt: number;
  /** Fetches that failed in a row; 0 while the provider answers. */
  readonly failures: number;
  readonly lastError: KeySourceError | undefined;
  /** While failing: no fetch before this time (the backoff). */
  readonly retryAt: number;
  /** While failing: when the first failed fetch of this outage started. */
  readonly downSince: number;
  /** What this outage has announced: the set used past its freshness, or dropped past maxStale. */
  readonly announced: 'stale' | 'expired' | undefined;
}

/** A change of state and the events it causes, in order. */
export interface Step {
  readonly state: KeySourceState;
  readonly events: readonly KeySourceEvent[];
}

/**
 * How old the set is at `now`: `fresh` before its refresh-ahead point, `due` from there to the end of its
 * lifetime, `stale` past its lifetime within maxStale (still served), `expired` past maxStale (never served).
 */
export type SetAge = 'missing' | 'fresh' | 'due' | 'stale' | 'expired';

export function initialState(policy: KeySourcePolicy): KeySourceState {
  return {
    policy,
    set: undefined,
    fetching: false,
    lastAttemptAt: Number.NEGATIVE_INFINITY,
    failures: 0,
    lastError: undefined,
    retryAt: 0,
    downSince: 0,
    announced: undefined,
  };
}

export function setAge({ set, policy }: KeySourceState, now: number): SetAge {
  if (set === undefined) return 'missing';
  const age = now - set.fetchedAt;
  if (age >= set.lifetime + policy.maxStale) return 'expired';
  if (now < set.refreshAt) return 'fresh';
  return age < set.lifetime ? 'due' : 'stale';
}

/** The set to verify with at `now`, if one may be used. */
export function usableSet(state: KeySourceState, now: number): KeySet | undefined {
  const age = setAge(state, now);
  return age === 'missing' || age === 'expired' ? undefined : state.set;
}

/** The error of a source that has no set to serve: the last failure's, or `no_key_set`. */
export function unavailable(state: KeySourceState): KeySourceError {
  return state.lastError ?? new KeySourceError('no_key_set');
}

export function fetchStarted(state: KeySourceState, now: number): KeySourceState {
  return { ...state, fetching: true, lastAttemptAt: now };
}

export function fetchEnded(state: KeySourceState): KeySourceState {
  return { ...state, fetching: false };
}

export function fetchSucceeded(state: KeySourceState, { keys, maxAge, dropped }: FetchedKeySet, now: number): Step {
  const { cooldown, cacheMaxAge, timeoutDuration } = state.policy;
  // The provider may ask for a shorter freshness, down to the cooldown, never a longer one than cacheMaxAge.
  const lifetime = Math.min(Math.max(maxAge ?? cacheMaxAge, Math.min(cooldown, cacheMaxAge)), cacheMaxAge);
  // Refresh ahead by a quarter of the lifetime: at least one timeout, at most half of it.
  const ahead = Math.min(lifetime / 2, Math.max(lifetime / 4, timeoutDuration));
  const refreshAt = now + lifetime - ahead;
  const set: KeySet = { resolve: createLocalJWKSet({ keys }), keys: keys.length, fetchedAt: now, lifetime, refreshAt };
  const events: KeySourceEvent[] = [];
  const count = Object.values(dropped).reduce((sum, n) => sum + n, 0);
  if (count > 0) events.push({ type: 'dropped', count, reasons: dropped });
  events.push({ type: 'fetched', keys: keys.length, maxAge: lifetime });
  if (state.failures > 0) {
    events.push({ type: 'recovered', downFor: now - state.downSince, failures: state.failures, keys: keys.length });
  }
  return { state: { ...state, set, failures: 0, lastError: undefined, announced: undefined }, events };
}

export function fetchFailed(state: KeySourceState, error: unknown, now: number): Step {
  const failures = state.failures + 1;
  const lastError = error instanceof KeySourceError ? error : new KeySourceError('not_a_jwks', { cause: error });
  // 1 s, 2 s, 4 s… up to the cooldown: a provider that is down gets one fetch per interval, whatever the traffic.
  const retryIn = Math.min(state.policy.cooldown, 1000 * 2 ** Math.min(failures - 1, 20));
  const downSince = state.failures === 0 ? state.lastAttemptAt : state.downSince;
  const next = { ...state, failures, lastError, retryAt: now + retryIn, downSince };
  const age = state.set && { age: now - state.set.fetchedAt };
  const failed: KeySourceEvent = { type: 'failed', reason: lastError.reason, failures, retryIn, ...age };
  const announcement = noticed(next, now);
  return announcement === undefined
    ? { state: next, events: [failed] }
    : { state: announcement.state, events: [failed, ...announcement.events] };
}

/** Once per outage: `stale` when the set is used past its freshness, `expired` when it is past maxStale. */
export function noticed(state: KeySourceState, now: number): Step | undefined {
  const { set } = state;
  if (set === undefined || state.failures === 0 || state.announced === 'expired') return undefined;
  const age = setAge(state, now);
  if (age === 'expired') {
    return { state: { ...state, announced: 'expired' }, events: [{ type: 'expired', age: now - set.fetchedAt }] };
  }
  if (age !== 'stale' || state.announced === 'stale') return undefined;
  const event: KeySourceEvent = { type: 'stale', age: now - set.fetchedAt, keys: set.keys };
  return { state: { ...state, announced: 'stale' }, events: [event] };
}

export function healthOf(state: KeySourceState, now: number): KeySourceHealth {
  const { set, failures } = state;
  const failing = failures > 0 ? { failures, reason: unavailable(state).reason } : { failures };
  if (set === undefined) return { status: 'unavailable', ...failing };
  const age = setAge(state, now);
  const status = age === 'expired' ? 'unavailable' : failures > 0 && age === 'stale' ? 'stale' : 'ok';
  return { status, age: now - set.fetchedAt, keys: set.keys, ...failing };
}
