/**
 * The error factories: what each error carries, the http-errors contract a
 * bypassed Express/Koa default handler relies on (`status`, `statusCode`,
 * `expose`, `headers`), and `AuthError.is`.
 */

import fc from 'fast-check';
import createError from 'http-errors';
import { describe, expect, it } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { BASIC, BEARER, bearerError } from '../../../test/support/contract-cases.js';
import { catalog, createRenderer } from '../src/adapter.js';
import { authErrorCodes } from '../src/errors/catalog.js';
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
} from '../src/index.js';
import { hostileProxy } from './hostile.js';

/** The algorithms a DPoP challenge offers when no guard configured any. */
const DEFAULT_ALGS = 'ES256 EdDSA Ed25519 PS256 RS256';

interface FactoryCase {
  readonly name: string;
  readonly make: () => AuthError;
  readonly code: string;
  readonly status: number;
  readonly scheme: string | undefined;
  /** What `err.headers` holds: what a host's default handler sends when auth-errors is bypassed. */
  readonly headers: Record<string, string | string[]>;
}

const cases: readonly FactoryCase[] = [
  {
    name: 'credentialsRequired()',
    make: () => credentialsRequired(),
    code: 'credentials_required',
    status: 401,
    scheme: undefined,
    headers: { 'WWW-Authenticate': [BEARER] },
  },
  {
    name: "credentialsRequired({ scheme: 'Basic' })",
    make: () => credentialsRequired({ scheme: 'Basic' }),
    code: 'credentials_required',
    status: 401,
    scheme: 'Basic',
    headers: { 'WWW-Authenticate': [BASIC] },
  },
  {
    name: 'invalidRequest()',
    make: () => invalidRequest(),
    code: 'invalid_request',
    status: 400,
    scheme: undefined,
    headers: {
      'WWW-Authenticate': [
        bearerError('invalid_request', 'The authentication information in the request is malformed'),
      ],
    },
  },
  {
    name: 'invalidToken()',
    make: () => invalidToken({ detail: 'The access token expired' }),
    code: 'invalid_token',
    status: 401,
    scheme: 'Bearer',
    headers: {
      'WWW-Authenticate': [bearerError('invalid_token', 'The access token expired')],
    },
  },
  {
    name: 'invalidCredentials()',
    make: () => invalidCredentials(),
    code: 'invalid_credentials',
    status: 401,
    scheme: 'Basic',
    headers: { 'WWW-Authenticate': [BASIC] },
  },
  {
    name: "insufficientScope(['write'])",
    make: () => insufficientScope(['write']),
    code: 'insufficient_scope',
    status: 403,
    scheme: 'Bearer',
    headers: { 'WWW-Authenticate': [challenge.bearer({ error: 'insufficient_scope', scope: 'write' })] },
  },
  {
    name: 'forbidden()',
    make: () => forbidden(),
    code: 'forbidden',
    status: 403,
    scheme: undefined,
    headers: {},
  },
  {
    name: 'insufficientUserAuthentication()',
    make: () => insufficientUserAuthentication({ acrValues: ['myACR'], maxAge: 300 }),
    code: 'insufficient_user_authentication',
    status: 401,
    scheme: 'Bearer',
    headers: {
      'WWW-Authenticate': [
        challenge.bearer({
          error: 'insufficient_user_authentication',
          error_description: 'A stronger or more recent authentication is required',
          acr_values: 'myACR',
          max_age: 300,
        }),
      ],
    },
  },
  {
    // The DPoP codes come from guards with the dpop option (test/dpop.test.ts); alone, they still challenge in DPoP.
    name: "new AuthError('invalid_dpop_proof')",
    make: () => new AuthError('invalid_dpop_proof'),
    code: 'invalid_dpop_proof',
    status: 401,
    scheme: undefined,
    headers: {
      'WWW-Authenticate': [
        challenge.dpop({
          error: 'invalid_dpop_proof',
          error_description: 'The DPoP proof is not valid for this request',
          algs: DEFAULT_ALGS,
        }),
      ],
    },
  },
  {
    name: "new AuthError('use_dpop_nonce')",
    make: () => new AuthError('use_dpop_nonce'),
    code: 'use_dpop_nonce',
    status: 401,
    scheme: undefined,
    headers: {
      'WWW-Authenticate': [
        challenge.dpop({
          error: 'use_dpop_nonce',
          error_description: 'Resource server requires nonce in DPoP proof',
          algs: DEFAULT_ALGS,
        }),
      ],
    },
  },
  {
    name: 'authUnavailable()',
    make: () => authUnavailable(),
    code: 'auth_unavailable',
    status: 503,
    scheme: undefined,
    headers: { 'Retry-After': '5' },
  },
  {
    name: 'authUnavailable({ retryAfter: 60 })',
    make: () => authUnavailable({ retryAfter: 60, scheme: 'Bearer' }),
    code: 'auth_unavailable',
    status: 503,
    scheme: 'Bearer',
    headers: { 'Retry-After': '60' },
  },
  {
    name: "new AuthError('too_many_requests', { retryAfter: 12 }) (rule 69)",
    make: () => new AuthError('too_many_requests', { retryAfter: 12, scheme: 'DPoP' }),
    code: 'too_many_requests',
    status: 429,
    scheme: 'DPoP',
    headers: { 'Retry-After': '12' },
  },
  {
    name: "new AuthError('too_many_requests') (rule 69)",
    make: () => new AuthError('too_many_requests'),
    code: 'too_many_requests',
    status: 429,
    scheme: undefined,
    headers: { 'Retry-After': '5' },
  },
];

