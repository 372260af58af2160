/**
 * The behaviour contract (docs/problems.md), written once. Each case names a
 * failure, either as the value a route throws (`error`) or as a request to one
 * of the routes every app serves (test/support/apps.ts), and the whole response
 * a client must get: status, every WWW-Authenticate line in order, media type,
 * Cache-Control, Retry-After, the body, and what onError saw.
 *
 * - packages/core/test/contract.test.ts renders each `error` with createRenderer
 *   and checks the response against the same expectation;
 * - test/parity.test.ts sends each case to the same app built on Express 5,
 *   Express 4, Koa 3 and Koa 2 (an `error` case through the route that throws it).
 *
 * Rule numbers refer to docs/conformance.md.
 */
import {
  AuthError,
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidCredentials,
  invalidRequest,
  invalidToken,
} from '@auth-errors/core';
import type { RenderOptions } from '@auth-errors/core/adapter';
import Boom from '@hapi/boom';
import createError from 'http-errors';
import { type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { expect } from 'vitest';
import { challenge } from './challenge-lines.js';
import { basic, closedPort, header, headerLines, type RawRequest, type RawResponse } from './http.js';
import { createSigner, hmacToken, nowSeconds, type Signer, unsecuredToken } from './tokens.js';

export { challenge } from './challenge-lines.js';

export const ISSUER = 'https://as.example';
export const AUDIENCE = 'https://rs.example';
export const TYPE_BASE = 'https://rs.example/problems/';
export const DEFAULT_TYPE_BASE = 'https://auth-errors.dev/problems/';
/** Where resourceMetadata({ resource: 'https://rs.example/api' }) serves its document. */
export const METADATA_URL = 'https://rs.example/.well-known/oauth-protected-resource/api';
export const METADATA_OPTIONS = { resource: 'https://rs.example/api', authorizationServers: ['https://as.example'] };
const METADATA_DOCUMENT = {
  resource: 'https://rs.example/api',
  authorization_servers: ['https://as.example'],
  bearer_methods_supported: ['header'],
};

type Scheme = 'Basic' | 'Bearer' | 'DPoP';

/**
 * The renderer configurations every app mounts, each under its own prefix with
 * the same routes. `options` here are the ones the core test renders with too.
 */
export const profiles = {
  /** The apps' API: Basic and Bearer, problem types of its own. */
  app: { prefix: '', options: { schemes: ['Basic', 'Bearer'], typeBase: TYPE_BASE } },
  /** Every option at its default: Bearer only, realm "api", the library's problem types. */
  plain: { prefix: '/plain', options: {} },
  basicOnly: { prefix: '/basic-only', options: { schemes: ['Basic'] } },
  retry: { prefix: '/retry', options: { schemes: ['Basic', 'Bearer'], retryAfter: 30 } },
  /** A realm that needs escaping, resource_metadata (rule 56) and instance (rule 7). */
  tuned: {
    prefix: '/tuned',
    options: { realm: 'a\\b"c', resourceMetadata: METADATA_URL, instance: true, typeBase: TYPE_BASE },
  },
  /** No onError: the default logger (test/secrets.test.ts reads what it writes). */
  logged: { prefix: '/logged', options: { schemes: ['Basic', 'Bearer'] } },
} as const satisfies Record<string, { prefix: string; options: RenderOptions }>;

export type ProfileName = keyof typeof profiles;

// --- keys and tokens -------------------------------------------------------

export type TokenName =
  | 'read'
  | 'all'
  | 'noScope'
  | 'lowAcr'
  | 'bronze'
  | 'silver'
  | 'oldAuth'
  | 'freshAuth'
  | 'expired'
  | 'expiredNoScope'
  | 'wrongIssuer'
  | 'wrongAudience'
  | 'badSignature'
  | 'hs256'
  | 'hsGood'
  | 'confused'
  | 'none'
  | 'notYetValid'
  | 'noExp'
  | 'dpopBound'
  | 'typJwt'
  | 'typAtJwt';

/** Keys, tokens and a closed port, made once and shared by the apps and the core test. */
export interface Fixtures {
  /** The ES256 key of the JWT routes. */
  readonly signer: Signer;
  /** The HS256 secret of /jwt/hs. */
  readonly hs: Signer;
  /** A loopback port nothing listens on: the JWKS routes' key source is down. */
  readonly closedPort: number;
  readonly tokens: Readonly<Record<TokenName, string>>;
}

export async function createFixtures(): Promise<Fixtures> {
  const signer = createSigner('ES256');
  const other = createSigner('ES256');
  const hs = createSigner('HS256', { secret: 'a-shared-secret-of-at-least-32-bytes!' });
  const now = nowSeconds();
  const claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    client_id: 'client-1',
    jti: 'jti-1',
    scope: 'orders:read',
    acr: 'urn:high',
    iat: now,
    exp: now + 3600,
    ...extra,
  });
  const sign = (extra: JWTPayload = {}, by: Signer = signer, typ = 'at+jwt') => by.sign(claims(extra), { typ });
  const tokens: Record<TokenName, string> = {
    read: await sign(),
    all: await sign({ scope: 'orders:read orders:write orders:admin' }),
    noScope: await sign({ scope: 'profile' }),
    lowAcr: await sign({ acr: 'urn:low' }),
    bronze: await sign({ acr: 'urn:bronze', auth_time: now }),
    silver: await sign({ acr: 'urn:silver', auth_time: now - 5 }),
    oldAuth: await sign({ auth_time: now - 3600 }),
    freshAuth: await sign({ auth_time: now - 10 }),
    expired: await sign({ exp: now - 3600 }),
    expiredNoScope: await sign({ exp: now - 3600, scope: 'profile' }),
    wrongIssuer: await sign({ iss: `${ISSUER}/` }),
    wrongAudience: await sign({ aud: 'https://other.example' }),
    badSignature: await sign({ acr: 'urn:low' }, other),
    hs256: await sign({}, hs),
    hsGood: await sign({}, hs, 'JWT'),
    confused: hmacToken(signer.verifyKey, claims(), { typ: 'at+jwt' }),
    none: unsecuredToken(claims(), { typ: 'at+jwt' }),
    notYetValid: await sign({ nbf: now + 600 }),
    noExp: await sign({ exp: undefined }),
    dpopBound: await sign({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }),
    typJwt: await sign({}, signer, 'JWT'),
    typAtJwt: await sign({}, signer, 'application/AT+JWT'),
  };
  return { signer, hs, closedPort: await closedPort(), tokens };
}

