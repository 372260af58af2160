/**
 * dpop/policy.ts: a guard's DPoP check after the token was verified, in its
 * order (RFC 9449 §4.3, §6, §9, §11.1): the token's `cnf.jkt`, the proof, the
 * server nonce, and last the replay store, so that a proof failing any other
 * check reserves nothing. Each row is a request or a store answer and the
 * exact outcome a client sees: error code, status and detail.
 */
// The replay store through the public entry only: how replay.ts is split is not this file's concern.
import type { ReplayStore } from '@auth-errors/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClientKey, clientKey, outcomeOf, proof } from '../../../test/support/dpop.js';
import { createNonceIssuer } from '../src/dpop/nonce.js';
import { type DpopPolicy, type DpopSettings, createDpopPolicy as policyOf } from '../src/dpop/policy.js';
import { DPOP_OPTIONS } from '../src/options/dpop-options.js';
import { nested } from '../src/options/fields.js';
import { readField } from '../src/options/read.js';

const DPOP_FIELD = nested(DPOP_OPTIONS, { doc: 'dpop' });

/** The policy a guard builds: its `dpop` option read through the declaration, as jwtAuth and bearerAuth read it. */
function createDpopPolicy(options: unknown, now?: () => number): DpopPolicy | undefined {
  return policyOf(readField(DPOP_FIELD, options, 'dpop') as DpopSettings | undefined, now);
}

import type { AuthRequest } from '../src/request/request.js';

const TOKEN = 'an-access-token';
const ORIGIN = 'https://api.test';
const SECRET = 'a-nonce-secret-of-at-least-32-bytes!';

let key: ClientKey;
beforeAll(async () => {
  key = await clientKey();
});

const bound = () => ({ sub: 'alice', cnf: { jkt: key.jkt } });

function request(
  dpop: readonly string[] | undefined,
  url = '/orders',
  origin: string | null = ORIGIN, // null: the adapter could not read it
): AuthRequest {
  return {
    method: 'GET',
    url,
    authorization: [`DPoP ${TOKEN}`],
    contentType: undefined,
    body: undefined,
    preflight: false,
    dpop,
    origin: origin ?? undefined,
  };
}

const fresh = (claims: Record<string, unknown> = {}, htu = `${ORIGIN}/orders`) =>
  proof({ key, htm: 'GET', htu, token: TOKEN, claims });

const policyWith = (options: Record<string, unknown> = {}, now?: () => number) =>
  createDpopPolicy({ mode: 'allowed', ...options }, now) as DpopPolicy;

/** A store that answers every reservation with `answer` (or throws it, when it is an Error). */
const storeAnswering = (answer: unknown): ReplayStore => ({
  reserve: async () => {
    if (answer instanceof Error) throw answer;
    return answer as boolean;
  },
});

describe('createDpopPolicy: the token must be bound to a DPoP key (rule 71)', () => {
  const rows: [string, unknown, string][] = [
    ['no cnf', { sub: 'alice' }, 'The access token is not bound to a DPoP key'],
    [
      'a certificate cnf',
      { cnf: { 'x5t#S256': 'abc' } },
      'The access token is bound to a client certificate, which this server does not verify',
    ],
    [
      'a cnf with two members',
      { cnf: { jkt: 'a', kid: 'b' } },
      'The access token has a confirmation (cnf) claim this server cannot verify',
    ],
    [
      'a cnf that is a string',
      { cnf: 'jkt' },
      'The access token has a confirmation (cnf) claim this server cannot verify',
    ],
    [
      'a jkt that is a number',
      { cnf: { jkt: 7 } },
      'The access token has a confirmation (cnf) claim this server cannot verify',
    ],
  ];
  it.each(rows)('%s: 401 invalid_token', async (_, principal, detail) => {
    const outcome = await outcomeOf(policyWith().check(request([await fresh()]), TOKEN, principal));
    expect(outcome).toEqual({ code: 'invalid_token', status: 401, detail, scheme: 'DPoP' });
  });
});

