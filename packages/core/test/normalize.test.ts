/**
 * normalize() on real error objects from each library auth-errors replaces or
 * sits behind, and on hostile input: it never throws, and no rendered body or
 * header ever carries the foreign error's message text.
 * Rule numbers refer to docs/conformance.md.
 */

import * as Boom from '@hapi/boom';
import { UnauthorizedError as ExpressJwtUnauthorizedError } from 'express-jwt';
import {
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  UnauthorizedError as OAuth2UnauthorizedError,
} from 'express-oauth2-jwt-bearer';
import fc from 'fast-check';
import createError from 'http-errors';
import { errors } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { JwksError, SigningKeyNotFoundError } from 'jwks-rsa';
import { describe, expect, it } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { createRenderer } from '../src/adapter.js';
import { authErrorCodes } from '../src/errors/catalog.js';
import { normalize } from '../src/errors/normalize.js';
import { AuthError } from '../src/index.js';
import { hostileProxy } from './hostile.js';

const { TokenExpiredError, JsonWebTokenError, NotBeforeError } = jsonwebtoken;

/** Only HTAB and visible ASCII or SP. */
const SAFE = /^[\t\x20-\x7e]*$/;

const renderer = createRenderer({ schemes: ['Basic', 'Bearer'], instance: true, onError: () => {} });

function rendered(thrown: unknown): { body: string; headers: string[] } | undefined {
  const response = renderer(thrown, { method: 'GET', url: '/orders?access_token=abc.def.ghi' });
  if (response === undefined) return undefined;
  const headers = Object.values(response.headers).flatMap((v) => (typeof v === 'string' ? [v] : [...v]));
  return { body: response.body, headers };
}

function expectNoLeak(thrown: unknown, secrets: readonly string[]): void {
  const out = rendered(thrown);
  expect(out).toBeDefined();
  for (const secret of secrets) {
    expect(out?.body).not.toContain(secret);
    for (const header of out?.headers ?? []) expect(header).not.toContain(secret);
  }
  for (const header of out?.headers ?? []) expect(header).toMatch(SAFE);
}

interface Case {
  readonly name: string;
  readonly make: () => unknown;
  readonly code: string | undefined;
  readonly scheme?: string | undefined;
  readonly detail?: string;
  readonly requiredScopes?: readonly string[];
  /** Text of the foreign error that must not reach a response. */
  readonly secrets?: readonly string[];
}

function check(c: Case): void {
  const thrown = c.make();
  const error = normalize(thrown);
  if (c.code === undefined) {
    expect(error).toBeUndefined();
    expect(renderer(thrown, { method: 'GET', url: '/' })).toBeUndefined();
    return;
  }
  expect(error).toBeInstanceOf(AuthError);
  expect(error?.code).toBe(c.code);
  if ('scheme' in c) expect(error?.scheme).toBe(c.scheme);
  if (c.detail !== undefined) expect(error?.detail).toBe(c.detail);
  if (c.requiredScopes !== undefined) expect(error?.requiredScopes).toEqual(c.requiredScopes);
  // The foreign error (or the library error it wraps) is kept as the cause, for onError.
  if (!AuthError.is(thrown)) {
    const wrapped = [
      thrown,
      (thrown as { inner?: unknown }).inner,
      (thrown as { originalError?: unknown }).originalError,
    ];
    expect(error?.cause).toBeDefined();
    expect(wrapped.filter((v) => v !== undefined)).toContain(error?.cause);
  }
  expectNoLeak(thrown, c.secrets ?? []);
}

describe('our own errors', () => {
  // Every code of the catalog: the factories build exactly these (new AuthError(code, init)).
  it.each(authErrorCodes.map((code) => new AuthError(code)))('$code is returned unchanged', (error) => {
    expect(normalize(error)).toBe(error);
  });

  it('an AuthError from another copy of the package with a code this copy does not know does not break rendering', () => {
    const foreign = Object.assign(new Error('DPoP proof htu mismatch: https://internal.example'), {
      name: 'AuthError',
      code: 'invalid_future_code',
      status: 401,
      statusCode: 401,
      expose: true,
    });
    Object.defineProperty(foreign, Symbol.for('auth-errors.AuthError'), { value: true });
    expect(() => normalize(foreign)).not.toThrow();
    expect(() => renderer(foreign, { method: 'GET', url: '/' })).not.toThrow();
    // Read through the http-errors contract it also satisfies: a 401 asks for credentials.
    expect(normalize(foreign)?.code).toBe('credentials_required');
    expectNoLeak(foreign, ['internal.example', 'htu mismatch']);
    const teapot = Object.assign(new Error('x'), { code: 'something_new', status: 418 });
    Object.defineProperty(teapot, Symbol.for('auth-errors.AuthError'), { value: true });
    expect(normalize(teapot)).toBeUndefined();
  });
});