/** The payload of a token as the JWT guard hands it on. */
export function payloadOf(token: string): JWTPayload {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

// --- the apps' users, tokens and failures -----------------------------------

/** Basic users of every app. */
export const USERS = {
  alice: { password: 'wonderland', principal: { user: 'alice', roles: [] as string[] } },
  admin: { password: 'correct horse battery staple', principal: { user: 'admin', roles: ['admin'] } },
} as const;
/** A user whose verify returns `true` (principal `{ user }`); the password is stored in NFC. */
export const TRUE_USER = { user: 'test', password: 'caf\u00e9' } as const;
/** A user whose verify returns a principal with its own `scopes`; the password holds a colon. */
export const SCOPED_USER = { user: 'a', password: 'b:c', principal: { id: 7, scopes: ['x'] } } as const;
/** The user whose check fails (a user store outage), with an error that quotes the password. */
export const DOWN_USER = { user: 'down', password: 'pw-Sup3r-Secret-Value' } as const;

export const OPAQUE_TOKEN = 'opaque-good-token';
export const OPAQUE_PRINCIPAL = { sub: 'service-1', scope: 'orders:read' } as const;
/** A token verify accepts with `true`: an opaque token names nobody, so the principal is `{}`. */
export const TRUE_TOKEN = 'opaque-true-token';
/** The token whose check fails (an introspection outage), with an error that quotes it. */
export const DOWN_TOKEN = 'tok-DownstreamOutage-9876543210';
/** The token whose verify throws forbidden() itself. */
export const SUSPENDED_TOKEN = 'opaque-suspended-token';

// --- what a client sees ----------------------------------------------------

export interface Expected {
  readonly status: number;
  /** Every WWW-Authenticate field line, in order; [] when there is none. */
  readonly challenges: readonly string[];
  /** Content-Type without parameters; null when there is none. A problem's Content-Type is exactly this. */
  readonly mediaType: string | null;
  readonly cacheControl: string | null;
  readonly retryAfter: string | null;
  /** Parsed JSON (a problem: its exact serialization, member order included), or the exact text ('' for none). */
  readonly body: unknown;
  /** One `${code} ${scheme ?? '-'}` per onError event. */
  readonly events: readonly string[];
  /** What the single event's `cause` has (toMatchObject); null when it has none. Unchecked when absent. */
  readonly cause?: object | null;
  /** More response headers, present once with these values. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Response headers that must be absent. */
  readonly absent?: readonly string[];
  /** Not an auth failure: the app's own error handler answered, with the very value thrown. */
  readonly passedOn?: true;
}

const PROBLEM_JSON = 'application/problem+json';
const CATALOG = {
  credentials_required: [401, 'Credentials required', 'Authentication is required to access this resource'],
  invalid_request: [
    400,
    'Invalid authentication request',
    'The authentication information in the request is malformed',
  ],
  invalid_token: [401, 'Invalid access token', 'The access token is not valid'],
  invalid_credentials: [401, 'Invalid credentials', 'The user name or password is incorrect'],
  insufficient_scope: [403, 'Insufficient scope', 'The access token does not grant the scope this request requires'],
  forbidden: [403, 'Forbidden', 'You are not allowed to perform this request'],
  insufficient_user_authentication: [
    401,
    'Insufficient user authentication',
    'A stronger or more recent authentication is required',
  ],
  too_many_requests: [
    429,
    'Too many requests',
    'Too many requests with these credentials. Retry after Retry-After seconds',
  ],
  auth_unavailable: [
    503,
    'Authentication service unavailable',
    'Credentials cannot be checked right now. Retry later with the same credentials',
  ],
} as const;
export type Code = keyof typeof CATALOG;
export const CODES = Object.keys(CATALOG) as Code[];

export const BASIC = challenge.basic();
export const BEARER = challenge.bearer();
export const bearerError = (error: string, description: string) =>
  challenge.bearer({ error, error_description: description });
const scopeChallenge = (scopes: readonly string[]) =>
  challenge.bearer({ error: 'insufficient_scope', scope: scopes.join(' ') });

const MALFORMED_BASIC = 'The Basic credentials are malformed';
const MALFORMED_TOKEN = 'The access token is malformed';
const DUPLICATE_FIELDS = 'The request has more than one Authorization header field';
const TWO_METHODS = 'Multiple methods used to include access token';
const ALGORITHM = 'The access token is signed with an algorithm that is not accepted';

interface ProblemOptions {
  readonly typeBase?: string;
  readonly detail?: string;
  readonly instance?: string;
  /** Members after `code`: requiredScopes, acrValues, maxAge. */
  readonly members?: object;
  readonly challenges: readonly string[];
  /** The scheme onError reports. */
  readonly scheme?: Scheme | undefined;
  readonly retryAfter?: string;
  readonly cause?: object | null;
}

/** The problem body, members in the order the contract sends them. */
export function problemBody(code: Code, o: Omit<ProblemOptions, 'challenges'> = {}): Record<string, unknown> {
  const [status, title, detail] = CATALOG[code];
  const body: Record<string, unknown> = {
    type: `${o.typeBase ?? TYPE_BASE}${code.replaceAll('_', '-')}`,
    title,
    status,
    detail: o.detail ?? detail,
  };
  if (o.instance !== undefined) body.instance = o.instance;
  return { ...body, code, ...o.members };
}

export function problem(code: Code, o: ProblemOptions): Expected {
  return {
    status: CATALOG[code][0],
    challenges: o.challenges,
    mediaType: PROBLEM_JSON,
    cacheControl: 'no-store',
    retryAfter: o.retryAfter ?? (code === 'auth_unavailable' || code === 'too_many_requests' ? '5' : null),
    body: problemBody(code, o),
    events: [`${code} ${o.scheme ?? '-'}`],
    ...(o.cause === undefined ? {} : { cause: o.cause }),
  };
}

/** The answers of the apps' profile (Basic and Bearer, TYPE_BASE). */
export const app = {
  unauthorized: (scheme?: Scheme, cause?: object | null) =>
    problem('credentials_required', { challenges: [BASIC, BEARER], scheme, cause }),
  invalidCredentials: (detail?: string) =>
    problem('invalid_credentials', { detail, challenges: [BASIC, BEARER], scheme: 'Basic' }),
  invalidToken: (detail = 'The access token is not valid', cause?: object) =>
    problem('invalid_token', {
      detail,
      challenges: [BASIC, bearerError('invalid_token', detail)],
      scheme: 'Bearer',
      cause,
    }),
  invalidRequest: (detail: string, scheme?: Scheme) =>
    problem('invalid_request', { detail, challenges: [bearerError('invalid_request', detail)], scheme }),
  forbidden: (scheme?: Scheme, detail?: string) => problem('forbidden', { detail, challenges: [], scheme }),
  insufficientScope: (scopes: readonly string[]) =>
    problem('insufficient_scope', {
      challenges: [scopeChallenge(scopes)],
      scheme: 'Bearer',
      members: { requiredScopes: scopes },
    }),
  unavailable: (scheme?: Scheme, retryAfter = '5', cause?: object) =>
    problem('auth_unavailable', { challenges: [], scheme, retryAfter, cause }),
};

/** The answers with every option at its default (the `plain` profile): Bearer unless the failure concerns Basic. */
export const plain = {
  unauthorized: (scheme?: Scheme, cause?: object | null) =>
    problem('credentials_required', {
      typeBase: DEFAULT_TYPE_BASE,
      challenges: [scheme === 'Basic' ? BASIC : BEARER],
      scheme,
      cause,
    }),
  invalidCredentials: (detail?: string, cause?: object) =>
    problem('invalid_credentials', {
      typeBase: DEFAULT_TYPE_BASE,
      detail,
      challenges: [BASIC],
      scheme: 'Basic',
      cause,
    }),
  invalidToken: (detail = 'The access token is not valid', cause?: object) =>
    problem('invalid_token', {
      typeBase: DEFAULT_TYPE_BASE,
      detail,
      challenges: [bearerError('invalid_token', detail)],
      scheme: 'Bearer',
      cause,
    }),
  invalidRequest: (detail: string = CATALOG.invalid_request[2], scheme: Scheme | undefined = 'Bearer') =>
    problem('invalid_request', {
      typeBase: DEFAULT_TYPE_BASE,
      detail,
      challenges: [bearerError('invalid_request', detail)],
      scheme,
    }),
  forbidden: (scheme?: Scheme, cause?: object) =>
    problem('forbidden', { typeBase: DEFAULT_TYPE_BASE, challenges: [], scheme, cause }),
  insufficientScope: (scopes: readonly string[], cause?: object) =>
    problem('insufficient_scope', {
      typeBase: DEFAULT_TYPE_BASE,
      challenges: [scopeChallenge(scopes)],
      scheme: 'Bearer',
      members: { requiredScopes: scopes },
      cause,
    }),
  unavailable: (scheme?: Scheme, retryAfter = '5', cause?: object) =>
    problem('auth_unavailable', { typeBase: DEFAULT_TYPE_BASE, challenges: [], scheme, retryAfter, cause }),
};

/**
 * insufficient_user_authentication (RFC 9470): the challenge line as written, and the members it implies;
 * the detail is the challenge's error_description.
 */
export function stepUp(
  challenge: string,
  members: { acrValues?: readonly string[]; maxAge?: number },
  typeBase = TYPE_BASE,
): Expected {
  const detail = /error_description="([^"]*)"/.exec(challenge)?.[1];
  return problem('insufficient_user_authentication', {
    typeBase,
    detail,
    challenges: [challenge],
    scheme: 'Bearer',
    members,
  });
}
const FRESH_300 =
  'Bearer realm="api", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="300"';

/** A response of the route itself. */
export function ok(route: string, auth: unknown, more: Partial<Expected> = {}): Expected {
  return {
    status: 200,
    challenges: [],
    mediaType: 'application/json',
    cacheControl: null,
    retryAfter: null,
    body: { route, auth },
    events: [],
    ...more,
  };
}

/**
 * The app's own error handler answered: it got the very value thrown (`identical`),
 * not modified (`unchanged`), with nothing written to the response before (`untouched`).
 */
export function passedOn(status: number, message?: string): Expected {
  return {
    status,
    challenges: [],
    mediaType: 'application/json',
    cacheControl: null,
    retryAfter: null,
    body: { fallback: true, identical: true, unchanged: true, untouched: true, message },
    events: [],
    passedOn: true,
  };
}

const aliceBasic = basic('alice', USERS.alice.password);
const adminBasic = basic('admin', USERS.admin.password);
const aliceAuth = { scheme: 'Basic', principal: USERS.alice.principal, scopes: [] };
const opaqueAuth = (via: 'header' | 'query' | 'body' = 'header') => ({
  scheme: 'Bearer',
  principal: OPAQUE_PRINCIPAL,
  scopes: ['orders:read'],
  via,
});
const jwtAuth = (token: string, scopes = ['orders:read']) => {
  const payload = payloadOf(token);
  return { scheme: 'Bearer', principal: payload, scopes, claims: payload, via: 'header' };
};