describe('createDpopPolicy: the proof, then the replay store', () => {
  it('passes a fresh proof, once: its replay is refused', async () => {
    const policy = policyWith();
    const jwt = await fresh();
    expect(await policy.check(request([jwt]), TOKEN, bound())).toEqual({ jkt: key.jkt, nonce: undefined });
    expect(await outcomeOf(policy.check(request([jwt]), TOKEN, bound()))).toEqual({
      code: 'invalid_dpop_proof',
      status: 401,
      detail: 'The DPoP proof was already used',
      scheme: 'DPoP',
    });
  });

  it('reserves nothing for a proof that fails a check: the same jti passes once it is right', async () => {
    const reserved: string[] = [];
    const policy = policyWith({ replayStore: { reserve: async (key: string) => reserved.push(key) > 0 } });
    const wrongUri = await fresh({ jti: 'j-1' }, `${ORIGIN}/admin`);
    expect(await outcomeOf(policy.check(request([wrongUri]), TOKEN, bound()))).toMatchObject({
      detail: 'The DPoP proof is for another URI',
    });
    expect(reserved).toEqual([]);
    expect(await outcomeOf(policy.check(request([await fresh({ jti: 'j-1' })]), TOKEN, bound()))).toBe('passed');
    expect(reserved).toHaveLength(1);
  });

  const URI_WRONG = {
    code: 'invalid_dpop_proof',
    status: 401,
    detail: 'The DPoP proof is for another URI',
    scheme: 'DPoP',
  };
  const uris: [string, Record<string, unknown>, string, string | null, unknown][] = [
    ['the origin the adapter read', {}, '/orders?page=2', ORIGIN, 'passed'],
    ['no origin from the adapter', {}, '/orders', null, URI_WRONG],
    ['publicUrl over the origin the adapter read', { publicUrl: 'https://public.test' }, '/orders', ORIGIN, URI_WRONG],
    [
      'a target with dot segments',
      {},
      '/files/../orders',
      ORIGIN,
      {
        code: 'invalid_dpop_proof',
        status: 401,
        detail: 'The request path has dot segments or backslashes, which no DPoP proof can be matched with',
        scheme: 'DPoP',
      },
    ],
  ];
  it.each(uris)('htu against %s', async (_, options, url, origin, outcome) => {
    const check = policyWith(options).check(request([await fresh()], url, origin), TOKEN, bound());
    expect(await outcomeOf(check)).toEqual(outcome);
  });

  it('publicUrl is the origin proofs are for', async () => {
    const policy = policyWith({ publicUrl: 'https://public.test' });
    const jwt = await fresh({}, 'https://public.test/orders');
    expect(await outcomeOf(policy.check(request([jwt]), TOKEN, bound()))).toBe('passed');
  });

  const OVER_SHARE =
    'This DPoP key sent more proofs than the server holds for one key. Retry after Retry-After seconds';
  const UNAVAILABLE = {
    code: 'auth_unavailable',
    status: 503,
    detail: 'Credentials cannot be checked right now. Retry later with the same credentials',
  };
  const answers: [string, unknown, Record<string, unknown>][] = [
    ['true', true, {}],
    ['false', false, { code: 'invalid_dpop_proof', status: 401, detail: 'The DPoP proof was already used' }],
    ['{ retryAfter: 5 }', { retryAfter: 5 }, { code: 'too_many_requests', status: 429, detail: OVER_SHARE }],
    ['{ retryAfter: 0 }', { retryAfter: 0 }, { code: 'too_many_requests', status: 429, detail: OVER_SHARE }],
    ['{ retryAfter: -1 }', { retryAfter: -1 }, UNAVAILABLE],
    ['{ retryAfter: 1.5 }', { retryAfter: 1.5 }, UNAVAILABLE],
    ['"true"', 'true', UNAVAILABLE],
    ['undefined', undefined, UNAVAILABLE],
    ['a rejection', new Error('connection refused'), UNAVAILABLE],
  ];
  it.each(answers)('a replay store answering %s', async (_, answer, outcome) => {
    const policy = policyWith({ replayStore: storeAnswering(answer), retryAfter: 3 });
    const result = await outcomeOf(policy.check(request([await fresh()]), TOKEN, bound()));
    expect(result).toEqual(answer === true ? 'passed' : { ...outcome, scheme: 'DPoP' });
  });

  it('says nothing of the store in the 503 detail, and gives it the configured Retry-After', async () => {
    const policy = policyWith({ replayStore: storeAnswering(new Error('redis at 10.0.0.5 down')), retryAfter: 3 });
    const error = await policy.check(request([await fresh()]), TOKEN, bound()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'auth_unavailable', retryAfter: 3 });
    expect((error as { detail: string }).detail).not.toContain('10.0.0.5');
  });
});

