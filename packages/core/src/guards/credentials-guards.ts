/**
 * Guards that turn a request's credentials into an AuthInfo or throw the
 * right AuthError: Basic with a `verify` callback, Bearer with a `verify`
 * callback (opaque tokens), and Bearer JWT verified with jose.
 */

import type { JWTPayload } from 'jose';
import { type AuthScheme, createChallengeFormatter } from '../challenge.js';
import { readAuthorization } from '../credentials/authorization.js';
import { decodeBasic } from '../credentials/basic.js';
import { findBearerToken } from '../credentials/bearer.js';
import {
  AuthError,
  type AuthErrorOptions,
  authUnavailable,
  credentialsRequired,
  invalidCredentials,
  invalidToken,
} from '../errors.js';
import { createJwtVerifier, type JwtVerifierOptions } from '../jwt.js';
import { fail, validateFunction } from '../options.js';
import { type AuthInfo, scopesOf } from './auth-info.js';
import type { AuthRequest } from './request.js';

/** Resolves to the AuthInfo, or `undefined` for a CORS preflight, which is never challenged. */
export type Guard<Principal = unknown> = (request: AuthRequest) => Promise<AuthInfo<Principal> | undefined>;

type Verified<P> = P | false | null | undefined;

export interface BasicGuardOptions<Principal> {
  /** Realm of the Basic challenge; default: the renderer's. */
  readonly realm?: string | undefined;
  /**
   * Checks a user and password (NFC-normalized, UTF-8). Returns the principal,
   * or `false` when they are wrong. Compare secrets with `safeEqual`. A thrown
   * error or rejected promise means the check itself failed: 503, not 401.
   */
  readonly verify: (
    user: string,
    password: string,
    request: AuthRequest,
  ) => Verified<Principal> | Promise<Verified<Principal>>;
}

export interface BearerGuardOptions<Principal> {
  readonly realm?: string | undefined;
  /** Checks an opaque token; returns the principal or `false`. A throw means 503 (see BasicGuardOptions.verify). */
  readonly verify: (token: string, request: AuthRequest) => Verified<Principal> | Promise<Verified<Principal>>;
  /** Also accept `access_token` from the query (RFC 6750 §2.3) or an urlencoded body (§2.2). Default: header only. */
  readonly methods?: { readonly query?: boolean; readonly body?: boolean } | undefined;
}

export type JwtGuardOptions = JwtVerifierOptions & Omit<BearerGuardOptions<never>, 'verify'>;

function validateRealm(realm: unknown): string | undefined {
  if (realm === undefined) return undefined;
  createChallengeFormatter({ realm: realm as string }); // throws a TypeError naming "realm"
  return realm as string;
}

/** `methods` must be `{ query?: boolean, body?: boolean }`: a typo or a string would silently mean header only. */
function validateMethods(methods: unknown): BearerGuardOptions<unknown>['methods'] {
  if (methods === undefined) return undefined;
  const valid =
    typeof methods === 'object' &&
    methods !== null &&
    !Array.isArray(methods) &&
    Object.entries(methods).every(
      ([name, value]) => (name === 'query' || name === 'body') && (value === undefined || typeof value === 'boolean'),
    );
  if (!valid) fail('option "methods" must be an object such as { query: true, body: false }');
  return methods as BearerGuardOptions<unknown>['methods'];
}

/** Runs a verify callback: AuthErrors pass, anything else thrown is the check failing (503). */
async function runVerify<P>(
  check: () => Verified<P> | Promise<Verified<P>>,
  context: AuthErrorOptions,
): Promise<Verified<P>> {
  try {
    return await check();
  } catch (error) {
    if (AuthError.is(error)) throw error;
    throw authUnavailable({ ...context, cause: error });
  }
}

/**
 * A parser error re-created with the guard's scheme and realm, so the challenge
 * names the right scheme and protection space (a duplicate `Authorization` on a
 * Basic route must not advertise Bearer). Anything else is returned as is.
 */
function inContext(
  error: unknown,
  context: { readonly scheme: AuthScheme; readonly realm: string | undefined },
): unknown {
  const { scheme, realm } = context;
  if (!AuthError.is(error) || (error.scheme !== undefined && (realm === undefined || error.realm !== undefined))) {
    return error;
  }
  return new AuthError(error.code, {
    detail: error.detail,
    cause: error.cause,
    scheme: error.scheme ?? scheme,
    realm: error.realm ?? realm,
    requiredScopes: error.requiredScopes,
    acrValues: error.acrValues,
    maxAge: error.maxAge,
    retryAfter: error.retryAfter,
  });
}

export function createBasicGuard<Principal = { user: string }>(
  options: BasicGuardOptions<Principal>,
): Guard<Principal> {
  if (typeof options !== 'object' || options === null) fail('basic guard options must be an object');
  const verify =
    validateFunction<BasicGuardOptions<Principal>['verify']>(options.verify, 'verify') ??
    fail('option "verify" is required');
  const realm = validateRealm(options.realm);
  const context = { scheme: 'Basic', realm } as const;

  return async (request) => {
    if (request.preflight) return undefined;
    try {
      const credentials = readAuthorization(request.authorization);
      if (credentials?.scheme !== 'basic') throw credentialsRequired(context);
      const { user, password } = decodeBasic(credentials.value);
      const result = await runVerify(() => verify(user, password, request), context);
      if (result === false || result === null || result === undefined) throw invalidCredentials(context);
      const principal = (result === true ? { user } : result) as Principal;
      return { scheme: 'Basic', principal, scopes: scopesOf(principal) };
    } catch (error) {
      throw inContext(error, context);
    }
  };
}

function bearerSources(request: AuthRequest, methods: BearerGuardOptions<unknown>['methods']) {
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

export function createBearerGuard<Principal = unknown>(options: BearerGuardOptions<Principal>): Guard<Principal> {
  return bearerGuard(options, false);
}

/** The Bearer guard; `withClaims` also exposes the principal as `claims` (JWT guards: the principal is the payload). */
function bearerGuard<Principal>(options: BearerGuardOptions<Principal>, withClaims: boolean): Guard<Principal> {
  if (typeof options !== 'object' || options === null) fail('bearer guard options must be an object');
  const verify =
    validateFunction<BearerGuardOptions<Principal>['verify']>(options.verify, 'verify') ??
    fail('option "verify" is required');
  const realm = validateRealm(options.realm);
  const methods = validateMethods(options.methods);
  const context = { scheme: 'Bearer', realm } as const;

  return async (request) => {
    if (request.preflight) return undefined;
    try {
      const sources = bearerSources(request, methods);
      const token = findBearerToken(sources);
      if (token === undefined) throw credentialsRequired(context);
      const result = await runVerify(() => verify(token, request), context);
      if (result === false || result === null || result === undefined) throw invalidToken(context);
      // findBearerToken allows exactly one source, so the first non-empty one is it.
      const via = sources.query?.length ? 'query' : sources.body?.length ? 'body' : 'header';
      const info = { scheme: 'Bearer', principal: result as Principal, scopes: scopesOf(result), via } as const;
      return withClaims ? { ...info, claims: result as JWTPayload } : info;
    } catch (error) {
      throw inContext(error, context);
    }
  };
}

export function createJwtGuard(options: JwtGuardOptions): Guard<JWTPayload> {
  const verifyJwt = createJwtVerifier(options);
  const verify = async (token: string) => (await verifyJwt(token)).payload;
  return bearerGuard({ realm: options.realm, methods: options.methods, verify }, true);
}
