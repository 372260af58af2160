/**
 * Guards and checks, driven with plain AuthRequest objects, and through
 * fromNodeRequest on a real node:http request (duplicate Authorization lines
 * are sent over a raw socket, since every HTTP client merges or refuses them).
 * Rule numbers refer to docs/conformance.md.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { exportSPKI, type GenerateKeyPairResult, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { createRenderer, fromNodeRequest, PREFLIGHT } from '../src/adapter.js';
import { createPolicyCheck, createScopeCheck, createStepUpCheck } from '../src/guards/checks.js';
import { createBasicGuard, createBearerGuard, createJwtGuard } from '../src/guards/credentials-guards.js';
import {
  AuthError,
  type AuthInfo,
  type AuthRequest,
  authUnavailable,
  forbidden,
  insufficientUserAuthentication,
  invalidCredentials,
  safeEqual,
} from '../src/index.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const basic = (user: string, password: string) => `Basic ${b64(`${user}:${password}`)}`;

const request = (over: Partial<AuthRequest> = {}): AuthRequest => ({
  method: 'GET',
  url: '/r',
  authorization: undefined,
  contentType: undefined,
  body: undefined,
  preflight: false,
  ...over,
});
const withAuth = (...lines: string[]) => request({ authorization: lines });
const preflight = request({ method: 'OPTIONS', preflight: true });

/** The AuthError a guard or check resolves to: failures are resolved, never thrown (a rejection fails the test). */
async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const result = await promise;
  expect(AuthError.is(result), `expected an AuthError, got ${String(result)}`).toBe(true);
  return result as AuthError;
}

/** What a guard resolves to when it authenticates: a failure or a preflight's end fails the test. */
async function authenticated<P>(promise: Promise<AuthInfo<P> | AuthError | typeof PREFLIGHT>): Promise<AuthInfo<P>> {
  const result = await promise;
  if (AuthError.is(result)) throw new Error(`expected authentication, got ${result.code}`);
  if (result === PREFLIGHT) throw new Error('expected authentication, got the end of a preflight');
  return result;
}

async function expectCode(promise: Promise<unknown>, code: string, status: number): Promise<AuthError> {
  const error = await failure(promise);
  expect(error.code).toBe(code);
  expect(error.status).toBe(status);
  return error;
}

const alice = (user: string, password: string) =>
  user === 'alice' && safeEqual(password, 'wonderland') ? { user, roles: ['reader'] } : false;

