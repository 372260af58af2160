/** What a guard puts on the request (`req.auth`, `ctx.state.auth`) once credentials are verified. */
import type { JWTPayload } from 'jose';
import type { AuthScheme } from '../challenge.js';
import { readProperty } from '../safe-read.js';

export interface AuthInfo<Principal = unknown> {
  readonly scheme: AuthScheme;
  /** What `verify` accepted the credentials as (`{ user }` for Basic's `true`), or the JWT payload. */
  readonly principal: Principal;
  /** Granted scopes: the token's `scope` (space-separated) or `scp`, or the principal's `scopes`. */
  readonly scopes: readonly string[];
  /** The verified JWT claims, for JWT guards. */
  readonly claims?: JWTPayload | undefined;
  /** Where a Bearer token came from (RFC 6750 §2): the header, an urlencoded body or the query. */
  readonly via?: 'header' | 'body' | 'query' | undefined;
}

/** What `jwtAuth` puts on the request: the verified payload, typed with the application's own claims `C`. */
export interface JwtAuthInfo<Claims extends object = Record<never, never>> extends AuthInfo<JWTPayload & Claims> {
  readonly claims: JWTPayload & Claims;
}

const PRIVATE: readonly (readonly [string, string])[] = [['cache-control', 'private']];

/**
 * Headers a successful response must carry because of how the caller
 * authenticated: `Cache-Control: private` when the token came in the query
 * (RFC 6750 §2.3), so no shared cache stores a response to a URL with a token.
 */
export function successHeaders(auth: AuthInfo): readonly (readonly [string, string])[] {
  return auth.via === 'query' ? PRIVATE : [];
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
