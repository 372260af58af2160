/**
 * What a guard is, and the options of the three credential guards (their
 * declarations, which the guards read them with, are options/guard-options.ts).
 */
import type { DpopOptions } from '../dpop/policy.js';
import type { AuthError } from '../errors/errors.js';
import type { JwtVerifierOptions } from '../keys/jwt.js';
import type { AuthRequest } from '../request/request.js';
import type { AuthInfo } from './auth-info.js';
import type { Preflight } from './preflight.js';
import type { Verdict } from './verdict.js';

/**
 * Resolves to the AuthInfo; to the AuthError the request fails with; or to
 * `PREFLIGHT` for a CORS preflight, which the adapter ends with 204. Failures are
 * resolved, not thrown: a throw costs V8 a stack walk and a rejected promise
 * costs the runtime's rejection tracking, on the paths clients hit most (no
 * credentials, a bad token). It rejects only with what is not an auth failure.
 */
export type Guard<Principal = unknown> = (request: AuthRequest) => Promise<AuthInfo<Principal> | AuthError | Preflight>;

/** `V` is what `verify` resolves to; the principal's type is inferred from it. */
export interface BasicGuardOptions<V extends Verdict = Verdict> {
  /** Realm of the Basic challenge; default: the renderer's. */
  readonly realm?: string | undefined;
  /**
   * Checks a user and password (NFC-normalized, UTF-8); see `Verdict` for
   * what to return. Compare secrets with `safeEqual`.
   */
  readonly verify: (user: string, password: string, request: AuthRequest) => V | Promise<V>;
  /**
   * The most `verify` calls that run at once; a request beyond them gets 503
   * `auth_unavailable` with `Retry-After: 1` at once, without calling `verify`.
   * Default 2, half of libuv's default thread pool, where a slow password
   * hash runs next to WebCrypto's JWT checks (guards/concurrency.ts). Raise it
   * for a `verify` that mostly waits on the network (a database lookup).
   */
  readonly maxConcurrent?: number | undefined;
}

export interface BearerGuardOptions<V extends Verdict = Verdict> {
  readonly realm?: string | undefined;
  /** Checks an opaque token; see `Verdict` for what to return. */
  readonly verify: (token: string, request: AuthRequest) => V | Promise<V>;
  /** Also accept `access_token` from the query (RFC 6750 §2.3) or an urlencoded body (§2.2). Default: header only. */
  readonly methods?: { readonly query?: boolean; readonly body?: boolean } | undefined;
  /**
   * Scopes a client should request to use the routes behind this guard: sent as
   * `scope` on its 401 challenges (RFC 6750 §3), as the MCP authorization
   * specification asks. Advice only: enforce scopes with `requireScopes`.
   * Default: no `scope` on a 401.
   */
  readonly challengeScope?: readonly string[] | undefined;
  /**
   * Accept DPoP-bound tokens (RFC 9449): `mode: 'allowed'` takes Bearer and
   * DPoP, `'required'` DPoP only. A token is bound when its principal (the JWT
   * claims, or what `verify` returns, as an introspection response would)
   * has `cnf.jkt`; a bound token is never accepted as a Bearer token, nor is
   * one with any `cnf` this server cannot verify (docs/conformance.md rule 71).
   */
  readonly dpop?: DpopOptions | undefined;
}

export type JwtGuardOptions = JwtVerifierOptions & Omit<BearerGuardOptions, 'verify'>;