describe('createDpopPolicy: server nonces (RFC 9449 §9)', () => {
  const T0 = 1_700_000_000_000;
  const setup = () => {
    const clock = { now: T0 };
    const nonce = { secrets: [SECRET], lifetime: 300 };
    const settings = readField(DPOP_OPTIONS.nonce, nonce, 'dpop.nonce') as Parameters<typeof createNonceIssuer>[0];
    const issuer = createNonceIssuer(settings, () => clock.now);
    return { clock, issuer, policy: policyWith({ nonce }, () => clock.now) };
  };
  const USE_NONCE = {
    code: 'use_dpop_nonce',
    status: 401,
    detail: 'Resource server requires nonce in DPoP proof',
    scheme: 'DPoP',
  };

  // Each row's claims, from a nonce issued for this key and one issued for another.
  const rows: [string, (nonce: string, foreign: string) => Record<string, unknown>, Record<string, unknown>][] = [
    ['without a nonce', () => ({}), USE_NONCE],
    [
      'with a forged nonce',
      (nonce) => ({ nonce: nonce.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')) }),
      USE_NONCE,
    ],
    ['with a nonce that is a number', () => ({ nonce: 7 }), USE_NONCE],
    ['with the nonce of another key', (_, foreign) => ({ nonce: foreign }), USE_NONCE],
  ];
  it.each(rows)('a proof %s: 401 use_dpop_nonce', async (_, claims, outcome) => {
    const { issuer, policy } = setup();
    const nonces = await Promise.all([issuer.issue(key.jkt), issuer.issue('another-jkt')]);
    const jwt = await fresh({ iat: T0 / 1000, ...claims(...nonces) });
    expect(await outcomeOf(policy.check(request([jwt]), TOKEN, bound()))).toEqual(outcome);
  });

  it('a proof with a current nonce passes, and a nonce past half its life is renewed', async () => {
    const { clock, issuer, policy } = setup();
    const nonce = await issuer.issue(key.jkt);
    const current = await fresh({ iat: T0 / 1000, nonce });
    expect(await policy.check(request([current]), TOKEN, bound())).toEqual({ jkt: key.jkt, nonce: undefined });
    clock.now = T0 + 200_000;
    const late = await fresh({ iat: clock.now / 1000, nonce });
    expect(await policy.check(request([late]), TOKEN, bound())).toEqual({
      jkt: key.jkt,
      nonce: await issuer.issue(key.jkt),
    });
  });
});

describe('createDpopPolicy: options', () => {
  it('is undefined without options, and says what the challenge advertises', () => {
    expect(createDpopPolicy(undefined)).toBeUndefined();
    expect(policyWith({ algorithms: ['ES256', 'ES256', 'EdDSA'] }).challenge).toEqual({
      algs: ['ES256', 'EdDSA'],
      only: false,
    });
    const required = createDpopPolicy({ mode: 'required' }) as DpopPolicy;
    expect([required.required, required.challenge.only]).toEqual([true, true]);
  });

  const rows: [string, unknown, string][] = [
    ['null', null, 'option "dpop" must be an object'],
    ['a string', 'required', 'option "dpop" must be an object'],
    ['no mode', {}, 'option "dpop.mode" must be "allowed" or "required"'],
    ['mode "optional"', { mode: 'optional' }, 'option "dpop.mode" must be "allowed" or "required"'],
    [
      'window 0',
      { mode: 'allowed', window: 0 },
      'option "dpop.window" must be an integer number of seconds from 1 to 300',
    ],
    [
      'window 301',
      { mode: 'allowed', window: 301 },
      'option "dpop.window" must be an integer number of seconds from 1 to 300',
    ],
    [
      'a replay store without reserve',
      { mode: 'allowed', replayStore: {} },
      'option "dpop.replayStore" must have a reserve(key, ttl, owner) method',
    ],
    [
      'retryAfter -1',
      { mode: 'allowed', retryAfter: -1 },
      'option "dpop.retryAfter" must be a non-negative integer number of seconds',
    ],
    [
      'a publicUrl with a path',
      { mode: 'allowed', publicUrl: 'https://api.test/v1' },
      'option "dpop.publicUrl" is refused: "publicUrl" must be an http(s) origin such as "https://api.example.com"',
    ],
    [
      'a nonce without secrets',
      { mode: 'allowed', nonce: {} },
      'option "dpop.nonce.secrets" must be a non-empty array',
    ],
  ];
  it.each(rows)('%s is a TypeError naming the option', (_, options, message) => {
    expect(() => createDpopPolicy(options)).toThrow(TypeError);
    // The message starts with what is wrong; the reader may add what it expects.
    expect(() => createDpopPolicy(options)).toThrow(`auth-errors: ${message}`);
  });

  it.each([
    [[]],
    [['HS256']],
    [['ES256', 'none']],
    ['ES256'],
  ])('algorithms %j is a TypeError listing the accepted ones', (algorithms) => {
    expect(() => createDpopPolicy({ mode: 'allowed', algorithms })).toThrow(
      new TypeError(
        'auth-errors: option "dpop.algorithms" must be a non-empty array of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, Ed25519',
      ),
    );
  });
});
