/**
 * Where a guard keeps what it verified, on an object the adapter chooses
 * (Express `req`, Koa `ctx.state`), under registered symbols: no global type
 * augmentation of `req.auth` that could collide with another library's, and
 * two copies of this package still read each other's entries.
 */
import type { AuthInfo } from './auth-info.js';

const INFO = Symbol.for('auth-errors.auth');
const OWNER = Symbol.for('auth-errors.auth.guard');

type Slots = { [INFO]?: AuthInfo; [OWNER]?: object };

/** Records `info` as what `owner` (the guard) verified for this request. */
export function storeAuth(target: object, info: AuthInfo, owner: object): void {
  const slots = target as Slots;
  slots[INFO] = info;
  slots[OWNER] = owner;
}

/** What the last guard that ran verified for this request, if any. */
export function storedAuth(target: object): AuthInfo | undefined {
  return (target as Slots)[INFO];
}

/** What `owner` verified for this request; `undefined` when another guard, or none, authenticated it. */
export function storedAuthBy(target: object, owner: object): AuthInfo | undefined {
  const slots = target as Slots;
  return slots[OWNER] === owner ? slots[INFO] : undefined;
}
