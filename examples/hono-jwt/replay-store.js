// The DPoP replay store (RFC 9449 §11.1) on the Redis of REDIS_URL. Every
// instance records the proofs it accepts in that one Redis, so a proof
// accepted at one instance is refused at all the others. Without REDIS_URL
// each process keeps its own record, and a proof replayed at another instance
// is accepted there. Duplicated on purpose, word for word, into each example
// of the auth-errors repository that verifies JWTs; keep the copies identical.
import { createRedisReplayStore } from '@auth-errors/redis';
import { Redis } from 'ioredis';

/**
 * A replay store on the Redis at `url`; its connection closes when `signal`
 * aborts. While Redis is down or slow, a request with a DPoP proof gets 503
 * with Retry-After (the store's 500 ms timeout), never a pass, and the store
 * logs the outage once when it starts and once when it ends, never the URL.
 */
export function redisReplayStore(url, signal) {
  // One try per command: a request waits for the store's timeout at most anyway, so nothing piles up.
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  // Without a listener ioredis prints every reconnection error, with the address; the store logs the outage.
  client.on('error', () => {});
  signal?.addEventListener('abort', () => client.disconnect(), { once: true });
  return createRedisReplayStore({ client });
}
