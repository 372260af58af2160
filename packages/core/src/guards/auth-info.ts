/** What a guard puts on the request (`req.auth`, `ctx.state.auth`) once credentials are verified. */
import type { JWTPayload } from 'jose';
import type { AuthScheme, DpopChallenge } from '../render/challenge.js';
import { readProperty } from '../util/safe-read.js';

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
  /** With the DPoP scheme: the JWK SHA-256 thumbprint of the proof key the token is bound to (RFC 9449 §6). */
  readonly jkt?: string | undefined;
  /** A fresh server nonce for the response's `DPoP-Nonce` header (RFC 9449 §9). */
  readonly dpopNonce?: string | undefined;
}

/** What `jwtAuth` puts on the request: the verified payload, typed with the application's own claims `C`. */
export interface JwtAuthInfo<Claims extends object = Record<never, never>> extends AuthInfo<JWTPayload & Claims> {
  readonly claims: JWTPayload & Claims;
}

/**
 * The DPoP challenge of the guard that verified an AuthInfo, carried on the
 * AuthInfo itself for the checks that follow the guard: under a key of this
 * module's own, not enumerable, so it is in no log line, no JSON and no
 * copy an application makes, and no state outlives the request.
 */
const DPOP_CHALLENGE = Symbol('auth-errors.dpop-challenge');

type WithChallenge = { readonly [DPOP_CHALLENGE]?: DpopChallenge };

/** `auth`, carrying the DPoP challenge of the guard that verified it (none for a guard without DPoP). */
export function withDpopChallenge<A extends AuthInfo>(auth: A, challenge: DpopChallenge | undefined): A {
  if (challenge !== undefined) Object.defineProperty(auth, DPOP_CHALLENGE, { value: challenge });
  return auth;
}

/**
 * What a check's failure needs to answer in the scheme the client used: for a
 * DPoP request, the scheme and the guard's DPoP challenge; otherwise the scheme only.
 */
export function challengeContext(auth: AuthInfo | undefined): {
  scheme: AuthScheme | undefined;
  dpop?: DpopChallenge | undefined;
} {
  if (auth === undefined || auth === null) return { scheme: undefined };
  return { scheme: auth.scheme, dpop: (auth as WithChallenge)[DPOP_CHALLENGE] };
}

const PRIVATE: readonly (readonly [string, string])[] = [['cache-control', 'private']];

/**
 * Headers a successful response must carry because of how the caller
 * authenticated: `Cache-Control: private` when the token came in the query
 * (RFC 6750 §2.3), so no shared cache stores a response to a URL with a token;
 * a new DPoP nonce, not to be cached either (RFC 9449 §9).
 */
export function successHeaders(auth: AuthInfo): readonly (readonly [string, string])[] {
  if (auth.dpopNonce !== undefined) {
    return [
      ['dpop-nonce', auth.dpopNonce],
      ['cache-control', 'no-store'],
    ];
  }
  return auth.via === 'query' ? PRIVATE : [];
}

/** Reads granted scopes from a JWT payload or a principal: `scope` string, `scp` array/string, or `scopes` array. */
export function scopesOf(source: unknown): string[] {
  for (const key of SCOPE_MEMBERS) {
    const value = readProperty(source, key);
    if (typeof value === 'string') {
      const scopes = value.split(' ');
      // Runs of spaces leave empty strings; a well-formed value (every token) has none to filter.
      return scopes.includes('') ? scopes.filter((s) => s.length > 0) : scopes;
    }
    if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  }
  return [];
}

const SCOPE_MEMBERS = ['scope', 'scp', 'scopes'];
