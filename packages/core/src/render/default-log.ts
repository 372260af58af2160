/**
 * The renderer's `onError` when the application gives none: one stderr line
 * per 5xx failure (its code, the request, the cause's class name and code,
 * never its message), none for expected 4xx failures.
 */
import { VERIFY_BUSY } from '../guards/concurrency.js';
import { logLine } from '../util/log-line.js';
import { readProperty } from '../util/safe-read.js';
import type { AuthErrorEvent } from './render.js';

/**
 * Causes that are logged where they happen, once per state change, not once per
 * refused request: a key-source outage (`KeySourceError`, key-source-fetch.ts),
 * a full in-process replay store (`ReplayStoreFull`, dpop/replay.ts), a Redis
 * replay store that cannot be reached, and a guard at its bound of concurrent
 * checks (guards/concurrency.ts).
 */
const LOGGED_AT_SOURCE = new Set([
  'ERR_JWKS_UNAVAILABLE',
  'ERR_DPOP_REPLAY_STORE_FULL',
  // @auth-errors/redis's ReplayStoreUnavailable: that store logs its outages.
  'ERR_DPOP_REPLAY_STORE_UNAVAILABLE',
  VERIFY_BUSY,
]);

export function logUnavailable(event: AuthErrorEvent): void {
  if (event.status < 500) return;
  const cause = event.cause;
  const name = readProperty(cause, 'name');
  const code = readProperty(cause, 'code') ?? readProperty(readProperty(cause, 'cause'), 'code');
  // A line per refused request would flood the log.
  if (typeof code === 'string' && LOGGED_AT_SOURCE.has(code)) return;
  const reason = [
    typeof name === 'string' ? bounded(name) : undefined,
    typeof code === 'string' ? `[${bounded(code)}]` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  // The name and code are whatever the failing callback or driver put there: logLine escapes them.
  logLine(
    `${event.code} (${event.status}) for ${event.method ?? '?'} ${event.path ?? '?'}${reason ? `: ${reason}` : ''}`,
  );
}

/** A class name or an error code is short: anything longer is cut, so that one failure cannot write a huge line. */
function bounded(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
