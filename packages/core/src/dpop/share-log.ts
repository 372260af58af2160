/**
 * The log of keys over their share of the replay store (docs/conformance.md
 * rule 70): one stderr line when a key goes over it, not one per refused
 * request. A key stays over its share until it has not been refused for as
 * long as its proofs live, so a flooder that gets a slot back each time an
 * old proof expires is still one episode, and one line. The line never names
 * the key. At most `MAX_TRACKED` keys are remembered: past that the oldest is
 * forgotten, which can only cost a repeated line.
 */

import { logLine } from '../util/log-line.js';

const MAX_TRACKED = 1000;

export interface ShareLog {
  /** A request of key `jkt` was refused for being over its share; its proofs live `ttl` ms. */
  refused(jkt: string, ttl: number): void;
}

export function createShareLog(now: () => number): ShareLog {
  const over = new Map<string, number>();
  return {
    refused(jkt, ttl) {
      const at = now();
      const until = over.get(jkt);
      over.delete(jkt); // re-inserted last: the map stays ordered by the latest refusal
      over.set(jkt, at + ttl);
      if (until !== undefined && until > at) return;
      if (over.size > MAX_TRACKED) over.delete(over.keys().next().value as string);
      logLine(
        'a DPoP key holds its whole share of the replay store: its requests get 429 until its oldest proofs expire',
      );
    },
  };
}