describe('http-errors', () => {
  const cases: Case[] = [
    {
      name: 'createError(401)',
      make: () => createError(401, 'user 42 has no session in shard-7'),
      code: 'credentials_required',
      secrets: ['shard-7'],
    },
    {
      name: 'createError(403)',
      make: () => createError(403, 'role admin missing for user 42 (policy p-9)'),
      code: 'forbidden',
      secrets: ['policy p-9'],
    },
    { name: 'createError(404)', make: () => createError(404), code: undefined },
    { name: 'createError(500)', make: () => createError(500, 'db down'), code: undefined },
    { name: 'createError(400)', make: () => createError(400, 'bad json'), code: undefined },
    { name: 'createError(503)', make: () => createError(503), code: undefined },
    { name: 'a plain Error', make: () => new Error('boom'), code: undefined },
    { name: 'a TypeError', make: () => new TypeError('x is not a function'), code: undefined },
  ];
  it.each(cases)('$name → $code', check);
});

describe('jose', () => {
  const cases: Case[] = [
    {
      name: 'JWTExpired',
      make: () => new errors.JWTExpired('"exp" claim timestamp check failed', { exp: 1 }, 'exp', 'check_failed'),
      code: 'invalid_token',
      detail: 'The access token expired',
      secrets: ['"exp" claim', 'timestamp check failed'],
    },
    ...(['iss', 'aud', 'nbf', 'typ'] as const).map(
      (claim): Case => ({
        name: `JWTClaimValidationFailed claim ${claim}`,
        make: () =>
          new errors.JWTClaimValidationFailed(
            `unexpected "${claim}" claim value`,
            { [claim]: 'x' },
            claim,
            'check_failed',
          ),
        code: 'invalid_token',
        scheme: 'Bearer',
        secrets: [`unexpected "${claim}" claim value`, 'claim value'],
      }),
    ),
    {
      name: 'JWTClaimValidationFailed, a required claim missing',
      make: () => new errors.JWTClaimValidationFailed('missing required "jti" claim', {}, 'jti', 'missing'),
      code: 'invalid_token',
      detail: 'The access token lacks a required claim',
      secrets: ['"jti"', 'missing required'],
    },
    {
      name: 'JWSInvalid',
      make: () => new errors.JWSInvalid('Invalid Compact JWS'),
      code: 'invalid_token',
      secrets: ['Compact JWS'],
    },
    {
      name: 'JWTInvalid',
      make: () => new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object'),
      code: 'invalid_token',
      secrets: ['Claims Set'],
    },
    {
      name: 'JWSSignatureVerificationFailed',
      make: () => new errors.JWSSignatureVerificationFailed(),
      code: 'invalid_token',
      detail: 'The access token signature is invalid',
      secrets: ['signature verification failed'],
    },
    {
      name: 'JOSEAlgNotAllowed',
      make: () => new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed'),
      code: 'invalid_token',
      secrets: ['Header Parameter'],
    },
    {
      name: 'JOSENotSupported',
      make: () => new errors.JOSENotSupported('Unsupported "alg" value for a JSON Web Key Set'),
      code: 'invalid_token',
      secrets: ['Unsupported "alg"'],
    },
    {
      name: 'JWKSNoMatchingKey',
      make: () => new errors.JWKSNoMatchingKey(),
      code: 'invalid_token',
      detail: 'The access token is signed with an unknown key',
      secrets: ['no applicable key', 'JSON Web Key Set'],
    },
    {
      name: 'JWKSMultipleMatchingKeys',
      make: () => new errors.JWKSMultipleMatchingKeys(),
      code: 'invalid_token',
      secrets: ['multiple matching keys'],
    },
    {
      name: 'JWKSTimeout',
      make: () => new errors.JWKSTimeout(),
      code: 'auth_unavailable',
      scheme: 'Bearer',
      secrets: ['request timed out'],
    },
    {
      name: 'JWKSInvalid',
      make: () => new errors.JWKSInvalid('JSON Web Key Set malformed at https://idp.internal/jwks'),
      code: 'auth_unavailable',
      secrets: ['idp.internal', 'malformed'],
    },
    {
      name: 'generic JOSEError',
      make: () => new errors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response'),
      code: 'auth_unavailable',
      secrets: ['Expected 200 OK'],
    },
  ];
  it.each(cases)('$name → $code', check);

  it('maps each claim to its own fixed public wording', () => {
    const detail = (claim: string) =>
      normalize(new errors.JWTClaimValidationFailed('x', {}, claim, 'check_failed'))?.detail;
    expect(detail('iss')).toBe('The access token was not issued by a trusted issuer');
    expect(detail('aud')).toBe('The access token is not intended for this resource');
    expect(detail('nbf')).toBe('The access token is not valid yet');
    expect(detail('typ')).toBe('The token is not an access token of an accepted type');
  });

  it('gives the same title for two different expiries (rule 5)', () => {
    const a = rendered(new errors.JWTExpired('"exp" claim timestamp check failed', { exp: 1 }, 'exp', 'check_failed'));
    const b = rendered(new errors.JWTExpired('"exp" claim timestamp check failed', { exp: 2 }, 'exp', 'check_failed'));
    expect(JSON.parse(a?.body ?? '').title).toBe('Invalid access token');
    expect(a?.body).toBe(b?.body);
  });
});

