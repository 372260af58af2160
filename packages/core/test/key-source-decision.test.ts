/**
 * The key source's decision as a table (keys/key-source-decision.ts): every row a state, the clock and a
 * known or unknown `kid`, and what the source does. The defaults: a set fetched at 0 with a 10-minute
 * lifetime, refreshed ahead from 7.5 minutes, served up to maxStale (24 h) past its lifetime, a cooldown
 * of 30 s, a stale-wait of 300 ms. The state's own derivations (setAge, health, events) follow.
 */
import { describe, expect, it } from 'vitest';
import { type Decision, decide, healthRefreshes, refreshFetches } from '../src/keys/key-source-decision.js';
import { KeySourceError } from '../src/keys/key-source-fetch.js';
import type { KeySet, KeySourcePolicy, KeySourceState } from '../src/keys/key-source-state.js';
import {
  fetchFailed,
  fetchStarted,
  fetchSucceeded,
  healthOf,
  initialState,
  noticed,
  setAge,
} from '../src/keys/key-source-state.js';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const policy: KeySourcePolicy = {
  timeoutDuration: 5 * S,
  cooldown: 30 * S,
  cacheMaxAge: 10 * MIN,
  maxStale: 24 * H,
  staleWait: 300,
};
const set: KeySet = {
  resolve: (async () => {}) as never,
  keys: 3,
  fetchedAt: 0,
  lifetime: 10 * MIN,
  refreshAt: 7.5 * MIN,
};
const failing = { failures: 2, lastError: new KeySourceError('http_status 500'), downSince: 0 };

type Changes = Omit<Partial<KeySourceState>, 'policy'> & { policy?: Partial<KeySourcePolicy> };
const state = (changes: Changes = {}): KeySourceState => ({
  ...initialState(policy),
  set,
  lastAttemptAt: 0,
  ...changes,
  policy: { ...policy, ...changes.policy },
});
const cold = { set: undefined, lastAttemptAt: Number.NEGATIVE_INFINITY };
const inFlight = (since: number) => state({ fetching: true, lastAttemptAt: since });
const YEAR = 365 * 24 * H;
const forever = { maxStale: Number.POSITIVE_INFINITY };

type Row = readonly [name: string, state: KeySourceState, now: number, kid: 'known' | 'unknown', decision: Decision];