describe('createBasicGuard', () => {
  const guard = createBasicGuard({ verify: alice });

  it('resolves the principal for good credentials', async () => {
    expect(await guard(withAuth(basic('alice', 'wonderland')))).toEqual({
      scheme: 'Basic',
      principal: { user: 'alice', roles: ['reader'] },
      scopes: [],
    });
    // Scheme case-insensitive, several spaces.
    expect((await authenticated(guard(withAuth(`bAsIc   ${b64('alice:wonderland')}`))))?.principal).toMatchObject({
      user: 'alice',
    });
  });

  it('verify returning true gives the principal { user }', async () => {
    const info = await authenticated(createBasicGuard({ verify: () => true })(withAuth(basic('bob', 'x'))));
    expect(info?.principal).toEqual({ user: 'bob' });
  });

  it('hands verify the NFC user and password and the request', async () => {
    const verify = vi.fn(() => true);
    const req = withAuth(basic('Jose\u0301', 'cafe\u0301'));
    await createBasicGuard({ verify })(req);
    expect(verify).toHaveBeenCalledWith('Jos\u00e9', 'caf\u00e9', req);
  });

  it('no credentials → 401 credentials_required for Basic', async () => {
    const error = await expectCode(guard(request()), 'credentials_required', 401);
    expect(error.scheme).toBe('Basic');
  });

  it('another scheme → 401 credentials_required, verify not called', async () => {
    const verify = vi.fn(() => true);
    for (const field of ['Bearer abc', 'Digest username="x"', 'Basicx Zm9vOmJhcg==']) {
      const error = await expectCode(createBasicGuard({ verify })(withAuth(field)), 'credentials_required', 401);
      expect(error.scheme).toBe('Basic');
    }
    expect(verify).not.toHaveBeenCalled();
  });

  it('verify returning false, null or undefined → 401 invalid_credentials', async () => {
    for (const result of [false, null, undefined]) {
      const error = await expectCode(
        createBasicGuard({ verify: () => result })(withAuth(basic('alice', 'x'))),
        'invalid_credentials',
        401,
      );
      expect(error.scheme).toBe('Basic');
    }
    await expectCode(guard(withAuth(basic('alice', 'wrong'))), 'invalid_credentials', 401);
  });

  it('credentials that do not decode → 401 invalid_credentials (rules 30, 31), verify not called', async () => {
    const verify = vi.fn(() => true);
    for (const field of ['Basic', 'Basic Zm9v', 'Basic QWxh!!ZGRpbjpvcGVuIHNlc2FtZQ==', 'Basic dGVzdDoxMjOj']) {
      await expectCode(createBasicGuard({ verify })(withAuth(field)), 'invalid_credentials', 401);
    }
    expect(verify).not.toHaveBeenCalled();
  });

  it('duplicate Authorization fields → 400 invalid_request', async () => {
    await expectCode(
      guard(withAuth(basic('alice', 'wonderland'), basic('alice', 'wonderland'))),
      'invalid_request',
      400,
    );
  });

  it('verify throwing or rejecting → 503 auth_unavailable with the original error as cause', async () => {
    const boom = new Error('database down');
    for (const verify of [
      () => {
        throw boom;
      },
      () => Promise.reject(boom),
    ]) {
      const error = await expectCode(createBasicGuard({ verify })(withAuth(basic('a', 'b'))), 'auth_unavailable', 503);
      expect(error.cause).toBe(boom);
      expect(error.expose).toBe(false);
      expect(error.detail).not.toContain('database');
    }
  });

  it('an AuthError thrown by verify passes through', async () => {
    const denied = invalidCredentials({ detail: 'The account is locked' });
    const thrown = await failure(
      createBasicGuard({
        verify: () => {
          throw denied;
        },
      })(withAuth(basic('a', 'b'))),
    );
    expect(thrown).toBe(denied);
    const error = await expectCode(
      createBasicGuard({ verify: async () => Promise.reject(forbidden({ detail: 'Suspended' })) })(
        withAuth(basic('a', 'b')),
      ),
      'forbidden',
      403,
    );
    expect(error.detail).toBe('Suspended');
  });

  it('the realm option appears on every error the guard throws', async () => {
    const realmed = (verify: Parameters<typeof createBasicGuard>[0]['verify']) =>
      createBasicGuard({ realm: 'admin area', verify });
    const cases: [Promise<unknown>, string][] = [
      [realmed(alice)(request()), 'credentials_required'],
      [realmed(alice)(withAuth('Bearer x')), 'credentials_required'],
      [realmed(alice)(withAuth(basic('alice', 'no'))), 'invalid_credentials'],
      [realmed(alice)(withAuth('Basic !!!!')), 'invalid_credentials'],
      [realmed(alice)(withAuth('Basic a', 'Basic b')), 'invalid_request'],
      [
        realmed(() => {
          throw new Error('x');
        })(withAuth(basic('a', 'b'))),
        'auth_unavailable',
      ],
      [
        realmed(() => {
          throw invalidCredentials();
        })(withAuth(basic('a', 'b'))),
        'invalid_credentials',
      ],
    ];
    for (const [promise, code] of cases) {
      const error = await failure(promise);
      expect(error.code).toBe(code);
      expect(error.realm, code).toBe('admin area');
    }
  });

  it('a CORS preflight resolves PREFLIGHT (the adapter ends it with 204) without reading credentials (rule 62)', async () => {
    const verify = vi.fn(() => true);
    expect(await createBasicGuard({ verify })(preflight)).toBe(PREFLIGHT);
    expect(await createBasicGuard({ verify })({ ...preflight, authorization: ['Basic a', 'Basic b'] })).toBe(PREFLIGHT);
    expect(await createBasicGuard({ verify })({ ...preflight, authorization: [basic('u', 'p')] })).toBe(PREFLIGHT);
    expect(verify).not.toHaveBeenCalled();
  });

  it('reads scopes from the principal', async () => {
    const info = await authenticated(
      createBasicGuard({ verify: (user) => ({ user, scopes: ['a', 'b'] }) })(withAuth(basic('x', 'y'))),
    );
    expect(info?.scopes).toEqual(['a', 'b']);
  });
});