describe('express-jwt UnauthorizedError', () => {
  const cases: Case[] = [
    {
      name: 'credentials_required',
      make: () =>
        new ExpressJwtUnauthorizedError('credentials_required', { message: 'No authorization token was found' }),
      code: 'credentials_required',
      scheme: 'Bearer',
      secrets: ['No authorization token'],
    },
    {
      name: 'credentials_bad_scheme',
      make: () =>
        new ExpressJwtUnauthorizedError('credentials_bad_scheme', {
          message: 'Format is Authorization: Bearer [token]',
        }),
      code: 'credentials_required',
      scheme: 'Bearer',
      secrets: ['Format is'],
    },
    {
      name: 'credentials_bad_format',
      make: () =>
        new ExpressJwtUnauthorizedError('credentials_bad_format', {
          message: 'Format is Authorization: Bearer [token]',
        }),
      code: 'invalid_request',
      scheme: 'Bearer',
      secrets: ['Format is'],
    },
    {
      name: 'invalid_token wrapping TokenExpiredError',
      make: () => new ExpressJwtUnauthorizedError('invalid_token', new TokenExpiredError('jwt expired', new Date(0))),
      code: 'invalid_token',
      detail: 'The access token expired',
      secrets: ['jwt expired'],
    },
    {
      name: 'invalid_token wrapping NotBeforeError',
      make: () => new ExpressJwtUnauthorizedError('invalid_token', new NotBeforeError('jwt not active', new Date(0))),
      code: 'invalid_token',
      detail: 'The access token is not valid yet',
      secrets: ['jwt not active'],
    },
    {
      name: 'invalid_token wrapping JsonWebTokenError',
      make: () =>
        new ExpressJwtUnauthorizedError(
          'invalid_token',
          new JsonWebTokenError('jwt audience invalid. expected: https://rs.internal'),
        ),
      code: 'invalid_token',
      secrets: ['rs.internal', 'jwt audience invalid'],
    },
    {
      name: 'invalid_token wrapping a jwks-rsa SigningKeyNotFoundError',
      make: () =>
        new ExpressJwtUnauthorizedError(
          'invalid_token',
          new SigningKeyNotFoundError('Unable to find a signing key that matches "k1"'),
        ),
      code: 'invalid_token',
      secrets: ['Unable to find', '"k1"'],
    },
    {
      name: 'invalid_token wrapping a jwks-rsa JwksError',
      make: () =>
        new ExpressJwtUnauthorizedError(
          'invalid_token',
          new JwksError('Not Found: https://idp.internal/.well-known/jwks.json'),
        ),
      code: 'auth_unavailable',
      scheme: 'Bearer',
      secrets: ['idp.internal', 'Not Found'],
    },
    {
      name: 'invalid_token wrapping a network error',
      make: () =>
        new ExpressJwtUnauthorizedError(
          'invalid_token',
          Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:443'), {
            code: 'ECONNREFUSED',
            syscall: 'connect',
          }),
        ),
      code: 'auth_unavailable',
      secrets: ['10.1.2.3', 'ECONNREFUSED'],
    },
    {
      name: 'revoked_token',
      make: () => new ExpressJwtUnauthorizedError('revoked_token', { message: 'The token has been revoked.' }),
      code: 'invalid_token',
      detail: 'The access token was revoked',
      secrets: ['has been revoked'],
    },
  ];
  it.each(cases)('$name → $code', check);
});

