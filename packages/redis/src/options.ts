/** `createRedisReplayStore(options)` as data: read, and listed in docs/options.md, as the core's factories' options are. */
import { options } from '@auth-errors/core/adapter';
import { commandOf } from './command.js';

export const REDIS_REPLAY_STORE_OPTIONS = options.declare(
  'createRedisReplayStore options',
  {
    client: options.custom('an ioredis or node-redis client', commandOf, {
      doc: 'A connected ioredis or node-redis client; it reconnects by itself after an outage.',
      required: true,
    }),
    prefix: options.text({
      doc: 'Prefix of every key; on Redis Cluster make it a hash tag (`{auth-errors}:dpop:`).',
      default: 'auth-errors:dpop:',
    }),
    timeout: options.duration(
      'milliseconds',
      { min: 1 },
      { doc: 'How long to wait for Redis before the request gets 503.', default: 500 },
    ),
    maxEntriesPerOwner: options.count(
      {},
      { doc: 'The most live proofs one proof key holds; past it, that key gets 429.', default: 10_000 },
    ),
  },
  { title: 'createRedisReplayStore(options) (@auth-errors/redis)' },
);