describe('a failure a verify callback gives on a DPoP request keeps every field (rule 58)', () => {
  it('step-up: the DPoP challenge and the body keep acr_values and max_age', async () => {
    const stepUp = insufficientUserAuthentication({ acrValues: ['gold'], maxAge: 60 }, { detail: 'Step up' });
    const guard = createBearerGuard({ verify: () => stepUp, realm: 'orders', dpop: { mode: 'allowed' } });
    const error = await failure(guard(withAuth('DPoP opaque-token')));
    expect([error.code, error.scheme, error.realm, error.acrValues, error.maxAge, error.detail]).toEqual([
      'insufficient_user_authentication',
      'DPoP',
      'orders',
      ['gold'],
      60,
      'Step up',
    ]);
    const rendered = createRenderer({ onError: () => {} })(error, { method: 'GET', url: '/r' });
    expect(rendered?.headers['www-authenticate']).toEqual([
      challenge.dpop({
        realm: 'orders',
        error: 'insufficient_user_authentication',
        error_description: 'Step up',
        acr_values: 'gold',
        max_age: 60,
        algs: 'ES256 EdDSA Ed25519 PS256 RS256',
      }),
    ]);
    expect(JSON.parse(rendered?.body ?? '')).toMatchObject({ acrValues: ['gold'], maxAge: 60 });
  });

  it('503: retryAfter and the cause are carried over', async () => {
    const cause = new Error('introspection down');
    const guard = createBearerGuard({
      verify: () => authUnavailable({ retryAfter: 9, cause }),
      dpop: { mode: 'allowed' },
    });
    const error = await failure(guard(withAuth('DPoP opaque-token')));
    expect([error.code, error.retryAfter, error.cause]).toEqual(['auth_unavailable', 9, cause]);
  });
});

describe('createBearerGuard', () => {
  const verify = (token: string) =>
    token === 'good'
      ? { sub: 'alice', scope: 'orders:read  orders:write' }
      : token === 'scp'
        ? { scp: ['x', 'y'] }
        : false;
  const guard = createBearerGuard({ verify });

  it('resolves the principal and scopes from a `scope` string or a `scp` array', async () => {
    expect(await guard(withAuth('Bearer good'))).toEqual({
      scheme: 'Bearer',
      principal: { sub: 'alice', scope: 'orders:read  orders:write' },
      scopes: ['orders:read', 'orders:write'],
      via: 'header',
    });
    expect((await authenticated(guard(withAuth('bEaReR   scp'))))?.scopes).toEqual(['x', 'y']);
  });

  it('no credentials or another scheme → 401 credentials_required for Bearer', async () => {
    for (const req of [request(), withAuth(basic('a', 'b')), withAuth('Digest x=1')]) {
      const error = await expectCode(guard(req), 'credentials_required', 401);
      expect(error.scheme).toBe('Bearer');
    }
  });

  it('verify returning false → 401 invalid_token', async () => {
    const error = await expectCode(guard(withAuth('Bearer bad')), 'invalid_token', 401);
    expect(error.scheme).toBe('Bearer');
    expect(error.detail).not.toContain('bad');
  });

  it('`Bearer` alone → 400 invalid_request; a malformed token → 401 invalid_token (rule 36)', async () => {
    const spy = vi.fn(() => true);
    const g = createBearerGuard({ verify: spy });
    await expectCode(g(withAuth('Bearer')), 'invalid_request', 400);
    await expectCode(g(withAuth('Bearer a"b')), 'invalid_token', 401);
    await expectCode(g(withAuth('Bearer abc def')), 'invalid_token', 401);
    expect(spy).not.toHaveBeenCalled();
  });

  it('verify throwing or rejecting → 503 auth_unavailable with the original error as cause', async () => {
    const boom = new TypeError('introspection endpoint unreachable');
    for (const v of [
      () => {
        throw boom;
      },
      async () => {
        throw boom;
      },
    ]) {
      const error = await expectCode(createBearerGuard({ verify: v })(withAuth('Bearer t')), 'auth_unavailable', 503);
      expect(error.cause).toBe(boom);
      expect(error.scheme).toBe('Bearer');
    }
  });

  it('the realm option appears on thrown errors', async () => {
    const g = createBearerGuard({ realm: 'orders', verify });
    for (const req of [request(), withAuth('Bearer bad'), withAuth('Bearer'), withAuth('Bearer a', 'Bearer b')]) {
      expect((await failure(g(req))).realm).toBe('orders');
    }
  });

  describe('query method (RFC 6750 §2.3)', () => {
    it('ignores ?access_token= unless methods.query', async () => {
      const spy = vi.fn(() => ({ sub: 'x' }));
      await expectCode(
        createBearerGuard({ verify: spy })(request({ url: '/r?access_token=good' })),
        'credentials_required',
        401,
      );
      await expectCode(
        createBearerGuard({ verify: spy, methods: { query: false } })(request({ url: '/r?access_token=good' })),
        'credentials_required',
        401,
      );
      expect(spy).not.toHaveBeenCalled();
    });

    it('reads ?access_token= when methods.query', async () => {
      const g = createBearerGuard({ verify, methods: { query: true } });
      expect((await authenticated(g(request({ url: '/r?x=1&access_token=good' }))))?.principal).toMatchObject({
        sub: 'alice',
      });
      await expectCode(g(request({ url: '/r?access_token=bad' })), 'invalid_token', 401);
    });

    it('header plus query, or the parameter twice → 400 invalid_request (rule 34)', async () => {
      const g = createBearerGuard({ verify, methods: { query: true } });
      const error = await expectCode(
        g(request({ url: '/r?access_token=good', authorization: ['Bearer good'] })),
        'invalid_request',
        400,
      );
      expect(error.detail).toBe('Multiple methods used to include access token');
      await expectCode(g(request({ url: '/r?access_token=good&access_token=good' })), 'invalid_request', 400);
    });
  });

  describe('form body method (RFC 6750 §2.2)', () => {
    const form = 'application/x-www-form-urlencoded';
    const post = (over: Partial<AuthRequest> = {}) =>
      request({ method: 'POST', contentType: form, body: { access_token: 'good' }, ...over });

    it('reads access_token from an urlencoded non-GET body when methods.body', async () => {
      const g = createBearerGuard({ verify, methods: { body: true } });
      expect((await authenticated(g(post())))?.principal).toMatchObject({ sub: 'alice' });
      expect(
        (await authenticated(g(post({ method: 'PUT', contentType: `${form}; charset=UTF-8` }))))?.principal,
      ).toMatchObject({
        sub: 'alice',
      });
    });

    it('ignores the body for GET/HEAD, another content type, or without methods.body', async () => {
      const on = createBearerGuard({ verify, methods: { body: true } });
      await expectCode(on(post({ method: 'GET' })), 'credentials_required', 401);
      await expectCode(on(post({ method: 'HEAD' })), 'credentials_required', 401);
      await expectCode(on(post({ contentType: 'application/json' })), 'credentials_required', 401);
      await expectCode(on(post({ contentType: 'multipart/form-data; boundary=x' })), 'credentials_required', 401);
      await expectCode(on(post({ contentType: undefined })), 'credentials_required', 401);
      await expectCode(createBearerGuard({ verify })(post()), 'credentials_required', 401);
      await expectCode(createBearerGuard({ verify, methods: { query: true } })(post()), 'credentials_required', 401);
    });

    it('header plus body → 400 invalid_request', async () => {
      const g = createBearerGuard({ verify, methods: { body: true } });
      await expectCode(g(post({ authorization: ['Bearer good'] })), 'invalid_request', 400);
      await expectCode(g(post({ body: { access_token: ['good', 'good'] } })), 'invalid_request', 400);
    });
  });

  it('a CORS preflight resolves PREFLIGHT, with or without a token (rule 62)', async () => {
    expect(await guard(preflight)).toBe(PREFLIGHT);
    expect(await guard({ ...preflight, authorization: ['Bearer good'] })).toBe(PREFLIGHT);
    expect(
      await createBearerGuard({ verify, methods: { query: true } })({ ...preflight, url: '/?access_token=a' }),
    ).toBe(PREFLIGHT);
  });
});

