/** What a guard puts on the request (`req.auth`, `ctx.state.auth`) once credentials are verified. */
import type { JWTPayload } from 'jose';
import type { AuthScheme } from '../challenge.js';
import { readProperty } from '../safe-read.js';

export interface AuthInfo<Principal = unknown> {
  readonly scheme: AuthScheme;
  /** What `verify` returned, or the JWT payload. */
  readonly principal: Principal;
  /** Granted scopes: the token's `scope` (space-separated) or `scp`, or the principal's `scopes`. */
  readonly scopes: readonly string[];
  /** The verified JWT claims, for JWT guards. */
  readonly claims?: JWTPayload | undefined;
}

/** Reads granted scopes from a JWT payload or a principal: `scope` string, `scp` array/string, or `scopes` array. */
export function scopesOf(source: unknown): string[] {
  for (const key of ['scope', 'scp', 'scopes']) {
    const value = readProperty(source, key);
    if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0);
    if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  }
  return [];
}