describe.each(cases)('$name', (c) => {
  it('carries code, status, statusCode, expose and scheme', () => {
    const error = c.make();
    expect(error.code).toBe(c.code);
    expect(error.status).toBe(c.status);
    expect(error.statusCode).toBe(c.status);
    expect(error.expose).toBe(c.status < 500);
    expect(error.scheme).toBe(c.scheme);
    expect(error.name).toBe('AuthError');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(AuthError);
    expect(Object.getPrototypeOf(error)).toBe(AuthError.prototype);
  });

  it("satisfies http-errors' isHttpError()", () => {
    expect(createError.isHttpError(c.make())).toBe(true);
  });

  it('has the headers a bypassed default handler would send', () => {
    expect(c.make().headers).toEqual(c.headers);
  });

  it('has a safe public message and detail: the catalog wording unless the caller gave one', () => {
    const error = c.make();
    expect(error.message).toBe(error.detail);
    expect(error.detail.length).toBeGreaterThan(0);
    expect(error.stack).toBeTypeOf('string');
  });

  it('is recognised by AuthError.is', () => {
    expect(AuthError.is(c.make())).toBe(true);
  });
});

describe('factory details', () => {
  it('uses the catalog detail by default and keeps a given detail', () => {
    expect(invalidToken().detail).toBe(catalog.invalid_token.detail);
    expect(invalidToken({ detail: 'The access token was revoked' }).detail).toBe('The access token was revoked');
    expect(invalidToken({ detail: '' }).detail).toBe(catalog.invalid_token.detail);
  });

  it('keeps the cause for logs, as the standard Error cause', () => {
    const cause = new Error('jwks.example timed out');
    const error = authUnavailable({ cause });
    expect(error.cause).toBe(cause);
    expect(error.message).not.toContain('jwks.example');
    expect(error.detail).not.toContain('jwks.example');
    expect(invalidToken()).not.toHaveProperty('cause');
  });

  it('copies the scopes and step-up values, so later changes to the caller array do not leak in', () => {
    const scopes = ['read'];
    const error = insufficientScope(scopes);
    scopes.push('admin');
    expect(error.requiredScopes).toEqual(['read']);
    const acr = ['gold'];
    const stepUp = insufficientUserAuthentication({ acrValues: acr });
    acr.push('silver');
    expect(stepUp.acrValues).toEqual(['gold']);
    expect(stepUp.maxAge).toBeUndefined();
  });

  it("lets a guard's realm reach err.headers", () => {
    expect(invalidCredentials({ realm: 'admin' }).headers).toEqual({
      'WWW-Authenticate': [challenge.basic('admin')],
    });
  });

  it.each([
    ['x\r\nSet-Cookie: a=b'],
    ['tab\u0000nul'],
    ['caf\u00e9'],
    [''],
    [42],
  ])('refuses a realm that cannot be sent (%j), as the factories and guards do, instead of replacing it', (realm) => {
    const message = /auth-errors: option "realm" (must be a non-empty string|may only contain visible ASCII)/;
    expect(() => invalidCredentials({ realm: realm as string })).toThrow(message);
    expect(() => new AuthError('invalid_token', { realm: realm as string })).toThrow(message);
  });

  it.each([['bearer'], ['Digest'], [''], [1]])('refuses a scheme that is not Basic, Bearer or DPoP (%j)', (scheme) => {
    expect(() => new AuthError('invalid_token', { scheme: scheme as 'Bearer' })).toThrow(
      /auth-errors: option "scheme" must be "Basic", "Bearer" or "DPoP"/,
    );
  });

  it('puts only RFC 6750-safe text into the error_description of err.headers', () => {
    const error = invalidToken({ detail: 'unexpected "aud" claim value' });
    expect(error.detail).toBe('unexpected "aud" claim value');
    expect(error.headers).toEqual({
      'WWW-Authenticate': [bearerError('invalid_token', 'The access token is not valid')],
    });
  });

  it('lets a host override err.headers', () => {
    const error = invalidToken();
    error.headers = { 'WWW-Authenticate': 'Bearer realm="other"' };
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="other"' });
  });
});