describe('createJwtGuard', () => {
  let rsa: GenerateKeyPairResult;
  let pem: string;
  const options = () => ({ key: pem, issuer: 'https://as.example', audience: 'https://rs.example', realm: 'api' });
  const mint = async (claims: Record<string, unknown>) => {
    const t = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: 'https://as.example',
      aud: 'https://rs.example',
      sub: 'alice',
      iat: t,
      exp: t + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .sign(rsa.privateKey);
  };

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    pem = await exportSPKI(rsa.publicKey);
  });

  it('resolves the claims, and the scopes from `scp` or `scope`', async () => {
    const guard = createJwtGuard(options());
    const info = await authenticated(guard(withAuth(`Bearer ${await mint({ scp: ['orders:read', 'orders:write'] })}`)));
    expect(info?.scheme).toBe('Bearer');
    expect(info?.scopes).toEqual(['orders:read', 'orders:write']);
    expect(info?.claims).toMatchObject({ sub: 'alice' });
    expect(info?.claims).toBe(info?.principal);
    expect((await authenticated(guard(withAuth(`Bearer ${await mint({ scope: 'a b' })}`))))?.scopes).toEqual([
      'a',
      'b',
    ]);
  });

  it('an invalid or expired token → 401 invalid_token in the guard realm', async () => {
    const guard = createJwtGuard(options());
    const expired = await mint({ exp: Math.floor(Date.now() / 1000) - 3600 });
    for (const token of [expired, 'not.a.jwt', await mint({ aud: 'https://other.example' })]) {
      const error = await expectCode(guard(withAuth(`Bearer ${token}`)), 'invalid_token', 401);
      expect(error.realm).toBe('api');
    }
  });

  it('no token → credentials_required; preflight → PREFLIGHT', async () => {
    const guard = createJwtGuard(options());
    await expectCode(guard(request()), 'credentials_required', 401);
    expect(await guard(preflight)).toBe(PREFLIGHT);
  });

  it('reads a query token only when methods.query', async () => {
    const token = await mint({});
    await expectCode(
      createJwtGuard(options())(request({ url: `/r?access_token=${token}` })),
      'credentials_required',
      401,
    );
    const info = await authenticated(
      createJwtGuard({ ...options(), methods: { query: true } })(request({ url: `/r?access_token=${token}` })),
    );
    expect(info?.claims?.sub).toBe('alice');
  });
});