describe('koa-jwt (http-errors 401 with originalError)', () => {
  const cases: Case[] = [
    {
      name: 'no token: Authentication Error',
      make: () => createError(401, 'Authentication Error'),
      code: 'credentials_required',
      secrets: ['Authentication Error'],
    },
    {
      name: 'debug: Token not found',
      make: () => createError(401, 'Token not found'),
      code: 'credentials_required',
      secrets: ['Token not found'],
    },
    {
      name: 'TokenExpiredError',
      make: () => createError(401, 'jwt expired', { originalError: new TokenExpiredError('jwt expired', new Date(0)) }),
      code: 'invalid_token',
      detail: 'The access token expired',
      secrets: ['jwt expired'],
    },
    {
      name: 'NotBeforeError',
      make: () =>
        createError(401, 'Authentication Error', { originalError: new NotBeforeError('jwt not active', new Date(0)) }),
      code: 'invalid_token',
      detail: 'The access token is not valid yet',
    },
    {
      name: 'JsonWebTokenError',
      make: () => createError(401, 'invalid signature', { originalError: new JsonWebTokenError('invalid signature') }),
      code: 'invalid_token',
      secrets: ['invalid signature'],
    },
    {
      name: 'Token revoked',
      make: () => createError(401, 'Token revoked', { originalError: new Error('Token revoked') }),
      code: 'invalid_token',
      detail: 'The access token was revoked',
      secrets: ['Token revoked'],
    },
    {
      name: 'a jwks-rsa JwksError from koaJwtSecret',
      make: () =>
        createError(401, 'Authentication Error', {
          originalError: new JwksError('Not Found: https://idp.internal/.well-known/jwks.json'),
        }),
      code: 'auth_unavailable',
      secrets: ['idp.internal'],
    },
    {
      name: 'a jwks-rsa SigningKeyNotFoundError from koaJwtSecret',
      make: () =>
        createError(401, 'Authentication Error', {
          originalError: new SigningKeyNotFoundError('Unable to find a signing key that matches "k1"'),
        }),
      code: 'invalid_token',
      secrets: ['"k1"'],
    },
    {
      name: 'Bad Authorization header format',
      make: () => createError(401, 'Bad Authorization header format. Format is "Authorization: Bearer <token>"'),
      code: 'invalid_request',
      scheme: 'Bearer',
      secrets: ['Bad Authorization header format', 'Format is'],
    },
  ];
  it.each(cases)('$name → $code', check);
});