const PREFLIGHT = [
  ['Origin', 'https://app.example'],
  ['Access-Control-Request-Method', 'GET'],
  ['Access-Control-Request-Headers', 'authorization'],
] as const;
/**
 * What the apps' CORS layer, mounted before every route, sets on a preflight before it lets it on
 * (as cors() with preflightContinue does); the routes' handlers answer 200 with a body if one reaches them.
 */
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': 'https://app.example',
  'access-control-allow-methods': 'GET',
  'access-control-allow-headers': 'authorization',
};
/** A guard or check ended the preflight (rule 62): 204, no body, the CORS layer's headers kept, no handler run. */
const preflightEnded: Expected = {
  status: 204,
  challenges: [],
  mediaType: null,
  cacheControl: null,
  retryAfter: null,
  body: '',
  events: [],
  headers: PREFLIGHT_HEADERS,
};

/** Headers a route sets before it fails (/stale): the content ones and a stale challenge must go, CORS stays. */
export const STALE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Language': 'de',
  'Content-Disposition': 'attachment; filename="orders.csv"',
  ETag: '"v1"',
  'WWW-Authenticate': 'Basic realm="stale"',
  'Retry-After': '120',
  'Access-Control-Allow-Origin': 'https://app.example',
};

// --- the cases -------------------------------------------------------------

interface CaseBase {
  readonly name: string;
  /** The renderer configuration; `app` by default. */
  readonly profile?: ProfileName;
  readonly expect: Expected | ((f: Fixtures) => Expected);
  /** Text that must not appear in the response, besides what the request carried. */
  readonly secrets?: readonly string[];
}

/** A value a route throws: the core renders it, every app throws it from `/throw/<slug>`. */
export interface ErrorCase extends CaseBase {
  /** The value, or a promise of it for one made asynchronously (a real jwtVerify). */
  readonly error: (f: Fixtures) => unknown;
}

/** A request to a route every app serves (path relative to the profile's prefix). */
export interface RequestCase extends CaseBase {
  readonly request: RawRequest | ((f: Fixtures) => RawRequest);
}

export type ContractCase = ErrorCase | RequestCase;

export const isErrorCase = (c: ContractCase): c is ErrorCase => 'error' in c;
/** A value that is not an auth failure: the app's own error handler answers. */
export const isPassedOn = (c: ContractCase): boolean => typeof c.expect === 'object' && c.expect.passedOn === true;

