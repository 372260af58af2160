/**
 * What the key source does for a request, as a pure function of its state,
 * the clock and whether the requested `kid` is known: serve the set, serve it
 * and refresh it in the background, wait for a fetch (whole, or at most
 * `staleWaitDuration`), or fail. The runner (key-source-runner.ts) carries
 * the decision out; the tests read it as a table.
 */
import { type KeySourceState, setAge } from './key-source-state.js';

export type Decision =
  /** Verify with the set as it is. */
  | 'serve'
  /** Verify with the set, and start a fetch nobody waits for (or join the one in flight). */
  | 'serve-and-refresh'
  /** Wait for a fetch (the one in flight, or a new one) to end, up to its timeout. */
  | 'wait-for-fetch'
  /** Wait for a fetch at most `staleWaitDuration`, then verify with the set that expired (rule 67). */
  | 'wait-for-fetch-or-bound'
  /** No set can be used and none may be fetched now: 503, the last failure's reason. */
  | 'fail'
  /** The set has no key for the `kid` and may not be refetched yet: the key is unknown, 401. */
  | 'unknown-key';

/**
 * `kid` is `known` for every request until the set served lacks its key, then `unknown`: the provider may
 * have a new key, worth one refetch per cooldown (per backoff while it fails).
 */
export function decide(state: KeySourceState, now: number, kid: 'known' | 'unknown'): Decision {
  return kid === 'known' ? decideForKey(state, now) : decideForUnknownKid(state, now);
}

/**
 * A request waits for the whole fetch only when there is no usable set. When the set expired while nothing was
 * refreshing it (an idle instance) and the provider is not known to be down, it waits for the refetch at most
 * `staleWait`, then is served from the expired set: a healthy provider answers within it, so a removed key
 * stops verifying at expiry (stale-while-revalidate, RFC 5861 §3). A refresh that started before expiry is
 * not waited for: the set serves until it ends.
 */
function decideForKey(state: KeySourceState, now: number): Decision {
  const age = setAge(state, now);
  if (age === 'fresh') return 'serve';
  if (age === 'missing' || age === 'expired') return state.fetching || mayFetch(state, now) ? 'wait-for-fetch' : 'fail';
  const expiry = (state.set?.fetchedAt ?? 0) + (state.set?.lifetime ?? 0);
  const refreshing = state.fetching && state.lastAttemptAt < expiry;
  if (age === 'stale' && state.failures === 0 && !refreshing) {
    return state.policy.staleWait === 0 ? 'serve-and-refresh' : 'wait-for-fetch-or-bound';
  }
  return mayFetchAhead(state, now) ? 'serve-and-refresh' : 'serve';
}

function decideForUnknownKid(state: KeySourceState, now: number): Decision {
  if (state.fetching) return 'wait-for-fetch';
  if (state.failures > 0) return now >= state.retryAt ? 'wait-for-fetch' : 'fail';
  return now - state.lastAttemptAt >= state.policy.cooldown ? 'wait-for-fetch' : 'unknown-key';
}

/** `health()` refreshes a set that is missing or past its refresh-ahead point, as a request would. */
export function healthRefreshes(state: KeySourceState, now: number): boolean {
  return setAge(state, now) !== 'fresh' && mayFetchAhead(state, now);
}

/** `refresh()` fetches unless a fetch is too recent (cooldown, backoff), and joins one in flight. */
export function refreshFetches(state: KeySourceState, now: number): boolean {
  return state.fetching || (state.set === undefined ? mayFetch(state, now) : mayFetchAhead(state, now));
}

/** No fetch in flight, and past the backoff if the last one failed. */
function mayFetch(state: KeySourceState, now: number): boolean {
  return !state.fetching && (state.failures === 0 || now >= state.retryAt);
}

/** A fetch nobody waits for (refresh ahead): also at most one per cooldown while the provider answers. */
function mayFetchAhead(state: KeySourceState, now: number): boolean {
  return mayFetch(state, now) && (state.failures > 0 || now - state.lastAttemptAt >= state.policy.cooldown);
}
