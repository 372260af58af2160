/**
 * While Redis is down, every DPoP request gets 503: one log line per refused
 * request would flood the log exactly when someone reads it. The store logs
 * the outage itself instead, one line when it starts, at most one a minute
 * while it lasts, and one when Redis answers again; its failures carry a code
 * that the renderer's default log leaves to these lines. No line names the
 * Redis address, whose URL may hold a password.
 */

/** The code of the store's failures (the cause of the 503), which the renderer's default log does not repeat. */
export const REPLAY_STORE_UNAVAILABLE = 'ERR_DPOP_REPLAY_STORE_UNAVAILABLE';

/** Redis did not answer, or answered an error: the request gets 503. `reason` is `timeout` or a short error code. */
export class ReplayStoreUnavailable extends Error {
  override readonly name = 'ReplayStoreUnavailable';
  readonly code = REPLAY_STORE_UNAVAILABLE;
  constructor(
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(`the DPoP replay store (Redis) is unavailable: ${reason}`, options);
  }
}

const MINUTE = 60_000;

/** A short reason code from what the client threw: a Redis or socket error code, never a message. */
export function reasonOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code)) return code;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'error';
}

function human(ms: number): string {
  if (ms < MINUTE) return `${Math.round(ms / 1000)} s`;
  return ms < 60 * MINUTE ? `${Math.round(ms / MINUTE)} min` : `${Math.round(ms / (60 * MINUTE))} h`;
}

/** The outage state of one store: `failed` on each failure, `answered` on each answer. */
export function createOutageLog(now: () => number = Date.now) {
  let downSince: number | undefined;
  let refused = 0;
  let lastLine = Number.NEGATIVE_INFINITY;
  const line = (text: string) => {
    lastLine = now();
    console.error(`auth-errors: the DPoP replay store (Redis) ${text}`);
  };
  return {
    failed(reason: string): void {
      const at = now();
      refused += 1;
      if (downSince === undefined) {
        downSince = at;
        refused = 0;
        line(`is unavailable (${reason}); DPoP requests get 503 until it answers`);
      } else if (at - lastLine >= MINUTE) {
        line(`is still unavailable after ${human(at - downSince)} (${reason}); ${refused} more requests got 503`);
        refused = 0;
      }
    },
    answered(): void {
      if (downSince === undefined) return;
      line(`answers again after ${human(now() - downSince)}`);
      downSince = undefined;
      refused = 0;
    },
  };
}