const rows: Row[] = [
  ['cold start', state(cold), 0, 'known', 'wait-for-fetch'],
  ['cold start, a fetch in flight', state({ ...cold, fetching: true, lastAttemptAt: 0 }), 1, 'known', 'wait-for-fetch'],
  ['cold, down, within the backoff', state({ ...cold, ...failing, retryAt: 4 * S }), 3 * S, 'known', 'fail'],
  ['cold, down, past the backoff', state({ ...cold, ...failing, retryAt: 4 * S }), 4 * S, 'known', 'wait-for-fetch'],
  ['fresh', state(), 1 * MIN, 'known', 'serve'],
  ['fresh, one ms before the refresh-ahead point', state(), 7.5 * MIN - 1, 'known', 'serve'],
  ['fresh while the provider fails', state({ ...failing, retryAt: 0 }), 1 * MIN, 'known', 'serve'],
  ['due: refreshed ahead in the background', state(), 7.5 * MIN, 'known', 'serve-and-refresh'],
  ['due, the refresh in flight', state({ fetching: true, lastAttemptAt: 7.5 * MIN }), 8 * MIN, 'known', 'serve'],
  ['due, within the cooldown of the last fetch', state({ lastAttemptAt: 7.9 * MIN }), 8 * MIN, 'known', 'serve'],
  ['due while failing, within the backoff', state({ ...failing, retryAt: 9 * MIN }), 8 * MIN, 'known', 'serve'],
  ['due while failing, past it', state({ ...failing, retryAt: 8 * MIN }), 8 * MIN, 'known', 'serve-and-refresh'],
  ['stale, idle, the provider healthy', state(), 10 * MIN, 'known', 'wait-for-fetch-or-bound'],
  ['stale, idle, staleWait 0', state({ policy: { staleWait: 0 } }), 11 * MIN, 'known', 'serve-and-refresh'],
  [
    'stale, a refresh from before expiry in flight',
    state({ fetching: true, lastAttemptAt: 9 * MIN }),
    11 * MIN,
    'known',
    'serve',
  ],
  ['stale, a refetch from after expiry: joined', inFlight(10.5 * MIN), 11 * MIN, 'known', 'wait-for-fetch-or-bound'],
  ['stale while failing, within the backoff', state({ ...failing, retryAt: 12 * MIN }), 11 * MIN, 'known', 'serve'],
  ['stale while failing, past it', state({ ...failing, retryAt: 11 * MIN }), 11 * MIN, 'known', 'serve-and-refresh'],
  ['stale, one ms before maxStale', state({ ...failing, retryAt: 25 * H }), 10 * MIN + 24 * H - 1, 'known', 'serve'],
  ['past maxStale, within the backoff', state({ ...failing, retryAt: 25 * H }), 10 * MIN + 24 * H, 'known', 'fail'],
  ['past maxStale, past the backoff', state({ ...failing, retryAt: 1 }), 25 * H, 'known', 'wait-for-fetch'],
  ['past maxStale, a fetch in flight', state({ ...failing, fetching: true }), 25 * H, 'known', 'wait-for-fetch'],
  ['past maxStale, the provider healthy', state(), 25 * H, 'known', 'wait-for-fetch'],
  [
    'maxStale Infinity, a year later, down',
    state({ ...failing, retryAt: 2 * YEAR, policy: forever }),
    YEAR,
    'known',
    'serve',
  ],
  ['unknown kid, within the cooldown', state({ lastAttemptAt: 1 * MIN }), 1 * MIN + 29 * S, 'unknown', 'unknown-key'],
  ['unknown kid, past the cooldown', state({ lastAttemptAt: 1 * MIN }), 1 * MIN + 30 * S, 'unknown', 'wait-for-fetch'],
  ['unknown kid, a fetch in flight', inFlight(1 * MIN), 1 * MIN, 'unknown', 'wait-for-fetch'],
  ['unknown kid, down, within the backoff', state({ ...failing, retryAt: 2 * MIN }), 1 * MIN, 'unknown', 'fail'],
  [
    'unknown kid, down, past the backoff',
    state({ ...failing, retryAt: 1 * MIN }),
    1 * MIN,
    'unknown',
    'wait-for-fetch',
  ],
  [
    'unknown kid, down, the set stale, past the backoff',
    state({ ...failing, retryAt: 11 * MIN }),
    11 * MIN,
    'unknown',
    'wait-for-fetch',
  ],
];

describe('what the key source does for a request', () => {
  it.each(rows)('%s', (_name, current, now, kid, decision) => {
    expect(decide(current, now, kid)).toBe(decision);
  });
});

describe('how old the set is, derived once', () => {
  it.each([
    [0, 'fresh'],
    [7.5 * MIN - 1, 'fresh'],
    [7.5 * MIN, 'due'],
    [10 * MIN - 1, 'due'],
    [10 * MIN, 'stale'],
    [10 * MIN + 24 * H - 1, 'stale'],
    [10 * MIN + 24 * H, 'expired'],
  ] as const)('at %d ms: %s', (now, age) => {
    expect(setAge(state(), now)).toBe(age);
  });

  it('missing before the first fetch; maxStale 0 makes a set expire with its lifetime', () => {
    expect(setAge(state(cold), 0)).toBe('missing');
    expect(setAge(state({ policy: { maxStale: 0 } }), 10 * MIN)).toBe('expired');
  });
});

