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
 * with Retry-After (the store's 500 ms timeout), never a pass.
 */
export function redisReplayStore(url, signal) {
  // One try per command: a request waits for the store's timeout at most anyway, so nothing piles up.
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  logOutages(client);
  signal?.addEventListener('abort', () => client.disconnect(), { once: true });
  return createRedisReplayStore({ client });
}

/** One line when Redis becomes unreachable, not one per reconnection attempt; never the URL, which may hold a password. */
function logOutages(client) {
  let reachable = true;
  client.on('ready', () => {
    reachable = true;
  });
  client.on('error', (error) => {
    if (!reachable) return;
    reachable = false;
    console.error(
      `REDIS_URL: Redis is unreachable (${error.code ?? error.name}); DPoP requests get 503 until it is back`,
    );
  });
}