describe('401 and 403 are siblings', () => {
  it('no failure is an instance of another failure: every error is a plain AuthError', () => {
    const errors = cases.map((c) => c.make());
    for (const error of errors) {
      expect(Object.getPrototypeOf(error)).toBe(AuthError.prototype);
      expect(error.constructor).toBe(AuthError);
    }
    const chain = (value: object): unknown[] => {
      const out: unknown[] = [];
      for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) out.push(p);
      return out;
    };
    const unauthorized = [credentialsRequired(), invalidToken(), invalidCredentials()];
    const denied = [forbidden(), insufficientScope(['write'])];
    for (const error of [...unauthorized, ...denied]) {
      expect(chain(error)).toEqual([AuthError.prototype, Error.prototype, Object.prototype]);
    }
    expect(unauthorized.map((e) => e.status)).toEqual([401, 401, 401]);
    expect(denied.map((e) => e.status)).toEqual([403, 403]);
  });

  it('covers the whole catalog', () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(authErrorCodes));
  });
});

describe('bad inputs to the factories', () => {
  it.each([
    [[]],
    [['two words']],
    [['q"uote']],
    [['back\\slash']],
    [['é']],
    [['']],
    [['ok', 'x\r\nSet-Cookie: a=b']],
    [['tab\there']],
    [[42]],
    ['write'],
    [undefined],
  ])('insufficientScope(%j) throws a TypeError', (scopes) => {
    expect(() => insufficientScope(scopes as never)).toThrow(TypeError);
    expect(() => insufficientScope(scopes as never)).toThrow(/requiredScopes/);
  });

  it.each([
    [-1],
    [1.5],
    [Number.NaN],
    ['5'],
  ])('authUnavailable({ retryAfter: %j }) throws a TypeError', (retryAfter) => {
    expect(() => authUnavailable({ retryAfter: retryAfter as never })).toThrow(TypeError);
  });

  it('insufficientUserAuthentication needs acrValues or maxAge', () => {
    expect(() => insufficientUserAuthentication({})).toThrow(TypeError);
  });
});

