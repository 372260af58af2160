/**
 * Guards that turn a request's credentials into an AuthInfo or the right
 * AuthError: Basic with a `verify` callback, Bearer with a `verify` callback
 * (opaque tokens), and Bearer JWT verified with jose.
 */

import type { JWTPayload } from 'jose';
import { readAuthorization } from '../credentials/authorization.js';
import { decodeBasic } from '../credentials/basic.js';
import { findBearerToken, isB64Token } from '../credentials/bearer.js';
import { bearerRefusal, confirmationOf } from '../credentials/confirmation.js';
import { createDpopPolicy, type DpopOptions, type DpopPolicy } from '../dpop/policy.js';
import {
  AuthError,
  credentialsRequired,
  invalidCredentials,
  invalidRequest,
  invalidToken,
  withContext,
  withDefaults,
} from '../errors/errors.js';
import { createJwtVerification, type JwtVerifierOptions } from '../keys/jwt.js';
import { fail, validateFunction } from '../options/validate.js';
import { type AuthScheme, createChallengeFormatter, type DpopChallenge } from '../render/challenge.js';
import type { AuthRequest } from '../request/request.js';
import { type AuthInfo, scopesOf, withDpopChallenge } from './auth-info.js';
import { createConcurrencyLimit, DEFAULT_MAX_CONCURRENT } from './concurrency.js';
import { PREFLIGHT, type Preflight } from './preflight.js';
import { type PrincipalOf, runVerify, type Verdict } from './verdict.js';

export type { PrincipalOf, Verdict } from './verdict.js';

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

function validateRealm(realm: unknown): string | undefined {
  if (realm === undefined) return undefined;
  createChallengeFormatter({ realm: realm as string }); // throws a TypeError naming "realm"
  return realm as string;
}

/** Checked now, so that a scope that cannot go into a challenge is a TypeError naming "challengeScope". */
function validateChallengeScope(scopes: unknown): readonly string[] | undefined {
  if (scopes === undefined) return undefined;
  return credentialsRequired({ challengeScope: scopes as readonly string[] }).challengeScope;
}

function validateMaxConcurrent(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_CONCURRENT;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail('option "maxConcurrent" must be a positive integer');
  }
  return value;
}

/** `methods` must be `{ query?: boolean, body?: boolean }`: a typo or a string would silently mean header only. */
function validateMethods(methods: unknown): BearerGuardOptions['methods'] {
  if (methods === undefined) return undefined;
  const valid =
    typeof methods === 'object' &&
    methods !== null &&
    !Array.isArray(methods) &&
    Object.entries(methods).every(
      ([name, value]) => (name === 'query' || name === 'body') && (value === undefined || typeof value === 'boolean'),
    );
  if (!valid) fail('option "methods" must be an object such as { query: true, body: false }');
  return methods as BearerGuardOptions['methods'];
}

/** What a guard's steps threw (the parsers throw on malformed input), as its failure in context; anything else is rethrown. */
function failure(error: unknown, context: GuardContext): AuthError {
  if (AuthError.is(error)) return inContext(error, context);
  throw error;
}

interface GuardContext {
  readonly scheme: AuthScheme;
  readonly realm: string | undefined;
  readonly challengeScope?: readonly string[] | undefined;
  readonly dpop?: DpopChallenge | undefined;
}

/**
 * An AuthError re-created with what the guard knows and it lacks (scheme,
 * realm, challenge scope), so the challenge names the right scheme and
 * protection space (a duplicate `Authorization` on a Basic route must not
 * advertise Bearer).
 */
function inContext(error: AuthError, context: GuardContext): AuthError {
  return withDefaults(error, context);
}

export function createBasicGuard<V extends Verdict>(
  options: BasicGuardOptions<V>,
): Guard<PrincipalOf<V, { user: string }>> {
  type Principal = PrincipalOf<V, { user: string }>;
  if (typeof options !== 'object' || options === null) fail('basic guard options must be an object');
  const verify =
    validateFunction<BasicGuardOptions<V>['verify']>(options.verify, 'verify') ?? fail('option "verify" is required');
  const realm = validateRealm(options.realm);
  const maxConcurrent = validateMaxConcurrent(options.maxConcurrent);
  const context = { scheme: 'Basic', realm } as const;
  const limit = createConcurrencyLimit(maxConcurrent, 'basicAuth');

  return async (request) => {
    if (request.preflight) return PREFLIGHT;
    try {
      const credentials = readAuthorization(request.authorization);
      if (credentials?.scheme !== 'basic') return credentialsRequired(context);
      const { user, password } = decodeBasic(credentials.value);
      const principal = await limit.run(
        () =>
          runVerify(
            () => verify(user, password, request),
            () => ({ user }) as Principal,
            context,
          ),
        context,
      );
      if (principal === undefined) return invalidCredentials(context);
      if (AuthError.is(principal)) return inContext(principal, context);
      return { scheme: 'Basic', principal, scopes: scopesOf(principal) };
    } catch (error) {
      return failure(error, context);
    }
  };
}

function bearerSources(request: AuthRequest, methods: BearerGuardOptions['methods']) {
  const authorization = readAuthorization(request.authorization);
  let query: string[] | undefined;
  if (methods?.query === true) {
    const mark = request.url.indexOf('?');
    if (mark !== -1) query = new URLSearchParams(request.url.slice(mark + 1)).getAll('access_token');
  }
  let body: string[] | undefined;
  const form = request.contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
  if (methods?.body === true && form && request.method !== 'GET' && request.method !== 'HEAD') {
    const value = (request.body as Record<string, unknown> | undefined)?.access_token;
    if (typeof value === 'string') body = [value];
    else if (Array.isArray(value)) body = value.map(String);
  }
  return { authorization, query, body };
}

