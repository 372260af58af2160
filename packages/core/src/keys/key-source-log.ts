/** The key source's default log: one stderr line per state change, no URL path, no body, no key material. */

import { logLine } from '../util/log-line.js';
import type { KeySourceEvent } from './key-source.js';

const MINUTE = 60_000;

/**
 * The default `onEvent`, to call from your own handler if you want its log as
 * well: a stderr line when the provider goes down, at most one a minute while
 * it stays down, one when keys are dropped past maxStale, one when it recovers,
 * and one when the set served holds keys that are ignored. `host` names the
 * provider in the lines (createRemoteKeySource uses the JWKS URL's host).
 */
export function createKeySourceLogger(host: string): (event: KeySourceEvent) => void {
  let downSince = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  let lastDropped = '';
  const line = (text: string) => {
    lastLine = Date.now();
    logLine(`JWKS at ${host} ${text}`);
  };
  return (event) => {
    const now = Date.now();
    if (event.type === 'failed' || event.type === 'stale') {
      const first = event.type === 'failed' && event.failures === 1;
      if (first) downSince = now;
      else if (now - lastLine < MINUTE) return;
      const state = first ? 'is unavailable' : `still unavailable after ${human(now - downSince)}`;
      const why = event.type === 'failed' ? ` (${event.reason})` : '';
      const using =
        event.age === undefined ? 'no keys yet, JWT requests get 503' : `using keys of ${human(event.age)} ago`;
      line(`${state}${why}; ${using}`);
    } else if (event.type === 'expired') {
      line(`unavailable past maxStale: keys of ${human(event.age)} ago dropped, JWT requests get 503`);
    } else if (event.type === 'recovered') {
      line(`recovered after ${human(event.downFor)} and ${event.failures} failed fetches: ${event.keys} keys`);
    } else if (event.type === 'dropped') {
      const summary = Object.entries(event.reasons)
        .map(([reason, n]) => `${reason} ${n}`)
        .join(', ');
      if (summary !== lastDropped) line(`served ${event.count} keys that are ignored (${summary})`);
      lastDropped = summary;
    }
  };
}

function human(ms: number): string {
  if (ms < MINUTE) return `${Math.round(ms / 1000)} s`;
  return ms < 60 * MINUTE ? `${Math.round(ms / MINUTE)} min` : `${Math.round(ms / (60 * MINUTE))} h`;
}