describe('health, announcements and the fetches health() and refresh() start, from the same state', () => {
  it.each([
    ['cold', state(cold), 0, { status: 'unavailable', failures: 0 }],
    [
      'cold, down',
      state({ ...cold, ...failing }),
      0,
      { status: 'unavailable', failures: 2, reason: 'http_status 500' },
    ],
    ['fresh', state(), 1 * MIN, { status: 'ok', age: 1 * MIN, keys: 3, failures: 0 }],
    ['stale, the provider healthy', state(), 11 * MIN, { status: 'ok', age: 11 * MIN, keys: 3, failures: 0 }],
    [
      'stale while down',
      state(failing),
      11 * MIN,
      { status: 'stale', age: 11 * MIN, keys: 3, failures: 2, reason: 'http_status 500' },
    ],
    [
      'past maxStale',
      state(failing),
      25 * H,
      { status: 'unavailable', age: 25 * H, keys: 3, failures: 2, reason: 'http_status 500' },
    ],
  ] as const)('%s', (_name, current, now, health) => {
    expect(healthOf(current, now)).toEqual(health);
  });

  it('health() refreshes past the refresh-ahead point, refresh() past the cooldown; neither while fetching', () => {
    expect(healthRefreshes(state(), 7 * MIN)).toBe(false);
    expect(healthRefreshes(state(), 8 * MIN)).toBe(true);
    expect(healthRefreshes(state({ fetching: true }), 8 * MIN)).toBe(false);
    expect(healthRefreshes(state(cold), 0)).toBe(true);
    expect(refreshFetches(state(), 29 * S)).toBe(false);
    expect(refreshFetches(state(), 30 * S)).toBe(true);
    expect(refreshFetches(state({ fetching: true }), 1)).toBe(true);
    expect(refreshFetches(state({ ...cold, ...failing, retryAt: 5 * S }), 4 * S)).toBe(false);
  });

  it('stale, then expired, each announced once per outage; nothing while the provider answers', () => {
    expect(noticed(state(), 11 * MIN)).toBeUndefined();
    const stale = noticed(state(failing), 11 * MIN);
    expect(stale?.events).toEqual([{ type: 'stale', age: 11 * MIN, keys: 3 }]);
    expect(noticed(stale?.state as KeySourceState, 12 * MIN)).toBeUndefined();
    const expired = noticed(stale?.state as KeySourceState, 25 * H);
    expect(expired?.events).toEqual([{ type: 'expired', age: 25 * H }]);
    expect(noticed(expired?.state as KeySourceState, 26 * H)).toBeUndefined();
  });

  it('failures back off 1 s, 2 s, 4 s… up to the cooldown; the outage starts with the first failed attempt', () => {
    let current = state({ set: undefined });
    const retries: number[] = [];
    for (let n = 0; n < 7; n += 1) {
      current = fetchStarted(current, n * MIN);
      const step = fetchFailed(current, new Error('boom'), n * MIN + 10);
      current = step.state;
      retries.push(current.retryAt - (n * MIN + 10));
      expect(step.events[0]).toMatchObject({ type: 'failed', reason: 'not_a_jwks', failures: n + 1 });
    }
    expect(retries).toEqual([1 * S, 2 * S, 4 * S, 8 * S, 16 * S, 30 * S, 30 * S]);
    expect(current.downSince).toBe(0);
    const recovered = fetchSucceeded(
      fetchStarted(current, 10 * MIN),
      { keys: [], maxAge: 60 * S, dropped: {} },
      10 * MIN,
    );
    expect(recovered.events).toEqual([
      { type: 'fetched', keys: 0, maxAge: 60 * S },
      { type: 'recovered', downFor: 10 * MIN, failures: 7, keys: 0 },
    ]);
    expect(recovered.state).toMatchObject({ failures: 0, lastError: undefined, announced: undefined });
    expect(recovered.state.set).toMatchObject({ fetchedAt: 10 * MIN, lifetime: 60 * S, refreshAt: 10 * MIN + 45 * S });
  });
});
