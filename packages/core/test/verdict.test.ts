/**
 * One meaning for what a `verify` callback returns, whatever the scheme:
 * an object is the principal; `true` is the scheme's own principal (`{ user }`
 * for Basic, `{}` for Bearer, never the token); `false`, `null` and
 * `undefined` are wrong credentials (401); an AuthError, thrown or returned,
 * is the answer; a throw, a rejection or any other value (another Error
 * included) is the check failing (503), never a 401 and never a principal.
 */

import { describe, expect, it } from 'vitest';
import { type Guard, PREFLIGHT } from '../src/adapter.js';
import { createBasicGuard, createBearerGuard } from '../src/guards/credentials-guards.js';
import { AuthError, type AuthRequest, forbidden, type Verdict } from '../src/index.js';

const request = (authorization: string): AuthRequest => ({
  method: 'GET',
  url: '/r',
  authorization: [authorization],
  contentType: undefined,
  body: undefined,
  preflight: false,
});

const TOKEN = 'opaque-token-value';
const schemes = [
  {
    scheme: 'Basic',
    guard: (verify: () => unknown) => createBasicGuard({ verify: verify as () => Verdict }) as Guard<unknown>,
    request: request(`Basic ${Buffer.from('alice:wonderland').toString('base64')}`),
    ownPrincipal: { user: 'alice' },
    wrong: 'invalid_credentials',
  },
  {
    scheme: 'Bearer',
    guard: (verify: () => unknown) => createBearerGuard({ verify: verify as () => Verdict }) as Guard<unknown>,
    request: request(`Bearer ${TOKEN}`),
    ownPrincipal: {},
    wrong: 'invalid_token',
  },
] as const;

/** What the guard resolves to: a failure is an AuthError it resolves to (a guard rejects only on a bug). */
async function outcome(guard: Guard<unknown>, req: AuthRequest) {
  const result = await guard(req);
  if (AuthError.is(result)) return { code: result.code, status: result.status, cause: result.cause };
  if (result === PREFLIGHT) throw new Error('a GET is no preflight');
  return { principal: result.principal };
}

describe.each(schemes)('$scheme verify', ({ guard, request: req, ownPrincipal, wrong }) => {
  it('an object is the principal, as returned', async () => {
    const principal = { id: 7, scopes: ['orders:read'] };
    expect(
      await outcome(
        guard(() => principal),
        req,
      ),
    ).toEqual({ principal });
    const info = await guard(async () => principal)(req);
    if (AuthError.is(info) || info === PREFLIGHT) throw new Error('expected authentication');
    expect(info.principal).toBe(principal);
    expect(info.scopes).toEqual(['orders:read']);
  });

  it("true is the scheme's own principal, which never holds the token", async () => {
    const result = await outcome(
      guard(() => true),
      req,
    );
    expect(result).toEqual({ principal: ownPrincipal });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(
      await outcome(
        guard(async () => true),
        req,
      ),
    ).toEqual({ principal: ownPrincipal });
  });

  it.each([false, null, undefined])('%s is wrong credentials: 401', async (verdict) => {
    expect(
      await outcome(
        guard(() => verdict),
        req,
      ),
    ).toMatchObject({ code: wrong, status: 401 });
    expect(
      await outcome(
        guard(async () => verdict),
        req,
      ),
    ).toMatchObject({ code: wrong, status: 401 });
  });

  it.each([
    ['a string', 'user-1'],
    ['a number', 1],
    ['zero', 0],
    ['an empty string', ''],
    ['a bigint', 1n],
    ['a symbol', Symbol('principal')],
  ])('%s is the check failing: 503 with a TypeError as the cause', async (_name, verdict) => {
    const result = await outcome(
      guard(() => verdict),
      req,
    );
    expect(result).toMatchObject({ code: 'auth_unavailable', status: 503 });
    expect(result.cause).toBeInstanceOf(TypeError);
    expect(String((result.cause as Error).message)).toMatch(
      /verify returned a \w+; return a principal object, true or false/,
    );
  });

  it('a throw or a rejection is the check failing: 503, with the error as the cause', async () => {
    const down = new Error('connect ECONNREFUSED');
    for (const verify of [
      () => {
        throw down;
      },
      async () => Promise.reject(down),
    ]) {
      expect(await outcome(guard(verify), req)).toEqual({ code: 'auth_unavailable', status: 503, cause: down });
    }
  });

  it('an AuthError thrown by verify is the answer, as thrown', async () => {
    const denied = forbidden({ detail: 'Suspended account' });
    const result = await outcome(
      guard(() => {
        throw denied;
      }),
      req,
    );
    expect(result).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('an AuthError returned by verify is the answer too, never a principal', async () => {
    for (const verify of [() => forbidden({ detail: 'Suspended account' }), async () => forbidden()]) {
      expect(await outcome(guard(verify), req)).toMatchObject({ code: 'forbidden', status: 403 });
    }
  });

  it('another Error returned by verify is the check failing: 503, never a principal', async () => {
    for (const returned of [new Error('lookup failed'), new TypeError('bad row')]) {
      const result = await outcome(
        guard(() => returned),
        req,
      );
      expect(result).toMatchObject({ code: 'auth_unavailable', status: 503 });
      expect(String((result.cause as Error).message)).toBe(
        'auth-errors: verify returned an Error; return a principal object, true or false',
      );
    }
  });
});
