/**
 * @auth-errors/redis: a DPoP replay store (RFC 9449 §11.1) that every
 * instance of an API shares. Each proof costs one round trip to one atomic
 * Lua script: `SET key 1 PX ttl` if the key is absent and its owner (the
 * proof key's thumbprint) holds fewer than `maxEntriesPerOwner` live proofs,
 * counted in a sorted set by expiry. The first instance to record a proof
 * wins, every other sees a replay; a key over its share gets 429 and every
 * other key keeps working (docs/conformance.md rule 70). When Redis is
 * unreachable, slower than `timeout` or answers an error, `reserve` rejects
 * and the guard answers 503 with Retry-After: never an accepted replay, never
 * a 401. Clients: ioredis 5 (`new Redis(url)`), or node-redis 4/5
 * (`createClient()`, connected) through its `sendCommand`.
 */
import type { ReplayStore } from '@auth-errors/core';
import { options as declared } from '@auth-errors/core/adapter';
import { REDIS_REPLAY_STORE_OPTIONS } from './options.js';
import { createOutageLog, ReplayStoreUnavailable, reasonOf } from './outage-log.js';

/** ioredis: `call(command, ...args)`. */
export interface IoRedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

/** node-redis 4/5: `sendCommand([command, ...args])`. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisReplayStoreOptions {
  /** A connected ioredis or node-redis client; it reconnects by itself after an outage. */
  readonly client: IoRedisLike | NodeRedisLike;
  /**
   * Prefix of every key, so that one Redis can serve several APIs. Default
   * `auth-errors:dpop:`. On Redis Cluster, make it a hash tag (`{auth-errors}:dpop:`):
   * the script touches a proof's key and its owner's set, which must share a slot.
   */
  readonly prefix?: string | undefined;
  /** Milliseconds to wait for Redis before the request gets 503. Default 500. */
  readonly timeout?: number | undefined;
  /**
   * The most live proofs one proof key holds; past it, that key gets 429 until
   * its oldest proofs expire. A key sending R proofs a second holds about
   * R × `dpop.window` of them. Default 10000 (160 proofs a second at a 60 s window).
   */
  readonly maxEntriesPerOwner?: number | undefined;
}

export { ReplayStoreUnavailable } from './outage-log.js';

/** Redis did not answer within `timeout` (the `cause` of the `ReplayStoreUnavailable` the store then rejects with). */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/**
 * KEYS[1] the proof's key, KEYS[2] its owner's sorted set (member: the proof
 * key, score: its expiry in ms of the Redis clock); ARGV ttl ms, share.
 * Answers 1 (recorded), 0 (a replay) or, over the share, minus the ms until
 * the owner's oldest proof expires (at least 1). Redis 5 or later (effects
 * replication, so TIME may precede writes).
 */
const SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return -math.max(1, tonumber(oldest[2]) - now)
end
redis.call('SET', KEYS[1], '1', 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1`;

function withTimeout<T>(promise: Promise<T>, timeout: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(`Redis did not answer within ${timeout} ms`)), timeout);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function sha1(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The script's answer as `reserve` resolves it. */
function reservation(reply: unknown): boolean | { readonly retryAfter: number } {
  if (reply === 1) return true;
  if (reply === 0) return false;
  if (typeof reply === 'number' && Number.isSafeInteger(reply) && reply < 0) {
    return { retryAfter: Math.ceil(-reply / 1000) };
  }
  throw new TypeError('auth-errors: unexpected reply from Redis to the replay script');
}

/** Redis forgot the script (a restart, SCRIPT FLUSH): EVAL sends it again and caches it. */
function isNoScript(error: unknown): boolean {
  return typeof (error as { message?: unknown })?.message === 'string' && /^NOSCRIPT/.test((error as Error).message);
}

export function createRedisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  const settings = declared.readOptions(REDIS_REPLAY_STORE_OPTIONS, options);
  const { client: command, prefix, timeout, maxEntriesPerOwner: share } = settings;
  const digest = sha1(SCRIPT);

  /** One round trip: EVALSHA; a second (EVAL) only when Redis lost the script. */
  async function run(keys: [string, string], args: string[]): Promise<unknown> {
    const rest = ['2', ...keys, ...args];
    try {
      return await command(['EVALSHA', await digest, ...rest]);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return command(['EVAL', SCRIPT, ...rest]);
    }
  }

  const outage = createOutageLog();

  return {
    async reserve(key, ttl, owner) {
      if (typeof owner !== 'string') throw new TypeError('auth-errors: replayStore.reserve needs an owner string');
      const keys: [string, string] = [`${prefix}${key}`, `${prefix}owner:${owner}`];
      let reply: unknown;
      try {
        reply = await withTimeout(run(keys, [String(ttl), String(share)]), timeout);
      } catch (error) {
        const reason = reasonOf(error, error instanceof RedisTimeoutError);
        outage.failed(reason);
        throw new ReplayStoreUnavailable(reason, { cause: error });
      }
      outage.answered();
      return reservation(reply);
    },
  };
}
