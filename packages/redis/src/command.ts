/** The one Redis call the store makes, whichever client it was given. */
import type { IoRedisLike, NodeRedisLike } from './index.js';

/** `client` as a function of `[command, ...args]`: ioredis's `call`, or node-redis's `sendCommand`. */
export function commandOf(client: unknown): (args: string[]) => Promise<unknown> {
  const candidate = client as Partial<IoRedisLike & NodeRedisLike> | null;
  if (typeof candidate?.call === 'function') {
    const call = candidate.call.bind(candidate);
    return ([command, ...args]) => call(command as string, ...args);
  }
  if (typeof candidate?.sendCommand === 'function') return candidate.sendCommand.bind(candidate);
  throw new TypeError('auth-errors: option "client" must be an ioredis or a node-redis client');
}
