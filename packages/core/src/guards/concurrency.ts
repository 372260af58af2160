/**
 * A bound on how many `verify` calls of one guard run at once. A password
 * check worth its name is slow on purpose (scrypt, bcrypt, argon2: tens of
 * milliseconds), and Node runs it on libuv's thread pool, 4 threads by
 * default, which WebCrypto (every JWT and DPoP signature check), `fs` and DNS
 * share. Unbounded, a flood of Basic requests with wrong passwords fills the
 * pool: every other route of the process, JWT ones included, then waits behind
 * it. Past the bound, a request is refused at once with 503 and `Retry-After`,
 * which costs nothing; the checks already running finish.
 */
import { type AuthError, type AuthErrorOptions, authUnavailable } from '../errors/errors.js';
import { logLine } from '../util/log-line.js';

/** Default: half of libuv's default pool of 4 threads, so that the rest of the process keeps two. */
export const DEFAULT_MAX_CONCURRENT = 2;
/** `Retry-After` of the refusal: the checks it waits for take milliseconds, not the renderer's 5 s. */
const BUSY_RETRY_AFTER = 1;
const MINUTE = 60_000;

/** The code of the 503's cause: the renderer's default log leaves these to the line below, not one per request. */
export const VERIFY_BUSY = 'ERR_AUTH_VERIFY_BUSY';

/** The cause of the 503 a guard over its bound answers. */
export class VerifyBusyError extends Error {
  override readonly name = 'VerifyBusyError';
  readonly code = VERIFY_BUSY;
}

export interface ConcurrencyLimit {
  /** Runs `task` when a slot is free; otherwise resolves to the 503 at once, without running it. */
  run<T>(task: () => Promise<T>, context: AuthErrorOptions): Promise<T | AuthError>;
}

/**
 * `guard` names the guard in the log line, written when it first refuses
 * and at most once a minute while it keeps refusing, with the count.
 */
export function createConcurrencyLimit(max: number, guard: string, now: () => number = Date.now): ConcurrencyLimit {
  let running = 0;
  let refused = 0;
  let lastLine = Number.NEGATIVE_INFINITY;

  function refuse(context: AuthErrorOptions): AuthError {
    refused += 1;
    const at = now();
    if (at - lastLine >= MINUTE) {
      const calls = max === 1 ? '1 verify call' : `${max} verify calls`;
      const requests = refused === 1 ? '1 request' : `${refused} requests`;
      logLine(`${guard}: ${calls} running (maxConcurrent), ${requests} answered 503 since the last line`);
      lastLine = at;
      refused = 0;
    }
    return authUnavailable({
      ...context,
      retryAfter: BUSY_RETRY_AFTER,
      cause: new VerifyBusyError(`${guard} is busy`),
    });
  }

  return {
    async run(task, context) {
      if (running >= max) return refuse(context);
      running += 1;
      try {
        return await task();
      } finally {
        running -= 1;
      }
    },
  };
}