export function createBearerGuard<V extends Verdict>(
  options: BearerGuardOptions<V>,
): Guard<PrincipalOf<V, Record<never, never>>> {
  type Principal = PrincipalOf<V, Record<never, never>>;
  if (typeof options !== 'object' || options === null) fail('bearer guard options must be an object');
  const verify =
    validateFunction<BearerGuardOptions['verify']>(options.verify, 'verify') ?? fail('option "verify" is required');
  const context = { scheme: 'Bearer' } as const;
  const verifyToken: TokenVerifier<Principal> = (token, request) =>
    runVerify(() => verify(token, request), noPrincipal<Principal>, context);
  return bearerGuard<Principal>(options, verifyToken, false);
}

/** What a Bearer guard checks a token with: the principal, `undefined` for a wrong token, or the failure. */
type TokenVerifier<Principal> = (token: string, request: AuthRequest) => Promise<Principal | AuthError | undefined>;

/** The Bearer guard; `withClaims` also exposes the principal as `claims` (JWT guards: the principal is the payload). */
function bearerGuard<Principal extends object>(
  options: Omit<BearerGuardOptions, 'verify'>,
  verifyToken: TokenVerifier<Principal>,
  withClaims: boolean,
): Guard<Principal> {
  const realm = validateRealm(options.realm);
  const methods = validateMethods(options.methods);
  const challengeScope = validateChallengeScope(options.challengeScope);
  const dpop = createDpopPolicy(options.dpop);
  const context = { scheme: 'Bearer', realm, challengeScope, dpop: dpop?.challenge } as const;

  return async (request) => {
    if (request.preflight) return PREFLIGHT;
    try {
      const sources = bearerSources(request, methods);
      if (dpop !== undefined && sources.authorization?.scheme === 'dpop') {
        return await dpopRequest<Principal>(request, sources, verifyToken, dpop, context, withClaims);
      }
      const token = findBearerToken(sources);
      if (token === undefined || dpop?.required === true) return credentialsRequired(context);
      const principal = await verifyToken(token, request);
      if (principal === undefined) return invalidToken(context);
      if (AuthError.is(principal)) return inContext(principal, context);
      // RFC 9449 §7.2, RFC 8705 §3: a bound token is no bearer token (docs/conformance.md rules 52 and 71).
      const refusal = bearerRefusal(confirmationOf(principal));
      if (refusal !== undefined) return invalidToken({ ...context, detail: refusal });
      // findBearerToken allows exactly one source, so the first non-empty one is it.
      const via = sources.query?.length ? 'query' : sources.body?.length ? 'body' : 'header';
      const scopes = scopesOf(principal);
      const info: AuthInfo<Principal> = withClaims
        ? { scheme: 'Bearer', principal, scopes, via, claims: principal as JWTPayload }
        : { scheme: 'Bearer', principal, scopes, via };
      return withDpopChallenge(info, dpop?.challenge);
    } catch (error) {
      return failure(error, context);
    }
  };
}

/**
 * `Authorization: DPoP <token>` (RFC 9449 §7.1): the token verified as usual,
 * then the proof checked against it. Errors are the DPoP scheme's.
 */
async function dpopRequest<Principal extends object>(
  request: AuthRequest,
  sources: ReturnType<typeof bearerSources>,
  verifyToken: TokenVerifier<Principal>,
  dpop: DpopPolicy,
  bearerContext: GuardContext,
  withClaims: boolean,
): Promise<AuthInfo<Principal> | AuthError> {
  const context = { ...bearerContext, scheme: 'DPoP' } as const;
  try {
    if (sources.query?.length || sources.body?.length) {
      return invalidRequest({ ...context, detail: 'Multiple methods used to include access token' });
    }
    const token = sources.authorization?.value ?? '';
    if (token === '') return invalidRequest({ ...context, detail: 'The access token is missing' });
    if (!isB64Token(token)) return invalidToken({ ...context, detail: 'The access token is malformed' });
    const principal = await verifyToken(token, request);
    if (principal === undefined) return invalidToken(context);
    if (AuthError.is(principal)) return inDpopContext(principal, context);
    const { jkt, nonce } = await dpop.check(request, token, principal);
    const scopes = scopesOf(principal);
    const info = { scheme: 'DPoP', principal, scopes, via: 'header', jkt, dpopNonce: nonce } as const;
    return withDpopChallenge(withClaims ? { ...info, claims: principal as JWTPayload } : info, dpop.challenge);
  } catch (error) {
    if (AuthError.is(error)) return inDpopContext(error, context);
    throw error;
  }
}

/** The token verifier speaks Bearer: a failure here concerns the DPoP scheme. */
function inDpopContext(error: AuthError, context: GuardContext): AuthError {
  return inContext(error.scheme === 'Bearer' ? withContext(error, { scheme: 'DPoP' }) : error, context);
}

/** An opaque token names nobody: `true` from a Bearer verify gives an empty principal. */
function noPrincipal<P>(): P {
  return {} as P;
}

export function createJwtGuard(options: JwtGuardOptions): Guard<JWTPayload> {
  const verifyToken: TokenVerifier<JWTPayload> = createJwtVerification(
    options,
    // `?.`: options that are not an object are refused by createJwtVerification, naming them.
    { allowBound: options?.dpop !== undefined },
    (verified) => verified.payload,
  );
  const { realm, methods, challengeScope, dpop } = options;
  return bearerGuard<JWTPayload>({ realm, methods, challengeScope, dpop }, verifyToken, true);
}