describe('the AuthError constructor refuses what the factories refuse', () => {
  it.each([
    ['an unknown code', () => new AuthError('invalid_dpop_key' as never)],
    ['a prototype key as code', () => new AuthError('toString' as never)],
    [
      'scopes that cannot be sent',
      () => new AuthError('insufficient_scope', { requiredScopes: ['x\r\nSet-Cookie: a=b'] } as never),
    ],
    [
      'acr values that cannot be sent',
      () => new AuthError('insufficient_user_authentication', { acrValues: ['é'] } as never),
    ],
    [
      'acr values that are not an array',
      () => new AuthError('insufficient_user_authentication', { acrValues: 'gold' } as never),
    ],
    ['a fractional max_age', () => new AuthError('insufficient_user_authentication', { maxAge: 1.5 } as never)],
    ['a BigInt max_age', () => new AuthError('insufficient_user_authentication', { maxAge: 10n } as never)],
    [
      'a Retry-After that cannot be sent',
      () => new AuthError('auth_unavailable', { retryAfter: '5\r\nX: y' } as never),
    ],
  ])('%s → TypeError', (_, make) => {
    expect(make).toThrow(TypeError);
  });

  it.each([
    ['null', null],
    ['a string', 'ES256'],
    ['no algorithms', { algs: [], only: false }],
    ['algorithms not an array', { algs: 'ES256', only: false }],
    ['an algorithm with a space', { algs: ['ES256', 'ES 256'], only: false }],
    ['an algorithm that is not a string', { algs: [256], only: false }],
    ['only that is not a boolean', { algs: ['ES256'], only: 'yes' }],
    ['a nonce with a quote', { algs: ['ES256'], only: false, nonce: 'a"b' }],
    ['a nonce that is not a string', { algs: ['ES256'], only: false, nonce: 42 }],
  ])('a DPoP challenge that is %s → TypeError naming "dpop"', (_, dpop) => {
    expect(() => new AuthError('invalid_token', { dpop } as never)).toThrow(
      new TypeError('auth-errors: option "dpop" must hold algorithm names and an NQCHAR nonce'),
    );
  });

  it('for ANY init, either throws a TypeError or gives an error whose rendering and err.headers are safe', () => {
    const SAFE = /^[\t\x20-\x7e]*$/;
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('write', 'gold', 'a\r\nb', 'é'),
    );
    const init = fc.record(
      {
        detail: fc.oneof(text, fc.anything()),
        cause: fc.anything(),
        scheme: fc.oneof(fc.constantFrom('Basic', 'Bearer', 'Digest'), fc.anything()),
        realm: fc.oneof(text, fc.anything()),
        requiredScopes: fc.oneof(fc.array(text, { maxLength: 3 }), fc.anything()),
        acrValues: fc.oneof(fc.array(text, { maxLength: 3 }), fc.anything()),
        maxAge: fc.oneof(fc.nat(), fc.double(), fc.bigInt(), fc.anything()),
        retryAfter: fc.oneof(fc.nat(), fc.double(), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const renderer = createRenderer({ schemes: ['Basic', 'Bearer'], onError: () => {} });
    fc.assert(
      fc.property(fc.constantFrom(...authErrorCodes), init, (code, options) => {
        let error: AuthError;
        try {
          error = new AuthError(code, options as never);
        } catch (thrown) {
          expect(thrown).toBeInstanceOf(TypeError);
          return;
        }
        const response = renderer(error, { method: 'GET', url: '/' });
        expect(response?.status).toBe(catalog[code].status);
        expect(JSON.parse(response?.body ?? '').status).toBe(catalog[code].status);
        const values = [...Object.values(response?.headers ?? {}), ...Object.values(error.headers)];
        for (const value of values) {
          for (const line of typeof value === 'string' ? [value] : value) expect(line).toMatch(SAFE);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepts what the factories produce', () => {
    for (const c of cases) {
      const original = c.make();
      const copy = new AuthError(original.code, {
        detail: original.detail,
        scheme: original.scheme,
        requiredScopes: original.requiredScopes,
        acrValues: original.acrValues,
        maxAge: original.maxAge,
        retryAfter: original.retryAfter,
      } as never);
      expect(copy.headers).toEqual(original.headers);
    }
  });
});

describe('AuthError.is', () => {
  it('is true for every AuthError, and for one from another copy of the package (Symbol.for brand)', () => {
    for (const c of cases) expect(AuthError.is(c.make())).toBe(true);
    const foreign = Object.assign(new Error('x'), { code: 'invalid_token' });
    Object.defineProperty(foreign, Symbol.for('auth-errors.AuthError'), { value: true });
    expect(AuthError.is(foreign)).toBe(true);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'AuthError'],
    ['a number', 401],
    ['a symbol', Symbol('AuthError')],
    ['a plain Error', new Error('invalid_token')],
    ['a look-alike object', { name: 'AuthError', code: 'invalid_token', status: 401 }],
    ['an http-errors 401', createError(401)],
    ['a function', () => {}],
    ['a brand that is not exactly true', { [Symbol.for('auth-errors.AuthError')]: 1 }],
  ])('is false for %s', (_, value) => {
    expect(AuthError.is(value)).toBe(false);
  });

  it('is false, and does not throw, for a Proxy whose every trap throws', () => {
    const hostile = hostileProxy('object');
    expect(AuthError.is(hostile)).toBe(false);
  });
});