describe('express-oauth2-jwt-bearer', () => {
  const cases: Case[] = [
    {
      name: 'UnauthorizedError (no token)',
      make: () => new OAuth2UnauthorizedError(),
      code: 'credentials_required',
      scheme: 'Bearer',
    },
    {
      name: 'InvalidRequestError',
      make: () => new InvalidRequestError('Invalid request URL: Path must not start with "//"'),
      code: 'invalid_request',
      scheme: 'Bearer',
      secrets: ['Path must not start'],
    },
    {
      name: 'InvalidTokenError (bad signature)',
      make: () => new InvalidTokenError('signature verification failed'),
      code: 'invalid_token',
      secrets: ['signature verification failed'],
    },
    {
      name: 'InvalidTokenError (unexpected aud)',
      make: () => new InvalidTokenError('unexpected "aud" claim value'),
      code: 'invalid_token',
      secrets: ['unexpected', 'claim value'],
    },
    ...[
      'fetch failed',
      'request timed out',
      'Failed to fetch https://idp.internal/.well-known/jwks.json, responded with 500',
      'Failed to fetch authorization server metadata',
      'Expected 200 OK from the JSON Web Key Set HTTP response',
      'connect ECONNREFUSED 10.1.2.3:443',
      'getaddrinfo ENOTFOUND idp.internal',
      'socket hang up',
    ].map(
      (message): Case => ({
        name: `InvalidTokenError outage '${message}'`,
        make: () => new InvalidTokenError(message),
        code: 'auth_unavailable',
        scheme: 'Bearer',
        secrets: [message, 'idp.internal', '10.1.2.3'],
      }),
    ),
    {
      name: "InsufficientScopeError(['read:x'])",
      make: () => new InsufficientScopeError(['read:x']),
      code: 'insufficient_scope',
      scheme: 'Bearer',
      requiredScopes: ['read:x'],
      secrets: ['Insufficient Scope'],
    },
    {
      name: 'InsufficientScopeError with several scopes',
      make: () => new InsufficientScopeError(['read:x', 'write:y']),
      code: 'insufficient_scope',
      requiredScopes: ['read:x', 'write:y'],
    },
  ];
  it.each(cases)('$name → $code', check);

  it('InsufficientScopeError renders the rule-41 challenge', () => {
    expect(rendered(new InsufficientScopeError(['read:x']))?.headers).toContain(
      challenge.bearer({ error: 'insufficient_scope', scope: 'read:x' }),
    );
  });
});

describe('@hapi/boom', () => {
  const cases: Case[] = [
    {
      name: "Boom.unauthorized(null, 'Bearer')",
      make: () => Boom.unauthorized(null, 'Bearer'),
      code: 'credentials_required',
      scheme: 'Bearer',
    },
    {
      name: "Boom.unauthorized('bad', 'Basic')",
      make: () => Boom.unauthorized('bad password for alice', 'Basic'),
      code: 'invalid_credentials',
      scheme: 'Basic',
      secrets: ['alice', 'bad password'],
    },
    {
      name: "Boom.unauthorized('bad', 'Bearer')",
      make: () => Boom.unauthorized('token kid k1 unknown', 'Bearer'),
      code: 'invalid_token',
      scheme: 'Bearer',
      secrets: ['kid k1'],
    },
    {
      name: 'Boom.forbidden',
      make: () => Boom.forbidden('user 42 lacks role admin'),
      code: 'forbidden',
      secrets: ['role admin'],
    },
    { name: 'Boom.notFound', make: () => Boom.notFound(), code: undefined },
    { name: 'Boom.badImplementation', make: () => Boom.badImplementation('db down'), code: undefined },
    { name: 'Boom.badRequest', make: () => Boom.badRequest('bad json'), code: undefined },
  ];
  it.each(cases)('$name → $code', check);
});

describe('jwks-rsa', () => {
  const cases: Case[] = [
    {
      name: 'JwksError',
      make: () => new JwksError('Not Found: https://idp.internal/.well-known/jwks.json'),
      code: 'auth_unavailable',
      scheme: 'Bearer',
      secrets: ['idp.internal'],
    },
    {
      name: 'SigningKeyNotFoundError',
      make: () => new SigningKeyNotFoundError('Unable to find a signing key that matches "k1"'),
      code: 'invalid_token',
      scheme: 'Bearer',
      detail: 'The access token is signed with an unknown key',
      secrets: ['"k1"'],
    },
  ];
  it.each(cases)('$name → $code', check);
});