describe('createScopeCheck', () => {
  const auth = (scopes: string[]): AuthInfo => ({ scheme: 'Bearer', principal: {}, scopes });

  it('passes when every scope is granted', async () => {
    await expect(createScopeCheck(['a', 'b'])(auth(['b', 'a', 'c']), request())).resolves.toBeUndefined();
  });

  it('403 insufficient_scope with requiredScopes when one is missing', async () => {
    const error = await expectCode(createScopeCheck(['a', 'b'])(auth(['a']), request()), 'insufficient_scope', 403);
    expect(error.requiredScopes).toEqual(['a', 'b']);
    expect(error.scheme).toBe('Bearer');
  });

  it('401 credentials_required when no one is authenticated', async () => {
    await expectCode(createScopeCheck(['a'])(undefined, request()), 'credentials_required', 401);
  });

  it('a preflight resolves PREFLIGHT, authenticated or not (rule 62)', async () => {
    await expect(createScopeCheck(['a'])(undefined, preflight)).resolves.toBe(PREFLIGHT);
    const granted: AuthInfo = { scheme: 'Bearer', principal: {}, scopes: ['a'] };
    await expect(createScopeCheck(['a'])(granted, preflight)).resolves.toBe(PREFLIGHT);
  });
});

describe('createPolicyCheck', () => {
  const auth: AuthInfo = { scheme: 'Basic', principal: { user: 'alice', roles: ['reader'] }, scopes: [] };

  it('true (or a promise of true) passes', async () => {
    await expect(createPolicyCheck(() => true)(auth, request())).resolves.toBeUndefined();
    await expect(createPolicyCheck(async () => true)(auth, request())).resolves.toBeUndefined();
  });

  it('false, or anything but true, is 403 forbidden', async () => {
    for (const result of [false, 1, 'yes', undefined]) {
      const error = await expectCode(createPolicyCheck(() => result as boolean)(auth, request()), 'forbidden', 403);
      expect(error.detail).toBeTruthy();
    }
  });

  it('hands the policy the AuthInfo and the request', async () => {
    const policy = vi.fn(() => true);
    const req = request({ url: '/admin' });
    await createPolicyCheck(policy)(auth, req);
    expect(policy).toHaveBeenCalledWith(auth, req);
  });

  it('a plain Error thrown by the policy rejects unchanged (the application’s error)', async () => {
    const bug = new Error('policy bug');
    await expect(
      createPolicyCheck(() => {
        throw bug;
      })(auth, request()),
    ).rejects.toBe(bug);
    await expect(createPolicyCheck(() => Promise.reject(bug))(auth, request())).rejects.toBe(bug);
  });

  it("an AuthError the policy throws is the check's failure, as it was thrown", async () => {
    const denial = forbidden({ detail: 'Only the owner may change an order' });
    await expect(
      createPolicyCheck(() => {
        throw denial;
      })(auth, request()),
    ).resolves.toBe(denial);
    await expect(createPolicyCheck(() => Promise.reject(denial))(auth, request())).resolves.toBe(denial);
  });

  it('401 without authentication (policy not called); a preflight resolves PREFLIGHT', async () => {
    const policy = vi.fn(() => true);
    await expectCode(createPolicyCheck(policy)(undefined, request()), 'credentials_required', 401);
    await expect(createPolicyCheck(policy)(undefined, preflight)).resolves.toBe(PREFLIGHT);
    expect(policy).not.toHaveBeenCalled();
  });
});

