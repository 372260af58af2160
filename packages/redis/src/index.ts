/**
 * @auth-errors/redis: a DPoP replay store (RFC 9449 §11.1) that every
 * instance of an API shares. Each proof costs one atomic `SET key 1 NX PX ttl`:
 * the first instance to record a proof wins, every other sees a replay. When
 * Redis is unreachable, slower than `timeout` or answers an error, `reserve`
 * rejects and the guard answers 503 with Retry-After: never an accepted replay,
 * never a 401. Clients: ioredis 5 (`new Redis(url)`), or node-redis 4/5
 * (`createClient()`, connected) through its `sendCommand`.
 */
import type { ReplayStore } from '@auth-errors/core';

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
  /** Prefix of every key, so that one Redis can serve several APIs. Default `auth-errors:dpop:`. */
  readonly prefix?: string | undefined;
  /** Milliseconds to wait for Redis before the request gets 503. Default 500. */
  readonly timeout?: number | undefined;
}

/** Redis did not answer within `timeout`. */
export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

function fail(message: string): never {
  throw new TypeError(`auth-errors: ${message}`);
}

function commandOf(client: unknown): (args: string[]) => Promise<unknown> {
  const candidate = client as Partial<IoRedisLike & NodeRedisLike> | null;
  if (typeof candidate?.call === 'function') {
    const call = candidate.call.bind(candidate);
    return ([command, ...args]) => call(command as string, ...args);
  }
  if (typeof candidate?.sendCommand === 'function') return candidate.sendCommand.bind(candidate);
  return fail('option "client" must be an ioredis or a node-redis client');
}

function withTimeout<T>(promise: Promise<T>, timeout: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(`Redis did not answer within ${timeout} ms`)), timeout);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export function createRedisReplayStore(options: RedisReplayStoreOptions): ReplayStore {
  if (typeof options !== 'object' || options === null) fail('createRedisReplayStore options must be an object');
  const command = commandOf(options.client);
  const prefix = options.prefix ?? 'auth-errors:dpop:';
  if (typeof prefix !== 'string') fail('option "prefix" must be a string');
  const timeout = options.timeout ?? 500;
  if (!Number.isSafeInteger(timeout) || timeout < 1)
    fail('option "timeout" must be a positive integer of milliseconds');

  return {
    async reserve(key, ttl) {
      const reply = await withTimeout(command(['SET', `${prefix}${key}`, '1', 'NX', 'PX', String(ttl)]), timeout);
      if (reply === 'OK') return true;
      if (reply === null) return false;
      throw new TypeError('auth-errors: unexpected reply from Redis to SET NX');
    },
  };
}
