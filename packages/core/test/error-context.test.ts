/**
 * An AuthError's context is declared once (errors/context.ts): a field the
 * class carries but the list misses, or one that re-creating an error drops,
 * fails here, at run time, and in the compiler, at type level.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AuthErrorContext, type AuthErrorInit, CONTEXT_FIELDS, type ContextField } from '../src/errors/context.js';
import { AuthError, withContext, withDefaults } from '../src/errors/errors.js';
import type { ChallengeSource } from '../src/render/error-challenges.js';

/** One valid value per field, each unlike any default: a `Record` over the fields, so a new one must be named here. */
const sample: Record<ContextField, unknown> = {
  detail: 'A detail of its own',
  cause: new Error('the internal reason'),
  scheme: 'DPoP',
  realm: 'sample-realm',
  requiredScopes: ['orders:read'],
  challengeScope: ['orders'],
  acrValues: ['urn:mace:incommon:iap:silver'],
  maxAge: 300,
  retryAfter: 7,
  dpop: { algs: ['ES256'], only: true, nonce: 'nonce-1' },
};

/** Own fields of an AuthError that come from its code, not its context. */
const FROM_CODE = ['name', 'code', 'status', 'statusCode', 'expose', 'description'];

const full = () => new AuthError('insufficient_user_authentication', sample as AuthErrorInit);

describe('the context of an AuthError', () => {
  it('lists every field once, and nothing else', () => {
    expect([...CONTEXT_FIELDS].sort()).toEqual(Object.keys(sample).sort());
    expect(new Set(CONTEXT_FIELDS).size).toBe(CONTEXT_FIELDS.length);
  });

  it('holds every field an AuthError carries that its code does not decide', () => {
    const own = Object.keys(full()).filter((key) => !FROM_CODE.includes(key));
    expect(own.sort()).toEqual(CONTEXT_FIELDS.filter((field) => field !== 'cause').sort());
  });

  it('keeps `cause` off the enumerable fields, so that JSON logging of an error never prints it', () => {
    const error = full();
    expect(error.cause).toBe(sample.cause);
    expect(Object.keys(error)).not.toContain('cause');
    expect(JSON.stringify(error)).not.toContain('the internal reason');
  });

  it.each(CONTEXT_FIELDS)('the constructor keeps %s', (field) => {
    expect(full()[field]).toEqual(sample[field]);
  });

  it.each(CONTEXT_FIELDS)('withContext carries %s over to the new error', (field) => {
    const copy = withContext(full(), {});
    expect(copy).not.toBe(full());
    expect(copy[field]).toEqual(sample[field]);
  });

  it.each(
    CONTEXT_FIELDS.filter((field) => field !== 'detail'),
  )('withDefaults fills a missing %s and keeps every other field', (field) => {
    const { [field]: _, ...rest } = sample;
    const error = new AuthError('insufficient_user_authentication', rest as AuthErrorInit);
    const filled = withDefaults(error, { [field]: sample[field] });
    for (const each of CONTEXT_FIELDS) expect(filled[each]).toEqual(sample[each]);
  });

  it('withDefaults returns the error itself when it lacks nothing, and never replaces a field it has', () => {
    const error = full();
    expect(withDefaults(error, { scheme: 'Basic', realm: 'other' })).toBe(error);
    expect(withDefaults(error, {})).toBe(error);
  });

  it('the init, the class and the challenge source are derived from one declaration', () => {
    type Assigned = Exclude<ContextField, 'cause'>;
    expectTypeOf<Record<keyof AuthErrorInit, true>>().toEqualTypeOf<Record<ContextField, true>>();
    expectTypeOf<Pick<AuthError, Assigned>>().toEqualTypeOf<Pick<AuthErrorContext, Assigned>>();
    expectTypeOf<Pick<ChallengeSource, Assigned>>().toEqualTypeOf<Pick<AuthErrorContext, Assigned>>();
    expectTypeOf<AuthError>().toMatchTypeOf<ChallengeSource>();
  });
});