describe('createStepUpCheck (RFC 9470)', () => {
  const NOW = 1_700_000_000_000;
  const clock = () => NOW;
  const tokenAuth = (claims: Record<string, unknown>): AuthInfo => ({
    scheme: 'Bearer',
    principal: claims,
    scopes: [],
    claims,
  });

  it('acr not among acrValues → 401 insufficient_user_authentication with acrValues', async () => {
    const check = createStepUpCheck({ acrValues: ['myACR'] }, clock);
    for (const claims of [{ acr: 'urn:low' }, {}, { acr: ['myACR'] }]) {
      const error = await expectCode(check(tokenAuth(claims), request()), 'insufficient_user_authentication', 401);
      expect(error.acrValues).toEqual(['myACR']);
      expect(error.detail).toBe('A different authentication level is required');
      expect(error.scheme).toBe('Bearer');
    }
    await expect(check(tokenAuth({ acr: 'myACR' }), request())).resolves.toBeUndefined();
  });

  it('auth_time older than maxAge, or missing → More recent authentication is required', async () => {
    const check = createStepUpCheck({ maxAge: 300 }, clock);
    const seconds = NOW / 1000;
    for (const claims of [{ auth_time: seconds - 301 }, {}, { auth_time: String(seconds) }]) {
      const error = await expectCode(check(tokenAuth(claims), request()), 'insufficient_user_authentication', 401);
      expect(error.maxAge).toBe(300);
      expect(error.detail).toBe('More recent authentication is required');
    }
    await expect(check(tokenAuth({ auth_time: seconds - 299 }), request())).resolves.toBeUndefined();
    await expect(check(tokenAuth({ auth_time: seconds - 300 }), request())).resolves.toBeUndefined();
  });

  it('an auth_time in the future beyond the clock tolerance (30 s by default) → 401, as an old one is', async () => {
    const seconds = NOW / 1000;
    const check = createStepUpCheck({ maxAge: 300 }, clock);
    for (const authTime of [seconds + 31, seconds + 3600, Number.MAX_SAFE_INTEGER]) {
      const error = await expectCode(
        check(tokenAuth({ auth_time: authTime }), request()),
        'insufficient_user_authentication',
        401,
      );
      expect([error.detail, error.maxAge]).toEqual(['The authentication time lies in the future', 300]);
    }
    await expect(check(tokenAuth({ auth_time: seconds + 30 }), request())).resolves.toBeUndefined();
    const strict = createStepUpCheck({ maxAge: 300, clockTolerance: 0 }, clock);
    await expectCode(strict(tokenAuth({ auth_time: seconds + 1 }), request()), 'insufficient_user_authentication', 401);
    await expect(strict(tokenAuth({ auth_time: seconds }), request())).resolves.toBeUndefined();
    const lenient = createStepUpCheck({ maxAge: 300, clockTolerance: 300 }, clock);
    await expect(lenient(tokenAuth({ auth_time: seconds + 300 }), request())).resolves.toBeUndefined();
  });

  it.each([[-1], [301], [1.5], ['30'], [Number.NaN]])('clockTolerance %j is a TypeError naming it', (value) => {
    expect(() => createStepUpCheck({ maxAge: 60, clockTolerance: value as number })).toThrow(
      /auth-errors: option "clockTolerance" must be a/,
    );
  });

  it('both: acr is checked first, then auth_time', async () => {
    const check = createStepUpCheck({ acrValues: ['gold', 'silver'], maxAge: 60 }, clock);
    const old = NOW / 1000 - 3600;
    const acr = await failure(check(tokenAuth({ acr: 'bronze', auth_time: old }), request()));
    expect(acr.detail).toBe('A different authentication level is required');
    expect(acr.acrValues).toEqual(['gold', 'silver']);
    expect(acr.maxAge).toBe(60);
    const age = await failure(check(tokenAuth({ acr: 'silver', auth_time: old }), request()));
    expect(age.detail).toBe('More recent authentication is required');
    await expect(check(tokenAuth({ acr: 'gold', auth_time: NOW / 1000 }), request())).resolves.toBeUndefined();
  });

  it('without verified claims (an opaque or Basic principal), reads acr and auth_time from the principal', async () => {
    const check = createStepUpCheck({ acrValues: ['gold'], maxAge: 60 }, clock);
    const principalOnly = (principal: Record<string, unknown>): AuthInfo => ({
      scheme: 'Bearer',
      principal,
      scopes: [],
    });
    await expect(check(principalOnly({ acr: 'gold', auth_time: NOW / 1000 }), request())).resolves.toBeUndefined();
    await expectCode(
      check(principalOnly({ acr: 'bronze', auth_time: NOW / 1000 }), request()),
      'insufficient_user_authentication',
      401,
    );
  });

  it('uses the real clock by default', async () => {
    const check = createStepUpCheck({ maxAge: 300 });
    await expect(check(tokenAuth({ auth_time: Math.floor(Date.now() / 1000) }), request())).resolves.toBeUndefined();
    await expectCode(check(tokenAuth({ auth_time: 1 }), request()), 'insufficient_user_authentication', 401);
  });

  it('401 credentials_required without authentication; a preflight resolves PREFLIGHT', async () => {
    const check = createStepUpCheck({ acrValues: ['myACR'] }, clock);
    await expectCode(check(undefined, request()), 'credentials_required', 401);
    await expect(check(undefined, preflight)).resolves.toBe(PREFLIGHT);
  });
});