describe('bad input', () => {
  const throwingGetters = Object.defineProperties(
    {},
    Object.fromEntries(
      ['status', 'statusCode', 'code', 'name', 'message', 'headers', 'isBoom', 'output', 'inner', 'originalError'].map(
        (key) => [
          key,
          {
            get() {
              throw new Error(`getter ${key}`);
            },
            enumerable: true,
          },
        ],
      ),
    ),
  );
  const hostile = hostileProxy('function');
  const circular: Error & { cause?: unknown } = new Error('loop');
  circular.cause = circular;
  const circularJose = new errors.JWKSTimeout('timed out', { cause: null });
  (circularJose as { cause?: unknown }).cause = circularJose;
  const circular401 = createError(401, 'x');
  (circular401 as { cause?: unknown; originalError?: unknown }).originalError = circular401;

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'Unauthorized'],
    ['a number', 401],
    ['a bigint', 401n],
    ['a boolean', true],
    ['a symbol', Symbol('401')],
    ['an empty object', {}],
    ['an object without prototype', Object.create(null)],
    ['an object with getters that throw', throwingGetters],
    ['a Proxy whose every trap throws', hostile],
    ['an error with a circular cause', circular],
    ['an array', [401]],
    ['a function', () => 401],
    ['a status that is a string', { status: '401' }],
    ['output without a status', { isBoom: true, output: null }],
  ])('%s: never throws and is not an auth failure', (_, value) => {
    expect(() => normalize(value)).not.toThrow();
    expect(normalize(value)).toBeUndefined();
    expect(() => renderer(value, { method: 'GET', url: '/' })).not.toThrow();
  });

  it('a jose outage with a circular cause still renders 503 and logs safely', () => {
    const error = normalize(circularJose);
    expect(error?.code).toBe('auth_unavailable');
    const quiet = createRenderer();
    const original = console.error;
    const lines: unknown[][] = [];
    console.error = (...args: unknown[]) => {
      lines.push(args);
    };
    try {
      expect(quiet(circularJose, { method: 'GET', url: '/' })?.status).toBe(503);
    } finally {
      console.error = original;
    }
    expect(lines).toHaveLength(1);
  });

  it('a koa-jwt 401 whose originalError is itself does not loop', () => {
    expect(() => normalize(circular401)).not.toThrow();
    expect(normalize(circular401)?.status).toBe(401);
  });

  it('an object with a status getter that throws once does not break later calls', () => {
    let calls = 0;
    const flaky = {
      get status() {
        calls++;
        if (calls === 1) throw new Error('first read');
        return 401;
      },
    };
    expect(() => normalize(flaky)).not.toThrow();
  });
});

describe('properties', () => {
  const values = fc.oneof(
    fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true }),
    fc.record(
      {
        status: fc.oneof(fc.constantFrom(400, 401, 403, 404, 500, 503), fc.anything()),
        statusCode: fc.anything(),
        code: fc.oneof(
          fc.string(),
          fc.constantFrom('ERR_JWT_EXPIRED', 'ERR_JWKS_TIMEOUT', 'invalid_token', 'revoked_token'),
        ),
        name: fc.oneof(
          fc.string(),
          fc.constantFrom(
            'UnauthorizedError',
            'InvalidTokenError',
            'InsufficientScopeError',
            'InvalidRequestError',
            'JwksError',
            'SigningKeyNotFoundError',
          ),
        ),
        message: fc.string({ unit: 'binary' }),
        headers: fc.oneof(fc.anything(), fc.record({ 'WWW-Authenticate': fc.string({ unit: 'binary' }) })),
        isBoom: fc.boolean(),
        output: fc.anything(),
        inner: fc.anything(),
        originalError: fc.anything(),
        claim: fc.anything(),
        reason: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );

  it('normalize and render never throw, and every rendered header value is safe', () => {
    fc.assert(
      fc.property(values, fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), (value, url) => {
        const error = normalize(value);
        if (error !== undefined) expect(AuthError.is(error)).toBe(true);
        const response = renderer(value, { method: 'GET', url, accept: 'application/json' });
        if (response === undefined) {
          expect(error).toBeUndefined();
          return;
        }
        expect([400, 401, 403, 503]).toContain(response.status);
        expect(JSON.parse(response.body).status).toBe(response.status);
        for (const v of Object.values(response.headers)) {
          for (const line of typeof v === 'string' ? [v] : v) expect(line).toMatch(SAFE);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the message of any foreign 401 never reaches the response', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 12, maxLength: 40 }).map((s) => `zq${s}qz`),
        (message) => {
          for (const thrown of [
            createError(401, message),
            createError(403, message),
            new InvalidTokenError(message),
            Boom.unauthorized(message, 'Bearer'),
            new errors.JWTInvalid(message),
            new ExpressJwtUnauthorizedError('invalid_token', new JsonWebTokenError(message)),
          ]) {
            const out = rendered(thrown);
            expect(out?.body).not.toContain(message);
            for (const header of out?.headers ?? []) expect(header).not.toContain(message);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
