/**
 * How a guard's DPoP challenge reaches the checks after it: on the AuthInfo
 * the guard resolves to, invisibly (no key, no JSON, no copy), and per guard:
 * nothing is kept between requests or shared between guards.
 */

import { describe, expect, it } from 'vitest';
import { fromFetchRequest } from '../src/adapter.js';
import { createScopeCheck, createStepUpCheck } from '../src/guards/checks.js';
import { createBearerGuard } from '../src/guards/credentials-guards.js';
import { AuthError, type AuthInfo, type AuthRequest } from '../src/index.js';

const request = (authorization: string): AuthRequest =>
  fromFetchRequest(new Request('https://api.example/r', { headers: { authorization } }));

const verify = () => ({ sub: 'alice', scope: 'read', acr: 'low' });

async function verified(guard: ReturnType<typeof createBearerGuard>): Promise<AuthInfo> {
  const result = await guard(request('Bearer abc'));
  if (AuthError.is(result) || typeof result !== 'object' || !('scheme' in result)) throw new Error('not verified');
  return result;
}

/** The DPoP challenge a scope check's failure carries for `auth`. */
async function challengeOf(auth: AuthInfo | undefined): Promise<unknown> {
  const failure = await createScopeCheck(['write'])(auth, request('Bearer abc'));
  if (!AuthError.is(failure)) throw new Error('expected a failure');
  return failure.dpop;
}

describe("a guard's DPoP challenge on its AuthInfo", () => {
  const allowed = createBearerGuard({ verify, dpop: { mode: 'allowed', algorithms: ['ES256'] } });

  it('reaches the checks that follow the guard', async () => {
    expect(await challengeOf(await verified(allowed))).toEqual({ algs: ['ES256'], only: false });
    const stepUp = await createStepUpCheck({ acrValues: ['high'] })(await verified(allowed), request('Bearer abc'));
    expect(AuthError.is(stepUp) && stepUp.code).toBe('insufficient_user_authentication');
  });

  it('is each guard its own', async () => {
    const other = createBearerGuard({ verify, dpop: { mode: 'allowed', algorithms: ['EdDSA', 'ES256'] } });
    const [first, second] = [await verified(allowed), await verified(other)];
    expect(await challengeOf(second)).toEqual({ algs: ['EdDSA', 'ES256'], only: false });
    expect(await challengeOf(first)).toEqual({ algs: ['ES256'], only: false });
  });

  it('is none for a guard without DPoP, or an AuthInfo no guard made', async () => {
    expect(await challengeOf(await verified(createBearerGuard({ verify })))).toBeUndefined();
    expect(await challengeOf({ scheme: 'DPoP', principal: {}, scopes: [] })).toBeUndefined();
  });

  it('is invisible: no key, nothing in JSON, and a copy the application makes carries none', async () => {
    const auth = await verified(allowed);
    expect(Object.keys(auth).sort()).toEqual(['principal', 'scheme', 'scopes', 'via']);
    expect(JSON.stringify(auth)).not.toMatch(/ES256|algs/);
    expect(await challengeOf({ ...auth })).toBeUndefined();
    expect(await challengeOf(structuredClone(auth))).toBeUndefined();
  });

  it('cannot be replaced by the application once the guard set it', async () => {
    const auth = await verified(allowed);
    const keys = Object.getOwnPropertySymbols(auth);
    expect(keys).toHaveLength(1);
    for (const key of keys) {
      expect(() => {
        (auth as unknown as Record<symbol, unknown>)[key] = { algs: ['none'], only: true };
      }).toThrow(TypeError);
    }
    expect(await challengeOf(auth)).toEqual({ algs: ['ES256'], only: false });
  });
});