describe('bad options are TypeErrors at creation, naming the option', () => {
  const verify = () => true;
  const throwsNaming = (create: () => unknown, option: RegExp) => {
    expect(create).toThrow(TypeError);
    expect(create).toThrow(option);
  };
  const loose = (value: unknown) => value as never;

  it('guards: verify and realm', () => {
    throwsNaming(() => createBasicGuard(loose({})), /verify/);
    throwsNaming(() => createBasicGuard(loose({ verify: 'yes' })), /"verify"/);
    throwsNaming(() => createBearerGuard(loose({ verify: 42 })), /"verify"/);
    throwsNaming(() => createBasicGuard({ verify, realm: 'x\r\nSet-Cookie: a=b' }), /realm/);
    throwsNaming(() => createBearerGuard({ verify, realm: '' }), /realm/);
    throwsNaming(() => createBearerGuard({ verify, realm: 'café' }), /realm/);
    // The library's own TypeError, not the one reading a property of null would throw.
    throwsNaming(() => createBasicGuard(loose(null)), /basic guard options must be an object/);
    throwsNaming(() => createBasicGuard(loose(42)), /basic guard options must be an object/);
    throwsNaming(() => createBearerGuard(loose(null)), /bearer guard options must be an object/);
    throwsNaming(() => createBearerGuard(loose('verify')), /bearer guard options must be an object/);
  });

  it('bearer guard: methods', () => {
    throwsNaming(() => createBearerGuard({ verify, methods: loose('query') }), /"methods"/);
    throwsNaming(() => createBearerGuard({ verify, methods: loose(['query']) }), /"methods"/);
    throwsNaming(() => createBearerGuard({ verify, methods: loose({ query: 'yes' }) }), /"methods"/);
    throwsNaming(() => createBearerGuard({ verify, methods: loose({ qeury: true }) }), /"methods"/);
    throwsNaming(() => createBearerGuard({ verify, methods: loose({ query: true, qeury: true }) }), /"methods"/);
    throwsNaming(() => createBearerGuard({ verify, methods: loose(null) }), /"methods"/);
    expect(() => createBearerGuard({ verify, methods: { query: true, body: false } })).not.toThrow();
    expect(() => createBearerGuard({ verify, methods: { query: undefined } })).not.toThrow();
  });

  it('JWT guard: verifier options and realm', () => {
    const good = { key: '', issuer: 'https://as.example', audience: 'https://rs.example' };
    throwsNaming(() => createJwtGuard(loose({ ...good, key: undefined })), /jwksUrl/);
    throwsNaming(() => createJwtGuard(loose({ ...good, key: 'x', issuer: '' })), /"issuer"/);
    throwsNaming(
      () => createJwtGuard({ jwksUrl: 'https://as.example/jwks', issuer: 'i', audience: 'a', realm: 'a\u0000b' }),
      /realm/,
    );
  });

  it('checks: scopes, policy and step-up requirements', () => {
    throwsNaming(() => createScopeCheck([]), /requiredScopes/);
    throwsNaming(() => createScopeCheck(['a b']), /requiredScopes/);
    throwsNaming(() => createScopeCheck(['a"b']), /requiredScopes/);
    throwsNaming(() => createPolicyCheck(loose('admin')), /requireAuth needs a predicate function/);
    throwsNaming(() => createStepUpCheck({}), /acrValues.*maxAge/);
    throwsNaming(() => createStepUpCheck({ maxAge: -1 }), /"maxAge"/);
    throwsNaming(() => createStepUpCheck({ maxAge: 1.5 }), /"maxAge"/);
    throwsNaming(() => createStepUpCheck({ acrValues: [] }), /"acrValues"/);
    throwsNaming(() => createStepUpCheck({ acrValues: ['a b'] }), /"acrValues"/);
  });
});