export function slugOf(c: ErrorCase): string {
  return c.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function expectationOf(c: ContractCase, f: Fixtures): Expected {
  return typeof c.expect === 'function' ? c.expect(f) : c.expect;
}

/** The request that meets the case on an app. */
export function requestOf(c: ContractCase, f: Fixtures): RawRequest {
  const prefix = profiles[c.profile ?? 'app'].prefix;
  if (isErrorCase(c)) return { path: `${prefix}/throw/${slugOf(c)}` };
  const request = typeof c.request === 'function' ? c.request(f) : c.request;
  return { ...request, path: `${prefix}${request.path}` };
}

const auth = (value: string) => [['Authorization', value]] as const;
const bearer = (token: string) => auth(`Bearer ${token}`);
const withToken =
  (name: TokenName, path: string, more: Omit<RawRequest, 'path'> = {}) =>
  (f: Fixtures): RawRequest => ({ ...more, path, headers: [...bearer(f.tokens[name]), ...(more.headers ?? [])] });

/** Values thrown by routes: ours, and other libraries' (http-errors, jose, Boom), and values that are not ours. */
export const errorCases: readonly ErrorCase[] = [
  // --- the factories, one row per failure code and the variants its wording implies
  {
    name: 'credentials_required, nothing configured: a Bearer challenge without error information',
    profile: 'plain',
    error: () => credentialsRequired(),
    expect: plain.unauthorized(undefined, null),
  },
  {
    name: 'credentials_required from a Basic guard: the Basic challenge',
    profile: 'plain',
    error: () => credentialsRequired({ scheme: 'Basic' }),
    expect: plain.unauthorized('Basic'),
  },
  {
    name: 'credentials_required, Basic and Bearer configured: every configured challenge, Basic first (rule 25)',
    error: () => credentialsRequired(),
    expect: app.unauthorized(),
  },
  {
    name: 'credentials_required on a Basic-only API: only the Basic challenge',
    profile: 'basicOnly',
    error: () => credentialsRequired(),
    expect: problem('credentials_required', { typeBase: DEFAULT_TYPE_BASE, challenges: [BASIC] }),
  },
  {
    name: 'invalid_request: Bearer error="invalid_request" (rule 34 vector)',
    profile: 'plain',
    error: () => invalidRequest({ scheme: 'Bearer', detail: TWO_METHODS }),
    expect: plain.invalidRequest(TWO_METHODS),
  },
  {
    name: 'invalid_request with Basic and Bearer configured: only the Bearer error challenge',
    error: () => invalidRequest({ detail: DUPLICATE_FIELDS }),
    expect: app.invalidRequest(DUPLICATE_FIELDS),
  },
  {
    name: 'invalid_request on a Basic-only API: no Bearer challenge, since Bearer is not configured',
    profile: 'basicOnly',
    error: () => invalidRequest({ detail: DUPLICATE_FIELDS }),
    expect: problem('invalid_request', { typeBase: DEFAULT_TYPE_BASE, detail: DUPLICATE_FIELDS, challenges: [] }),
  },
  {
    name: 'invalid_token: Bearer error="invalid_token" with a description (rule 40 vector)',
    profile: 'plain',
    error: () => invalidToken({ detail: 'The access token expired' }),
    expect: plain.invalidToken('The access token expired'),
  },
  {
    name: 'invalid_token with Basic and Bearer configured: the Basic challenge unchanged, then the Bearer error',
    error: () => invalidToken(),
    expect: app.invalidToken(),
  },
  {
    name: 'invalid_credentials: Basic realm, charset="UTF-8"',
    profile: 'plain',
    error: () => invalidCredentials(),
    expect: plain.invalidCredentials(),
  },
  {
    name: 'invalid_credentials with Basic and Bearer configured: Basic, then the other configured challenge',
    error: () => invalidCredentials(),
    expect: app.invalidCredentials(),
  },
  {
    name: 'insufficient_scope: 403 with Bearer error="insufficient_scope", scope (rule 41 vector)',
    profile: 'plain',
    error: () => insufficientScope(['write']),
    expect: plain.insufficientScope(['write']),
  },
  {
    name: 'insufficient_scope with Basic and Bearer configured: still one Bearer line',
    error: () => insufficientScope(['orders:read', 'orders:write']),
    expect: app.insufficientScope(['orders:read', 'orders:write']),
  },
  {
    name: 'insufficient_scope for a Basic caller: 403 and no challenge, Bearer advice would not help',
    profile: 'basicOnly',
    error: () => insufficientScope(['admin'], { scheme: 'Basic' }),
    expect: problem('insufficient_scope', {
      typeBase: DEFAULT_TYPE_BASE,
      challenges: [],
      scheme: 'Basic',
      members: { requiredScopes: ['admin'] },
    }),
  },
  {
    name: 'forbidden: 403, its own type, no challenge',
    profile: 'plain',
    error: () => forbidden(),
    expect: plain.forbidden(),
  },
  {
    name: 'forbidden with Basic and Bearer configured: still no challenge (rule 15)',
    error: () => forbidden({ scheme: 'Basic' }),
    expect: app.forbidden('Basic'),
  },
  {
    name: 'forbidden keeps an application detail',
    profile: 'plain',
    error: () => forbidden({ detail: 'Only administrators may do this' }),
    expect: problem('forbidden', {
      typeBase: DEFAULT_TYPE_BASE,
      detail: 'Only administrators may do this',
      challenges: [],
    }),
  },
  {
    name: 'insufficient_user_authentication with acr_values (rule 58 vector)',
    profile: 'plain',
    error: () =>
      insufficientUserAuthentication(
        { acrValues: ['myACR'] },
        { detail: 'A different authentication level is required' },
      ),
    expect: stepUp(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
      { acrValues: ['myACR'] },
      DEFAULT_TYPE_BASE,
    ),
  },
  {
    name: 'insufficient_user_authentication with max_age (rule 58 vector)',
    profile: 'plain',
    error: () => insufficientUserAuthentication({ maxAge: 300 }, { detail: 'More recent authentication is required' }),
    expect: stepUp(FRESH_300, { maxAge: 300 }, DEFAULT_TYPE_BASE),
  },
  {
    name: 'insufficient_user_authentication with both, Basic and Bearer configured: one Bearer line',
    error: () => insufficientUserAuthentication({ acrValues: ['urn:mace:incommon:iap:silver', 'myACR'], maxAge: 0 }),
    expect: stepUp(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="urn:mace:incommon:iap:silver myACR", max_age="0"',
      { acrValues: ['urn:mace:incommon:iap:silver', 'myACR'], maxAge: 0 },
    ),
  },
  {
    name: 'auth_unavailable: 503 with Retry-After, no challenge',
    profile: 'plain',
    error: () => authUnavailable({ scheme: 'Bearer' }),
    expect: plain.unavailable('Bearer'),
  },
  {
    name: "auth_unavailable with Basic and Bearer configured and the renderer's Retry-After: still no challenge",
    profile: 'retry',
    error: () => authUnavailable(),
    expect: problem('auth_unavailable', { typeBase: DEFAULT_TYPE_BASE, challenges: [], retryAfter: '30' }),
  },
  {
    name: "auth_unavailable with the error's own Retry-After, which wins over the renderer's",
    profile: 'retry',
    error: () => authUnavailable({ retryAfter: 120 }),
    expect: problem('auth_unavailable', { typeBase: DEFAULT_TYPE_BASE, challenges: [], retryAfter: '120' }),
  },
  {
    name: "auth_unavailable keeps its cause for onError, and the cause's text out of the response",
    error: () => authUnavailable({ cause: new Error('connect ECONNREFUSED 10.1.2.3:443'), scheme: 'Bearer' }),
    expect: app.unavailable('Bearer', '5', { message: 'connect ECONNREFUSED 10.1.2.3:443' }),
    secrets: ['ECONNREFUSED', '10.1.2.3'],
  },
  {
    name: 'too_many_requests: 429, its own Retry-After, no challenge (rule 69)',
    error: () => new AuthError('too_many_requests', { retryAfter: 42, scheme: 'DPoP' }),
    expect: problem('too_many_requests', { challenges: [], scheme: 'DPoP', retryAfter: '42' }),
  },
  {
    name: "too_many_requests without Retry-After: the renderer's (rule 69)",
    profile: 'retry',
    error: () => new AuthError('too_many_requests'),
    expect: problem('too_many_requests', { typeBase: DEFAULT_TYPE_BASE, challenges: [], retryAfter: '30' }),
  },
  {
    name: 'an http-errors 429 is not ours: the application throttles in its own words',
    error: () => createError(429),
    expect: passedOn(429, 'Too Many Requests'),
  },
  {
    name: 'an application detail stays in the body; only RFC 6750-safe text reaches error_description (rule 37)',
    profile: 'plain',
    error: () => invalidToken({ detail: 'Le jeton a expir\u00e9' }),
    expect: problem('invalid_token', {
      typeBase: DEFAULT_TYPE_BASE,
      detail: 'Le jeton a expir\u00e9',
      challenges: [bearerError('invalid_token', 'The access token is not valid')],
      scheme: 'Bearer',
    }),
  },
  {
    name: 'a detail with a quote never reaches error_description',
    profile: 'plain',
    error: () => invalidToken({ detail: 'unexpected "aud" claim value' }),
    expect: problem('invalid_token', {
      typeBase: DEFAULT_TYPE_BASE,
      detail: 'unexpected "aud" claim value',
      challenges: [bearerError('invalid_token', 'The access token is not valid')],
      scheme: 'Bearer',
    }),
  },

  // --- http-errors (what ctx.throw(401) and createError make)
  {
    name: 'createError(401): rendered with every configured challenge',
    error: () => createError(401),
    expect: app.unauthorized(undefined, { status: 401, expose: true }),
  },
  {
    name: 'createError(401) with the default options: the Bearer challenge',
    profile: 'plain',
    error: () => createError(401),
    expect: plain.unauthorized(undefined, { status: 401 }),
  },
  {
    name: 'createError(401) with a message: the message never reaches the client',
    profile: 'plain',
    error: () => createError(401, 'Session of user bob@corp.example expired'),
    expect: plain.unauthorized(undefined, { message: 'Session of user bob@corp.example expired' }),
    secrets: ['bob@corp.example', 'Session of'],
  },
  {
    name: 'createError(401) bringing its own Basic challenge (koa-basic-auth) keeps the Basic scheme',
    profile: 'plain',
    error: () => createError(401, { headers: { 'WWW-Authenticate': 'Basic realm="Secure Area"' } }),
    expect: plain.unauthorized('Basic'),
    secrets: ['Secure Area'],
  },
  {
    name: 'createError(403) with a message: forbidden, no challenge, the message not echoed',
    profile: 'plain',
    error: () => createError(403, 'bob is not in group finance'),
    expect: plain.forbidden(undefined, { status: 403 }),
    secrets: ['finance', 'bob'],
  },

  // --- jose
  {
    name: 'a jose JWTExpired: invalid_token "The access token expired"',
    profile: 'plain',
    error: () => new joseErrors.JWTExpired('"exp" claim timestamp check failed', { exp: 1 }, 'exp'),
    expect: plain.invalidToken('The access token expired', { code: 'ERR_JWT_EXPIRED' }),
    secrets: ['claim timestamp check failed', 'JWTExpired'],
  },
  {
    name: 'a jose JWTClaimValidationFailed on "aud": the fixed wording, never the jose text',
    profile: 'plain',
    error: () => new joseErrors.JWTClaimValidationFailed('unexpected "aud" claim value', {}, 'aud', 'check_failed'),
    expect: plain.invalidToken('The access token is not intended for this resource', { claim: 'aud' }),
    secrets: ['unexpected', 'claim value'],
  },
  {
    name: 'a real jwtVerify failing on a wrong audience',
    profile: 'plain',
    error: (f) =>
      jwtVerify(f.tokens.wrongAudience, f.signer.publicKey as never, { audience: AUDIENCE }).catch((e) => e),
    expect: plain.invalidToken('The access token is not intended for this resource', {
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    }),
    secrets: ['other.example'],
  },
  {
    name: 'a real jwtVerify failing on garbage',
    profile: 'plain',
    error: (f) => jwtVerify('garbage', f.signer.publicKey as never).catch((e) => e),
    expect: plain.invalidToken(MALFORMED_TOKEN, { code: 'ERR_JWS_INVALID' }),
  },
  {
    name: 'a jose JWKSTimeout: 503 auth_unavailable',
    profile: 'plain',
    error: () => new joseErrors.JWKSTimeout(),
    expect: plain.unavailable('Bearer', '5', { code: 'ERR_JWKS_TIMEOUT' }),
    secrets: ['request timed out'],
  },

  // --- @hapi/boom
  {
    name: 'Boom.unauthorized(message, "Basic"): invalid_credentials with the Basic challenge',
    profile: 'plain',
    error: () => Boom.unauthorized('Password of bob is wrong', 'Basic'),
    expect: plain.invalidCredentials(undefined, { isBoom: true }),
    secrets: ['bob'],
  },
  {
    name: 'Boom.unauthorized(null, "Bearer"): credentials_required',
    profile: 'plain',
    error: () => Boom.unauthorized(null, 'Bearer'),
    expect: plain.unauthorized('Bearer', { isBoom: true }),
  },
  {
    name: 'Boom.unauthorized(message, "Bearer"): invalid_token, its attributes dropped',
    profile: 'plain',
    error: () => Boom.unauthorized('token of bob expired', 'Bearer', { error: 'x' }),
    expect: plain.invalidToken(),
    secrets: ['bob', 'error="x"'],
  },
  {
    name: 'Boom.unauthorized() with no scheme: a challenge all the same',
    profile: 'plain',
    error: () => Boom.unauthorized(),
    expect: plain.unauthorized(),
  },
  {
    name: 'Boom.forbidden: forbidden',
    profile: 'plain',
    error: () => Boom.forbidden('bob lacks the finance role'),
    expect: plain.forbidden(undefined, { isBoom: true }),
    secrets: ['finance'],
  },

  // --- not auth failures: passed on untouched (the app's fallback answers)
  { name: 'a plain Error is not ours', error: () => new Error('boom'), expect: passedOn(500, 'boom') },
  {
    name: 'an http-errors 404 is not ours',
    error: () => createError(404, 'No such order'),
    expect: passedOn(404, 'No such order'),
  },
  {
    name: 'an http-errors 400 is not ours',
    error: () => createError(400, 'quantity must be positive'),
    expect: passedOn(400, 'quantity must be positive'),
  },
  {
    name: 'an http-errors 500 is not ours',
    error: () => createError(500),
    expect: passedOn(500, 'Internal Server Error'),
  },
  {
    name: 'a 407 is not ours (proxy authentication)',
    error: () => createError(407),
    expect: passedOn(407, 'Proxy Authentication Required'),
  },
  { name: 'Boom.badRequest is not ours', error: () => Boom.badRequest('nope'), expect: passedOn(500, 'nope') },
  { name: 'Boom.notFound is not ours', error: () => Boom.notFound(), expect: passedOn(500, 'Not Found') },
  {
    name: 'a TypeError is not ours',
    error: () => new TypeError('x is not a function'),
    expect: passedOn(500, 'x is not a function'),
  },
  { name: 'a thrown string is not ours', error: () => 'just a string', expect: passedOn(500) },
  {
    name: 'an object with status "401" as a string is not ours',
    error: () => ({ status: '401' }),
    expect: passedOn(500),
  },
  {
    name: 'an object with status 404 is not ours',
    error: () => ({ status: 404, message: 'nope' }),
    expect: passedOn(404, 'nope'),
  },
];

/** Requests to the routes of test/support/apps.ts. */
export const requestCases: readonly RequestCase[] = [
  // --- public
  { name: 'public route, no credentials', request: { path: '/public' }, expect: ok('/public', null) },
  { name: 'public route, HEAD', request: { method: 'HEAD', path: '/public' }, expect: ok('/public', null) },

  // --- Basic
  {
    name: 'basic: no credentials',
    request: { path: '/basic' },
    expect: app.unauthorized('Basic', null),
  },
  {
    name: 'basic, defaults: no credentials is the Basic challenge with charset',
    profile: 'plain',
    request: { path: '/basic' },
    expect: plain.unauthorized('Basic'),
  },
  { name: 'basic: alice', request: { path: '/basic', headers: auth(aliceBasic) }, expect: ok('/basic', aliceAuth) },
  {
    name: 'basic: scheme in lower case',
    request: { path: '/basic', headers: auth(`basic ${aliceBasic.slice(6)}`) },
    expect: ok('/basic', aliceAuth),
  },
  {
    name: 'basic: several spaces after the scheme',
    request: { path: '/basic', headers: auth(`Basic    ${aliceBasic.slice(6)}`) },
    expect: ok('/basic', aliceAuth),
  },
  {
    name: 'basic: verify returning true gives the principal { user }',
    request: { path: '/basic', headers: auth(basic(TRUE_USER.user, TRUE_USER.password)) },
    expect: ok('/basic', { scheme: 'Basic', principal: { user: 'test' }, scopes: [] }),
  },
  {
    name: 'basic: a password sent in NFD matches the stored NFC one (RFC 7617 §2.1)',
    request: { path: '/basic', headers: auth(basic(TRUE_USER.user, 'cafe\u0301')) },
    expect: ok('/basic', { scheme: 'Basic', principal: { user: 'test' }, scopes: [] }),
  },
  {
    name: "basic: the user-id ends at the first colon; a principal's own scopes are kept",
    request: { path: '/basic', headers: auth(basic(SCOPED_USER.user, SCOPED_USER.password)) },
    expect: ok('/basic', { scheme: 'Basic', principal: SCOPED_USER.principal, scopes: ['x'] }),
  },
  {
    name: 'basic: wrong password',
    request: { path: '/basic', headers: auth(basic('alice', 'Wonderland')) },
    expect: app.invalidCredentials(),
    secrets: ['alice'],
  },
  {
    name: 'basic: unknown user gets the very same response',
    request: { path: '/basic', headers: auth(basic('mallory', 'wonderland')) },
    expect: app.invalidCredentials(),
    secrets: ['mallory', 'wonderland'],
  },
  {
    name: 'basic, defaults: wrong password is the Basic challenge alone',
    profile: 'plain',
    request: { path: '/basic', headers: auth(basic('alice', 's3cret-guess')) },
    expect: plain.invalidCredentials(),
    secrets: ['alice'],
  },
  {
    name: 'basic: password with spaces (admin)',
    request: { path: '/basic', headers: auth(adminBasic) },
    expect: ok('/basic', { scheme: 'Basic', principal: USERS.admin.principal, scopes: [] }),
  },
  {
    name: 'basic: lenient base64 (invalid characters) is refused (rules 30, 31)',
    request: { path: '/basic', headers: auth('Basic YWxp!!Y2U6d29uZGVybGFuZA==') },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: base64 without padding is refused',
    request: { path: '/basic', headers: auth(aliceBasic.replace(/=+$/, '')) },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: base64url characters are refused',
    request: { path: '/basic', headers: auth(basic('test', 'caf\u00e9?>').replaceAll('+', '-').replaceAll('/', '_')) },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: no colon',
    request: { path: '/basic', headers: auth('Basic Zm9v') },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: a control character in the user-id',
    request: { path: '/basic', headers: auth(basic('us\u0000er', 'pw')) },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: scheme with nothing after it',
    request: { path: '/basic', headers: auth('Basic') },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: Latin-1 bytes are not UTF-8',
    request: { path: '/basic', headers: auth('Basic dGVzdDoxMjOj') },
    expect: app.invalidCredentials(MALFORMED_BASIC),
  },
  {
    name: 'basic: a Bearer token on a Basic route is a scheme this route does not take',
    request: { path: '/basic', headers: auth('Bearer abc') },
    expect: app.unauthorized('Basic'),
  },
  {
    name: 'basic: unsupported scheme (Digest)',
    request: { path: '/basic', headers: auth('Digest username="alice"') },
    expect: app.unauthorized('Basic'),
  },
  {
    name: 'basic: duplicate Authorization lines (raw socket)',
    request: { path: '/basic', headers: [...auth(aliceBasic), ...auth(aliceBasic)] },
    expect: app.invalidRequest(DUPLICATE_FIELDS, 'Basic'),
  },
  {
    name: 'basic, defaults: duplicate lines never authenticate, and a Basic route does not advertise Bearer',
    profile: 'plain',
    request: { path: '/basic', headers: [...auth(aliceBasic), ...auth('Basic Zm9vOmJhcg==')] },
    expect: problem('invalid_request', {
      typeBase: DEFAULT_TYPE_BASE,
      detail: DUPLICATE_FIELDS,
      challenges: [],
      scheme: 'Basic',
    }),
  },
  {
    name: 'basic: POST without credentials',
    request: { method: 'POST', path: '/basic', headers: [['Content-Type', 'text/plain']], body: 'hello' },
    expect: app.unauthorized('Basic'),
  },
  {
    name: 'basic: verify throws → 503 with Retry-After, the error kept for onError only',
    request: { path: '/basic', headers: auth(basic(DOWN_USER.user, DOWN_USER.password)) },
    expect: app.unavailable('Basic', '5', { message: `user store down while checking down:${DOWN_USER.password}` }),
    secrets: ['user store'],
  },
  {
    name: "basic: a guard's own realm names its protection space",
    profile: 'plain',
    request: { path: '/realm' },
    expect: { ...plain.unauthorized('Basic'), challenges: ['Basic realm="admin area", charset="UTF-8"'] },
  },
  {
    name: "basic: a guard's own realm on malformed credentials too",
    profile: 'plain',
    request: { path: '/realm', headers: auth('Basic Zm9v') },
    expect: { ...plain.invalidCredentials(MALFORMED_BASIC), challenges: ['Basic realm="admin area", charset="UTF-8"'] },
  },

  // --- policy
  { name: 'admin: no credentials', request: { path: '/admin' }, expect: app.unauthorized('Basic') },
  {
    name: 'admin: alice lacks the role: 403 and no Basic challenge (rule 15)',
    request: { path: '/admin', headers: auth(aliceBasic) },
    expect: app.forbidden(),
  },
  {
    name: 'admin, defaults: alice lacks the role',
    profile: 'plain',
    request: { path: '/admin', headers: auth(aliceBasic) },
    expect: plain.forbidden(),
  },
  {
    name: 'admin: admin',
    request: { path: '/admin', headers: auth(adminBasic) },
    expect: ok('/admin', { scheme: 'Basic', principal: USERS.admin.principal, scopes: [] }),
  },
  {
    name: 'admin: wrong password is 401, never 403',
    request: { path: '/admin', headers: auth(basic('admin', 'wrong')) },
    expect: app.invalidCredentials(),
  },
  {
    name: 'admin: CORS preflight is ended by the guard, never reaching the policy or the route',
    request: { method: 'OPTIONS', path: '/admin', headers: PREFLIGHT },
    expect: preflightEnded,
  },

  // --- opaque Bearer
  { name: 'bearer: no credentials', request: { path: '/bearer' }, expect: app.unauthorized('Bearer', null) },
  {
    name: 'bearer, defaults: no credentials is the bare Bearer challenge',
    profile: 'plain',
    request: { path: '/bearer' },
    expect: plain.unauthorized('Bearer', null),
  },
  {
    name: 'bearer: good token',
    request: { path: '/bearer', headers: bearer(OPAQUE_TOKEN) },
    expect: ok('/bearer', opaqueAuth()),
  },
  {
    name: 'bearer: scheme in mixed case and several spaces (rule 19)',
    request: { path: '/bearer', headers: auth(`bEaReR   ${OPAQUE_TOKEN}`) },
    expect: ok('/bearer', opaqueAuth()),
  },
  {
    name: 'bearer: unknown token',
    request: { path: '/bearer', headers: auth('Bearer nope') },
    expect: app.invalidToken(),
  },
  {
    name: 'bearer, defaults: unknown token',
    profile: 'plain',
    request: { path: '/bearer', headers: auth('Bearer wrong-token') },
    expect: plain.invalidToken(),
  },
  {
    name: 'bearer: verify throws → 503 with Retry-After, no challenge, the error kept for onError only',
    request: { path: '/bearer', headers: bearer(DOWN_TOKEN) },
    expect: app.unavailable('Bearer', '5', { message: `introspection failed for ${DOWN_TOKEN}` }),
    secrets: ['introspection'],
  },
  {
    name: 'bearer: Retry-After follows the renderer option',
    profile: 'retry',
    request: { path: '/bearer', headers: bearer(DOWN_TOKEN) },
    expect: problem('auth_unavailable', {
      typeBase: DEFAULT_TYPE_BASE,
      challenges: [],
      scheme: 'Bearer',
      retryAfter: '30',
    }),
  },
  {
    name: 'bearer: an AuthError thrown by verify is rendered as it is',
    profile: 'plain',
    request: { path: '/bearer', headers: bearer(SUSPENDED_TOKEN) },
    expect: problem('forbidden', {
      typeBase: DEFAULT_TYPE_BASE,
      detail: 'This account is suspended',
      challenges: [],
      scheme: 'Bearer',
    }),
  },
  {
    name: 'bearer: scheme with no token is invalid_request',
    request: { path: '/bearer', headers: auth('Bearer') },
    expect: app.invalidRequest('The access token is missing', 'Bearer'),
  },
  {
    name: 'bearer: token with a quote is malformed',
    request: { path: '/bearer', headers: auth('Bearer a"b') },
    expect: app.invalidToken(MALFORMED_TOKEN),
  },
  {
    name: 'bearer: token with a space is malformed',
    request: { path: '/bearer', headers: auth('Bearer abc def') },
    expect: app.invalidToken(MALFORMED_TOKEN),
  },
  {
    name: 'bearer: token with non-ASCII characters is malformed',
    request: { path: '/bearer', headers: auth('Bearer t\u00e9st') },
    expect: app.invalidToken(MALFORMED_TOKEN),
  },
  {
    name: 'bearer: scheme that is not a token',
    request: { path: '/bearer', headers: auth(`Bea(rer ${OPAQUE_TOKEN}`) },
    expect: app.invalidRequest('The Authorization header field is malformed', 'Bearer'),
  },
  {
    name: 'bearer: unsupported scheme (Digest) is like no credentials',
    request: { path: '/bearer', headers: auth('Digest username="x", realm="api"') },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'bearer: Basic credentials on a Bearer route count as none',
    request: { path: '/bearer', headers: auth(aliceBasic) },
    expect: app.unauthorized('Bearer'),
    secrets: ['alice'],
  },
  {
    name: 'bearer: empty Authorization value is no credentials',
    request: { path: '/bearer', headers: auth('') },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'bearer: duplicate Authorization lines (raw socket)',
    request: { path: '/bearer', headers: [...bearer(OPAQUE_TOKEN), ...bearer(OPAQUE_TOKEN)] },
    expect: app.invalidRequest(DUPLICATE_FIELDS, 'Bearer'),
  },
  {
    name: 'bearer: duplicate lines with different case names (raw socket)',
    request: {
      path: '/bearer',
      headers: [
        ['authorization', `Bearer ${OPAQUE_TOKEN}`],
        ['AUTHORIZATION', 'Bearer other'],
      ],
    },
    expect: app.invalidRequest(DUPLICATE_FIELDS, 'Bearer'),
  },
  {
    name: 'bearer: a query token is ignored when the query method is off',
    request: { path: `/bearer?access_token=${OPAQUE_TOKEN}` },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'bearer: Accept text/html → still problem+json',
    request: { path: '/bearer', headers: [['Accept', 'text/html']] },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'bearer: Accept prefers problem+json',
    request: { path: '/bearer', headers: [['Accept', 'application/json;q=0.5, application/problem+json']] },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'bearer: CORS preflight is not challenged and never reaches the route',
    request: { method: 'OPTIONS', path: '/bearer', headers: PREFLIGHT },
    expect: preflightEnded,
  },
  {
    name: 'bearer: OPTIONS without Access-Control-Request-Method is not a preflight',
    request: { method: 'OPTIONS', path: '/bearer', headers: [['Origin', 'https://app.example']] },
    expect: { ...app.unauthorized('Bearer'), headers: { 'access-control-expose-headers': 'WWW-Authenticate' } },
  },

  // --- query method
  {
    name: 'query: token in the query (a response no shared cache may keep, RFC 6750 §2.3)',
    request: { path: `/query?access_token=${OPAQUE_TOKEN}` },
    expect: ok('/query', opaqueAuth('query'), { cacheControl: 'private' }),
  },
  {
    name: 'query: verify returning true: the principal is {} (never the token)',
    request: { path: `/query?access_token=${TRUE_TOKEN}` },
    expect: ok('/query', { scheme: 'Bearer', principal: {}, scopes: [], via: 'query' }, { cacheControl: 'private' }),
  },
  {
    name: 'query: token in header and query → invalid_request',
    request: { path: `/query?access_token=${OPAQUE_TOKEN}`, headers: bearer(OPAQUE_TOKEN) },
    expect: app.invalidRequest(TWO_METHODS, 'Bearer'),
  },
  {
    name: 'query: two access_token parameters → invalid_request',
    request: { path: `/query?access_token=${OPAQUE_TOKEN}&access_token=${OPAQUE_TOKEN}` },
    expect: app.invalidRequest(TWO_METHODS, 'Bearer'),
  },
  {
    name: 'query: bad token in the query',
    request: { path: '/query?access_token=nope' },
    expect: app.invalidToken(),
  },
  { name: 'query: no credentials', request: { path: '/query' }, expect: app.unauthorized('Bearer') },

  // --- form body method (RFC 6750 §2.2), behind each framework's own body parser
  {
    name: 'form: a token in an urlencoded POST body',
    request: {
      method: 'POST',
      path: '/form',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${OPAQUE_TOKEN}`,
    },
    expect: ok('/form', opaqueAuth('body')),
  },
  {
    name: 'form: never in a GET',
    request: {
      path: '/form',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: `access_token=${OPAQUE_TOKEN}`,
    },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'form: never in a JSON body',
    request: {
      method: 'POST',
      path: '/form',
      headers: [['Content-Type', 'application/json']],
      body: `{"access_token":"${OPAQUE_TOKEN}"}`,
    },
    expect: app.unauthorized('Bearer'),
  },
  {
    name: 'form: header and body → invalid_request',
    request: {
      method: 'POST',
      path: '/form',
      headers: [['Content-Type', 'application/x-www-form-urlencoded'], ...bearer(OPAQUE_TOKEN)],
      body: `access_token=${OPAQUE_TOKEN}`,
    },
    expect: app.invalidRequest(TWO_METHODS, 'Bearer'),
  },

  // --- JWT
  { name: 'jwt: no credentials', request: { path: '/jwt' }, expect: app.unauthorized('Bearer') },
  {
    name: 'jwt: valid token: the claims are the principal',
    request: withToken('read', '/jwt'),
    expect: (f) => ok('/jwt', jwtAuth(f.tokens.read)),
  },
  {
    name: 'jwt: the scheme in mixed case with several spaces',
    request: (f) => ({ path: '/jwt', headers: auth(`bEaReR   ${f.tokens.read}`) }),
    expect: (f) => ok('/jwt', jwtAuth(f.tokens.read)),
  },
  {
    name: 'jwt: the key as a KeyObject',
    request: withToken('read', '/jwt/keyobject'),
    expect: (f) => ok('/jwt/keyobject', jwtAuth(f.tokens.read)),
  },
  {
    name: 'jwt: the key as a JWK',
    request: withToken('read', '/jwt/jwk'),
    expect: (f) => ok('/jwt/jwk', jwtAuth(f.tokens.read)),
  },
  {
    name: 'jwt: an HMAC secret',
    request: withToken('hsGood', '/jwt/hs'),
    expect: (f) => ok('/jwt/hs', jwtAuth(f.tokens.hsGood)),
  },
  {
    name: 'jwt: expired',
    request: withToken('expired', '/jwt'),
    expect: app.invalidToken('The access token expired', { code: 'ERR_JWT_EXPIRED' }),
    secrets: ['JWTExpired', 'user-1', 'claim timestamp check failed'],
  },
  {
    name: 'jwt: not valid yet',
    request: withToken('notYetValid', '/jwt'),
    expect: app.invalidToken('The access token is not valid yet'),
  },
  {
    name: 'jwt: issuer differs by a trailing slash',
    request: withToken('wrongIssuer', '/jwt'),
    expect: app.invalidToken('The access token was not issued by a trusted issuer'),
  },
  {
    name: 'jwt: wrong audience',
    request: withToken('wrongAudience', '/jwt'),
    expect: app.invalidToken('The access token is not intended for this resource', {
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    }),
    secrets: ['other.example'],
  },
  {
    name: 'jwt: signed by another key',
    request: withToken('badSignature', '/jwt'),
    expect: app.invalidToken('The access token signature is invalid', {
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    }),
  },
  {
    name: 'jwt: HS256 is not an accepted algorithm',
    request: withToken('hs256', '/jwt'),
    expect: app.invalidToken(ALGORITHM),
  },
  {
    name: 'jwt: HS256 keyed with the public key PEM (algorithm confusion)',
    request: withToken('confused', '/jwt'),
    expect: app.invalidToken(ALGORITHM),
  },
  { name: 'jwt: alg none', request: withToken('none', '/jwt'), expect: app.invalidToken(ALGORITHM) },
  {
    name: 'jwt: no exp claim',
    request: withToken('noExp', '/jwt'),
    expect: app.invalidToken('The access token lacks a required claim'),
  },
  {
    name: 'jwt: DPoP-bound token used as a bearer token',
    request: withToken('dpopBound', '/jwt'),
    expect: app.invalidToken('The access token is bound to a key and cannot be used as a bearer token'),
  },
  {
    name: 'jwt: token with non-ASCII characters',
    request: { path: '/jwt', headers: auth('Bearer caf\u00e9') },
    expect: app.invalidToken(MALFORMED_TOKEN),
  },
  {
    name: 'jwt: not a JWT',
    request: { path: '/jwt', headers: auth('Bearer not-a-jwt') },
    expect: app.invalidToken(MALFORMED_TOKEN),
  },
  {
    name: 'jwt: three dots that are not a JWT',
    request: { path: '/jwt', headers: auth('Bearer not.a.jwt') },
    expect: app.invalidToken(MALFORMED_TOKEN),
  },
  {
    name: 'jwt, defaults: Basic credentials count as none',
    profile: 'plain',
    request: { path: '/jwt', headers: auth(aliceBasic) },
    expect: plain.unauthorized('Bearer'),
    secrets: ['alice'],
  },
  {
    name: 'jwt, defaults: duplicate Authorization lines',
    profile: 'plain',
    request: (f) => ({ path: '/jwt', headers: [...bearer(f.tokens.read), ...bearer(f.tokens.read)] }),
    expect: plain.invalidRequest(DUPLICATE_FIELDS),
  },
  {
    name: 'jwt, rfc9068 profile: the at+jwt type is accepted',
    request: withToken('read', '/jwt/rfc9068'),
    expect: (f) => ok('/jwt/rfc9068', jwtAuth(f.tokens.read)),
  },
  {
    name: 'jwt, rfc9068 profile: application/AT+JWT is accepted',
    request: withToken('typAtJwt', '/jwt/rfc9068'),
    expect: (f) => ok('/jwt/rfc9068', jwtAuth(f.tokens.typAtJwt)),
  },
  {
    name: 'jwt, rfc9068 profile: typ JWT is refused',
    request: withToken('typJwt', '/jwt/rfc9068'),
    expect: app.invalidToken('The token is not an access token of an accepted type'),
  },

  // --- scopes
  {
    name: 'jwt/read: granted scope',
    request: withToken('read', '/jwt/read'),
    expect: (f) => ok('/jwt/read', jwtAuth(f.tokens.read)),
  },
  { name: 'jwt/read: no credentials', request: { path: '/jwt/read' }, expect: app.unauthorized('Bearer') },
  {
    name: 'jwt/read: scope missing',
    request: withToken('noScope', '/jwt/read'),
    expect: app.insufficientScope(['orders:read']),
  },
  {
    name: 'jwt/read: expired AND scope missing → only the 401 (rule 10)',
    request: withToken('expiredNoScope', '/jwt/read'),
    expect: app.invalidToken('The access token expired'),
  },
  {
    name: 'jwt/read: CORS preflight is not challenged and never reaches the route',
    request: { method: 'OPTIONS', path: '/jwt/read', headers: PREFLIGHT },
    expect: preflightEnded,
  },
  {
    name: 'jwt/many: scopes given as arrays and arguments are all required, in order',
    request: withToken('read', '/jwt/many'),
    expect: app.insufficientScope(['orders:read', 'orders:write', 'orders:admin']),
  },
  {
    name: 'jwt/many: every scope granted',
    request: withToken('all', '/jwt/many'),
    expect: (f) => ok('/jwt/many', jwtAuth(f.tokens.all, ['orders:read', 'orders:write', 'orders:admin'])),
  },
  {
    name: 'requireScopes with nobody authenticated is 401, not 403 (authentication comes first)',
    request: { path: '/unguarded' },
    expect: app.unauthorized(),
  },
  {
    name: 'requireScopes with nobody authenticated, defaults: the Bearer challenge',
    profile: 'plain',
    request: { path: '/unguarded' },
    expect: plain.unauthorized(),
  },

  // --- policies on JWT callers
  {
    name: 'jwt/policy: a policy answering anything but true is 403',
    request: withToken('read', '/jwt/policy'),
    expect: app.forbidden(),
  },
  {
    name: 'jwt/policy-bug: an error the policy throws is the application’s: passed on',
    request: withToken('read', '/jwt/policy-bug'),
    expect: passedOn(500, 'policy bug'),
  },

  // --- step-up (RFC 9470)
  {
    name: 'jwt/stepup: high acr',
    request: withToken('read', '/jwt/stepup'),
    expect: (f) => ok('/jwt/stepup', jwtAuth(f.tokens.read)),
  },
  {
    name: 'jwt/stepup: low acr',
    request: withToken('lowAcr', '/jwt/stepup'),
    expect: stepUp(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="urn:high"',
      { acrValues: ['urn:high'] },
    ),
    secrets: ['urn:low'],
  },
  {
    name: 'jwt/stepup: a bad signature with a low acr is invalid_token, not a step-up challenge (rule 59)',
    request: withToken('badSignature', '/jwt/stepup'),
    expect: app.invalidToken('The access token signature is invalid'),
  },
  {
    name: 'jwt/stepup: CORS preflight is ended, never reaching the step-up check or the route',
    request: { method: 'OPTIONS', path: '/jwt/stepup', headers: PREFLIGHT },
    expect: preflightEnded,
  },
  {
    name: 'jwt/read: a CORS preflight with a valid token is ended all the same',
    request: withToken('read', '/jwt/read', { method: 'OPTIONS', headers: PREFLIGHT }),
    expect: preflightEnded,
  },
  {
    name: 'unguarded: a check alone ends a CORS preflight too',
    request: { method: 'OPTIONS', path: '/unguarded', headers: PREFLIGHT },
    expect: preflightEnded,
  },
  {
    name: 'jwt/fresh: authentication older than max_age',
    profile: 'plain',
    request: withToken('oldAuth', '/jwt/fresh'),
    expect: stepUp(FRESH_300, { maxAge: 300 }, DEFAULT_TYPE_BASE),
  },
  {
    name: 'jwt/fresh: a token without auth_time is challenged',
    request: withToken('read', '/jwt/fresh'),
    expect: stepUp(FRESH_300, { maxAge: 300 }),
  },
  {
    name: 'jwt/fresh: a recent authentication passes',
    request: withToken('freshAuth', '/jwt/fresh'),
    expect: (f) => ok('/jwt/fresh', jwtAuth(f.tokens.freshAuth)),
  },
  {
    name: 'jwt/stepup-both: acr is checked first, both requirements in the challenge',
    request: withToken('bronze', '/jwt/stepup-both'),
    expect: stepUp(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="urn:gold urn:silver", max_age="60"',
      { acrValues: ['urn:gold', 'urn:silver'], maxAge: 60 },
    ),
  },
  {
    name: 'jwt/stepup-both: an accepted acr, recently',
    request: withToken('silver', '/jwt/stepup-both'),
    expect: (f) => ok('/jwt/stepup-both', jwtAuth(f.tokens.silver)),
  },

  // --- the key source is down
  {
    name: 'jwks: key source down → 503',
    request: withToken('read', '/jwks'),
    expect: app.unavailable('Bearer'),
    secrets: ['jwks.json'],
  },
  {
    name: "jwks: the guard's retryAfter",
    profile: 'plain',
    request: withToken('read', '/jwks-42'),
    expect: plain.unavailable('Bearer', '42'),
  },
  { name: 'jwks: no credentials is still 401', request: { path: '/jwks' }, expect: app.unauthorized('Bearer') },

  // --- what the response keeps and drops of the route's own headers
  {
    name: 'a route that set content headers, a stale challenge and Retry-After before it failed: removed; CORS stays',
    request: { path: '/stale' },
    expect: {
      ...app.forbidden(),
      headers: { 'access-control-allow-origin': 'https://app.example' },
      absent: ['content-language', 'content-disposition', 'etag', 'retry-after'],
    },
  },
  {
    name: 'a Vary the route already set is kept, and Accept is appended',
    request: { path: '/vary' },
    expect: { ...app.unauthorized('Bearer'), headers: { vary: 'Origin, Accept' } },
  },

  // --- cross-origin callers can read the challenge (rule 62)
  {
    name: 'cross-origin 401: Access-Control-Expose-Headers lists WWW-Authenticate',
    request: { path: '/jwt', headers: [['Origin', 'https://app.example']] },
    expect: { ...app.unauthorized('Bearer'), headers: { 'access-control-expose-headers': 'WWW-Authenticate' } },
  },
  {
    name: 'cross-origin 503: Access-Control-Expose-Headers lists Retry-After',
    request: withToken('read', '/jwks', { headers: [['Origin', 'https://app.example']] }),
    expect: { ...app.unavailable('Bearer'), headers: { 'access-control-expose-headers': 'Retry-After' } },
  },
  {
    name: 'cross-origin 403 without a challenge: nothing to expose',
    request: { path: '/stale', headers: [['Origin', 'https://app.example']] },
    expect: { ...app.forbidden(), absent: ['access-control-expose-headers'] },
  },
  {
    name: 'same-origin 401: nothing to expose',
    request: { path: '/jwt' },
    expect: { ...app.unauthorized('Bearer'), absent: ['access-control-expose-headers'] },
  },

  // --- renderer options through each adapter
  {
    name: 'realm, resource_metadata and instance (never the query string)',
    profile: 'tuned',
    request: { path: '/query?access_token=abc123nope&x=1' },
    expect: problem('invalid_token', {
      instance: '/tuned/query',
      challenges: [
        `Bearer realm="a\\\\b\\"c", error="invalid_token", error_description="The access token is not valid", resource_metadata="${METADATA_URL}"`,
      ],
      scheme: 'Bearer',
    }),
  },
  {
    name: 'resource_metadata on the bare challenge (rule 56)',
    profile: 'tuned',
    request: { path: '/bearer' },
    expect: problem('credentials_required', {
      instance: '/tuned/bearer',
      challenges: [`Bearer realm="a\\\\b\\"c", resource_metadata="${METADATA_URL}"`],
      scheme: 'Bearer',
    }),
  },

  // --- RFC 9728 protected resource metadata, served by every app (rule 57)
  {
    name: 'the protected resource metadata document',
    request: { path: '/.well-known/oauth-protected-resource/api' },
    expect: {
      status: 200,
      challenges: [],
      mediaType: 'application/json',
      cacheControl: 'public, max-age=3600',
      retryAfter: null,
      body: METADATA_DOCUMENT,
      events: [],
      headers: { 'content-type': 'application/json' },
    },
  },
  {
    name: 'the protected resource metadata document, HEAD: the headers and no body',
    request: { method: 'HEAD', path: '/.well-known/oauth-protected-resource/api' },
    expect: {
      status: 200,
      challenges: [],
      mediaType: 'application/json',
      cacheControl: 'public, max-age=3600',
      retryAfter: null,
      body: METADATA_DOCUMENT,
      events: [],
      headers: { 'content-length': String(JSON.stringify(METADATA_DOCUMENT).length) },
    },
  },
];

