/**
 * Carries out the key source's decisions (key-source-decision.ts): keeps its
 * state (key-source-state.ts), runs one fetch at a time, bounds a wait by
 * `staleWaitDuration`, emits the events and resolves the keys. The only
 * timers are a fetch's timeout and, while requests wait on a fetch, the
 * stale-wait bound: nothing runs while idle.
 */
import type { CryptoKey, FlattenedJWSInput, JWSHeaderParameters } from 'jose';
import { readProperty } from '../util/safe-read.js';
import type { KeySourceEvent, KeySourceHealth } from './key-source.js';
import { decide, healthRefreshes, refreshFetches } from './key-source-decision.js';
import { type FetchLimits, fetchKeySet } from './key-source-fetch.js';
import {
  fetchEnded,
  fetchFailed,
  fetchStarted,
  fetchSucceeded,
  healthOf,
  initialState,
  type KeySet,
  type KeySourcePolicy,
  type KeySourceState,
  noticed,
  type Step,
  unavailable,
  usableSet,
} from './key-source-state.js';

export class KeySourceRunner {
  private state: KeySourceState;
  private inflight: Promise<void> | undefined;
  /** The fetch in flight or the stale-wait bound, whichever ends first; made when a first request waits. */
  private inflightOrBound: Promise<void> | undefined;

  constructor(
    private readonly href: URL,
    private readonly limits: FetchLimits,
    policy: KeySourcePolicy,
    private readonly onEvent: (event: KeySourceEvent) => void,
  ) {
    this.state = initialState(policy);
  }

  /** No async function on the fast path (a fresh set): its promise and await cost more than the key lookup. */
  getKey(header: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey> {
    const set = this.keySet(); // never throws: its failures are rejected promises
    return set instanceof Promise
      ? set.then((ready) => this.keyFrom(ready, header, token))
      : this.keyFrom(set, header, token);
  }

  health(): KeySourceHealth {
    const now = Date.now();
    if (healthRefreshes(this.state, now)) void this.fetchNow();
    return healthOf(this.state, now);
  }

  async refresh(): Promise<KeySourceHealth> {
    if (refreshFetches(this.state, Date.now())) await this.fetchNow();
    return this.health();
  }

  private keySet(): KeySet | Promise<KeySet> {
    const decision = decide(this.state, Date.now(), 'known');
    if (decision === 'wait-for-fetch') return this.fetchNow().then(() => this.served());
    if (decision === 'wait-for-fetch-or-bound') return this.fetchWithinStaleWait().then(() => this.served());
    if (decision === 'serve-and-refresh') void this.fetchNow();
    return this.served();
  }

  /** The usable set, once any announcement the clock brings is made; else the source's failure. */
  private served(): KeySet | Promise<KeySet> {
    const now = Date.now();
    if (this.state.failures > 0) this.apply(noticed(this.state, now));
    return usableSet(this.state, now) ?? Promise.reject(unavailable(this.state));
  }

  private keyFrom(set: KeySet, header: JWSHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey> {
    return set
      .resolve(header, token as FlattenedJWSInput)
      .catch((error: unknown) => this.unknownKid(error, set, header, token));
  }

  private async unknownKid(error: unknown, set: KeySet, header: JWSHeaderParameters, token?: FlattenedJWSInput) {
    if (readProperty(error, 'code') !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
    const decision = decide(this.state, Date.now(), 'unknown');
    if (decision === 'fail') throw unavailable(this.state);
    if (decision !== 'wait-for-fetch') throw error;
    await this.fetchNow();
    if (this.state.failures > 0) throw unavailable(this.state); // the key may exist at the provider: 503, never 401
    return (usableSet(this.state, Date.now()) ?? set).resolve(header, token as FlattenedJWSInput);
  }

  private fetchNow(): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    this.state = fetchStarted(this.state, Date.now());
    const attempt = fetchKeySet(this.href, this.limits)
      .then((fetched) => this.apply(fetchSucceeded(this.state, fetched, Date.now())))
      .catch((error: unknown) => this.apply(fetchFailed(this.state, error, Date.now())))
      .finally(() => {
        this.state = fetchEnded(this.state);
        this.inflight = undefined;
        this.inflightOrBound = undefined;
      });
    this.inflight = attempt;
    return attempt;
  }

  /**
   * The refetch of an expired set, waited for at most `staleWait` (docs/conformance.md rule 67): a hanging
   * provider no longer holds requests that the stale set can serve. The bound counts from the first request
   * that waits.
   */
  private fetchWithinStaleWait(): Promise<void> {
    const attempt = this.fetchNow();
    this.inflightOrBound ??= new Promise<void>((resolve) => {
      const bound = setTimeout(resolve, this.state.policy.staleWait);
      void attempt.then(() => {
        clearTimeout(bound);
        resolve();
      });
    });
    return this.inflightOrBound;
  }

  private apply(step: Step | undefined): void {
    if (step === undefined) return;
    this.state = step.state;
    for (const event of step.events) {
      try {
        this.onEvent(event);
      } catch {
        // A failing event handler must not fail a verification.
      }
    }
  }
}