describe('fromNodeRequest on a real node:http request', () => {
  let server: Server;
  let port = 0;
  const guard = createBearerGuard({
    verify: (token) => (token === 'good' ? { sub: 'alice', scope: 'read' } : false),
    methods: { query: true, body: true },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      // An application that copies a token from a cookie into the header its guard reads.
      if (req.url === '/copied') req.headers.authorization = 'Bearer good';
      const auth = fromNodeRequest(req, { body: { access_token: 'good' } });
      guard(auth)
        .then((info) =>
          AuthError.is(info)
            ? { ok: false, code: info.code, status: info.status }
            : info === PREFLIGHT
              ? { ok: false, ended: 'preflight' }
              : { ok: true, scopes: info.scopes },
        )
        .then((result) => {
          const body = JSON.stringify({
            ...result,
            nodeHeader: req.headers.authorization ?? null,
            lines: auth.authorization ?? null,
            method: auth.method,
            url: auth.url,
            contentType: auth.contentType ?? null,
            preflight: auth.preflight,
          });
          res.setHeader('content-type', 'application/json');
          res.setHeader('content-length', Buffer.byteLength(body));
          res.end(body);
        });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  /** Sends one request over a raw socket, header lines exactly as given. */
  const raw = async (head: string[]): Promise<Record<string, unknown>> => {
    const socket = connect(port, '127.0.0.1');
    socket.end(`${[...head, 'Host: 127.0.0.1', 'Connection: close'].join('\r\n')}\r\n\r\n`);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'close');
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
  };

  it('a single Authorization line authenticates', async () => {
    expect(await raw(['GET /r HTTP/1.1', 'Authorization: Bearer good'])).toMatchObject({
      ok: true,
      scopes: ['read'],
      lines: ['Bearer good'],
    });
  });

  it('two Authorization lines are seen in rawHeaders, whatever their case → 400 invalid_request', async () => {
    const result = await raw(['GET /r HTTP/1.1', 'Authorization: Bearer good', 'authorization: Bearer other']);
    // Node's req.headers keeps only the first line, so a reader of req.headers would have authenticated.
    expect(result.nodeHeader).toBe('Bearer good');
    expect(result.lines).toEqual(['Bearer good', 'Bearer other']);
    expect(result).toMatchObject({ ok: false, code: 'invalid_request', status: 400 });
    // Even two identical lines.
    expect(await raw(['GET /r HTTP/1.1', 'Authorization: Bearer good', 'Authorization: Bearer good'])).toMatchObject({
      code: 'invalid_request',
    });
  });

  it('a value the application put in req.headers, with no such line received, is the one line', async () => {
    expect(await raw(['GET /copied HTTP/1.1'])).toMatchObject({ ok: true, lines: ['Bearer good'] });
  });

  it('no Authorization → credentials_required', async () => {
    expect(await raw(['GET /r HTTP/1.1'])).toMatchObject({ ok: false, code: 'credentials_required', lines: null });
  });

  it('reads method, url, content type and the query token', async () => {
    expect(await raw(['GET /r?access_token=good HTTP/1.1'])).toMatchObject({ ok: true, url: '/r?access_token=good' });
    expect(await raw(['GET /r?access_token=good HTTP/1.1', 'Authorization: Bearer good'])).toMatchObject({
      code: 'invalid_request',
    });
    const post = await raw([
      'POST /r HTTP/1.1',
      'Content-Type: application/x-www-form-urlencoded',
      'Content-Length: 0',
    ]);
    expect(post).toMatchObject({ ok: true, method: 'POST', contentType: 'application/x-www-form-urlencoded' });
  });

  it('OPTIONS with Access-Control-Request-Method is a preflight; plain OPTIONS is not', async () => {
    expect(
      await raw(['OPTIONS /r HTTP/1.1', 'Origin: https://app.example', 'Access-Control-Request-Method: GET']),
    ).toMatchObject({ ok: false, ended: 'preflight', preflight: true });
    expect(await raw(['OPTIONS /r HTTP/1.1', 'Origin: https://app.example'])).toMatchObject({
      ok: false,
      preflight: false,
      code: 'credentials_required',
    });
  });
});

describe('fromNodeRequest on request look-alikes', () => {
  const lines = (req: Parameters<typeof fromNodeRequest>[0]) => {
    const view = fromNodeRequest(req);
    return { authorization: view.authorization, dpop: view.dpop };
  };

  it('rawHeaders gives every line of Authorization and DPoP, matched by name whatever its case', () => {
    expect(
      lines({
        headers: { authorization: 'Bearer a', dpop: 'p1, p2' },
        rawHeaders: ['AUTHORIZATION', 'Bearer a', 'Authorizations', 'x', 'dpop', 'p1', 'DPoP', 'p2', 'authorization'],
        headersDistinct: { authorization: ['ignored'], dpop: ['ignored'] },
      }),
    ).toEqual({ authorization: ['Bearer a'], dpop: ['p1', 'p2'] });
  });

  it('without rawHeaders, headersDistinct gives the lines', () => {
    expect(
      lines({ headers: { authorization: 'Bearer a' }, headersDistinct: { authorization: ['Bearer a', 'Bearer b'] } }),
    ).toEqual({ authorization: ['Bearer a', 'Bearer b'], dpop: undefined });
  });

  it('with neither, or when neither has the field, the one value in headers is one line', () => {
    expect(lines({ headers: { authorization: 'Bearer a', dpop: 'p' } })).toEqual({
      authorization: ['Bearer a'],
      dpop: ['p'],
    });
    expect(lines({ headers: { authorization: 'Bearer a' }, rawHeaders: ['Host', 'x'], headersDistinct: {} })).toEqual({
      authorization: ['Bearer a'],
      dpop: undefined,
    });
  });

  it('no Authorization in headers means none, whatever rawHeaders holds', () => {
    expect(lines({ headers: {}, rawHeaders: ['Authorization', 'Bearer a'] })).toEqual({
      authorization: undefined,
      dpop: undefined,
    });
  });
});