export const contractCases: readonly ContractCase[] = [...errorCases, ...requestCases];

// --- checks ----------------------------------------------------------------

const GLOBAL_SECRETS = [
  'wonderland',
  OPAQUE_TOKEN,
  DOWN_TOKEN,
  DOWN_USER.password,
  'ECONNREFUSED',
  '127.0.0.1',
  ' at ',
];

/** The credentials a request carries (Authorization values and their Basic parts, query and body tokens), long enough not to occur by chance. */
export function sentSecrets(request: RawRequest): string[] {
  const sent: string[] = [];
  for (const [name, value] of request.headers ?? []) {
    if (name.toLowerCase() !== 'authorization') continue;
    const credentials = value.replace(/^\S*\s*/, '');
    sent.push(credentials);
    if (/^basic\s/i.test(value)) sent.push(...Buffer.from(credentials, 'base64').toString('utf8').split(':'));
  }
  for (const [, token] of request.path.matchAll(/access_token=([^&]*)/g)) sent.push(token as string);
  if (request.body !== undefined) sent.push(...request.body.split(/[=&"{}:]/));
  return sent.filter((s) => s.length >= 8);
}

/** What a failure response must never contain: the credentials the request carried, internals, the case's own list. */
export function secretsOf(c: ContractCase, request: RawRequest, f: Fixtures): string[] {
  return [...sentSecrets(request), ...GLOBAL_SECRETS, `:${f.closedPort}`, ...(c.secrets ?? [])];
}

/** The problem body's exact text, or the expected text. */
export function bodyText(e: Expected): string {
  return typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
}

/** The same failure for a client that accepts only application/json. */
export const jsonVariant = (e: Expected): Expected => ({ ...e, mediaType: 'application/json' });

/** Asserts everything a client sees of `res`; to HEAD (rule 13) the same status and headers as to GET, no body. */
export function expectResponse(res: RawResponse, e: Expected, method = 'GET'): void {
  const contentType = header(res, 'content-type') ?? null;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? null;
  expect({
    status: res.status,
    challenges: headerLines(res, 'www-authenticate'),
    mediaType,
    cacheControl: header(res, 'cache-control') ?? null,
    retryAfter: header(res, 'retry-after') ?? null,
  }).toEqual({
    status: e.status,
    challenges: e.challenges,
    mediaType: e.mediaType,
    cacheControl: e.cacheControl,
    retryAfter: e.retryAfter,
  });
  if (method === 'HEAD' || res.status === 204) {
    expect(res.rawBody.length).toBe(0);
  } else if (typeof e.body === 'string') {
    expect(res.body).toBe(e.body);
  } else {
    expect(JSON.parse(res.body)).toEqual(e.body);
  }
  if (e.cacheControl === 'no-store') {
    // A problem: exactly the media type (no charset Koa or Express would add), the exact bytes, Vary: Accept.
    expect(contentType).toBe(e.mediaType);
    if (method !== 'HEAD') expect(res.body).toBe(bodyText(e));
    expect(header(res, 'content-length')).toBe(String(Buffer.byteLength(bodyText(e))));
    const vary = headerLines(res, 'vary').flatMap((line) => line.split(',').map((s) => s.trim().toLowerCase()));
    expect(vary).toContain('accept');
  }
  for (const [name, value] of Object.entries(e.headers ?? {})) expect(header(res, name), name).toBe(value);
  for (const name of e.absent ?? []) expect(header(res, name), name).toBeUndefined();
}

/** Only the fields of an onError event a case states. */
export interface SeenEvent {
  readonly code: string;
  readonly scheme: string | undefined;
  readonly status: number;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly cause: unknown;
}

/** Asserts the onError events of one request. */
export function expectEvents(events: readonly SeenEvent[], e: Expected, method: string, path: string): void {
  expect(events.map((event) => `${event.code} ${event.scheme ?? '-'}`)).toEqual(e.events);
  for (const event of events) {
    expect(event.status).toBe(e.status);
    expect(event.method).toBe(method);
    // The path never carries the query.
    expect(event.path).toBe(path.split('?')[0]);
  }
  if (e.cause === null) expect(events[0]?.cause).toBeUndefined();
  else if (e.cause !== undefined) expect(events[0]?.cause).toMatchObject(e.cause);
}
