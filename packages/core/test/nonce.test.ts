/**
 * dpop/nonce.ts (RFC 9449 §9): stateless nonces `<expiry>.<mac>`, bound to one
 * key thumbprint. Each row is a nonce and the exact verdict; the clock is
 * fixed, so a row never depends on when it runs.
 */
import { describe, expect, it } from 'vitest';
import { type DpopNonceOptions, createNonceIssuer as issuerOf } from '../src/dpop/nonce.js';
import { DPOP_OPTIONS } from '../src/options/dpop-options.js';
import { readField } from '../src/options/read.js';

/** The issuer a guard builds: the `dpop.nonce` option read through its declaration, as jwtAuth and bearerAuth read it. */
function createNonceIssuer(options: unknown, now?: () => number) {
  return issuerOf(readField(DPOP_OPTIONS.nonce, options, 'dpop.nonce') as Parameters<typeof issuerOf>[0], now);
}

const SECRET = 'a-nonce-secret-of-at-least-32-bytes!';
const OTHER_SECRET = 'another-nonce-secret-of-32-bytes-or-more';
const JKT = 'jkt-of-the-client-key';
const T0 = 1_700_000_000_000;

function issuerAt(options: Partial<DpopNonceOptions> = {}, clock = { now: T0 }) {
  return { clock, issuer: createNonceIssuer({ secrets: [SECRET], ...options }, () => clock.now) };
}

describe('createNonceIssuer: issue', () => {
  it('issues <expiry in base 36>.<43 base64url characters>, the expiry being now + lifetime', async () => {
    const { issuer } = issuerAt({ lifetime: 300 });
    const nonce = await issuer.issue(JKT);
    expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(Number.parseInt(nonce.split('.')[0] as string, 36)).toBe(T0 / 1000 + 300);
  });

  it('issues the same nonce for the same key and second, another for another key', async () => {
    const { issuer } = issuerAt();
    expect(await issuer.issue(JKT)).toBe(await issuer.issue(JKT));
    expect(await issuer.issue(JKT)).not.toBe(await issuer.issue('another-jkt'));
  });
});

describe('createNonceIssuer: check', () => {
  // [row, seconds after issue, verdict]: lifetime 300, so renewal starts past 150 s left.
  const ages: [string, number, string][] = [
    ['just issued', 0, 'valid'],
    ['149 s old (151 s left)', 149, 'valid'],
    ['151 s old (149 s left, under half its life)', 151, 'renew'],
    ['299 s old', 299, 'renew'],
    ['300 s old (expired at that second)', 300, 'invalid'],
    ['an hour old', 3600, 'invalid'],
  ];
  it.each(ages)('a nonce %s is %s', async (_, age, verdict) => {
    const { issuer, clock } = issuerAt({ lifetime: 300 });
    const nonce = await issuer.issue(JKT);
    clock.now = T0 + age * 1000;
    expect(await issuer.check(nonce, JKT)).toBe(verdict);
  });

  it('a nonce from the future (its expiry past now + lifetime) is invalid', async () => {
    const { issuer, clock } = issuerAt({ lifetime: 300 });
    clock.now = T0 + 1000;
    const nonce = await issuer.issue(JKT);
    clock.now = T0;
    expect(await issuer.check(nonce, JKT)).toBe('invalid');
  });

  const tampered: [string, (nonce: string) => unknown, string?][] = [
    ['for another key', (nonce) => nonce, 'another-jkt'],
    [
      'with its expiry moved later',
      (nonce) => nonce.replace(/^[0-9a-z]+/, (e) => (Number.parseInt(e, 36) + 1).toString(36)),
    ],
    ['with one MAC character changed', (nonce) => nonce.slice(0, -1) + (nonce.endsWith('A') ? 'B' : 'A')],
    ['with the MAC cut short', (nonce) => nonce.slice(0, -1)],
    ['with padding added', (nonce) => `${nonce}=`],
    ['upper-case expiry', (nonce) => nonce.replace(/^[0-9a-z]+/, (e) => e.toUpperCase())],
    ['without its dot', (nonce) => nonce.replace('.', '')],
    ['empty', () => ''],
    ['over 128 characters', (nonce) => `${nonce}${'A'.repeat(128)}`],
    ['a number', () => 42],
    ['absent', () => undefined],
    ['an object', (nonce) => ({ toString: () => nonce })],
  ];
  it.each(tampered)('a nonce %s is invalid', async (_, change, jkt = JKT) => {
    const { issuer } = issuerAt();
    expect(await issuer.check(change(await issuer.issue(JKT)), jkt)).toBe('invalid');
  });

  it('rotates: the first secret signs, every listed secret verifies', async () => {
    const old = issuerAt({ secrets: [OTHER_SECRET] }).issuer;
    const rotated = issuerAt({ secrets: [SECRET, OTHER_SECRET] }).issuer;
    const dropped = issuerAt({ secrets: [SECRET] }).issuer;
    const fromOld = await old.issue(JKT);
    expect(await rotated.check(fromOld, JKT)).toBe('valid');
    expect(await dropped.check(fromOld, JKT)).toBe('invalid');
    expect(await old.check(await rotated.issue(JKT), JKT)).toBe('invalid');
  });

  it('accepts a secret as bytes, the same as its text', async () => {
    const bytes = issuerAt({ secrets: [new TextEncoder().encode(SECRET)] }).issuer;
    expect(await issuerAt().issuer.check(await bytes.issue(JKT), JKT)).toBe('valid');
  });
});

describe('createNonceIssuer: options', () => {
  const secrets = 'option "dpop.nonce.secrets" must be a non-empty array';
  const lifetime = 'option "dpop.nonce.lifetime" must be an integer number of seconds from 10 to 86400';
  const rows: [string, unknown, string][] = [
    ['null', null, 'option "dpop.nonce" must be an object'],
    ['no secrets', {}, secrets],
    ['an empty list', { secrets: [] }, secrets],
    ['a secret string', { secrets: SECRET }, secrets],
    ['lifetime 9', { secrets: [SECRET], lifetime: 9 }, lifetime],
    ['lifetime 86401', { secrets: [SECRET], lifetime: 86401 }, lifetime],
    ['lifetime 30.5', { secrets: [SECRET], lifetime: 30.5 }, lifetime],
    ['lifetime "300"', { secrets: [SECRET], lifetime: '300' }, lifetime],
    [
      'a 31-byte secret',
      { secrets: ['x'.repeat(31)] },
      'option "dpop.nonce.secrets" must list secrets of at least 32 bytes',
    ],
    [
      'a secret that is a number',
      { secrets: [42] },
      'option "dpop.nonce.secrets" must list secrets of at least 32 bytes',
    ],
  ];
  it.each(rows)('%s is a TypeError naming the option', (_, options, message) => {
    const create = () => createNonceIssuer(options as DpopNonceOptions);
    expect(create).toThrow(TypeError);
    // The message starts with what is wrong; the reader may add what it expects.
    expect(create).toThrow(`auth-errors: ${message}`);
  });

  it('no nonce option is no nonce issuer: server nonces are optional', () => {
    expect(readField(DPOP_OPTIONS.nonce, undefined, 'dpop.nonce')).toBeUndefined();
  });

  it('accepts lifetimes 10 and 86400', () => {
    for (const lifetime of [10, 86400]) expect(() => createNonceIssuer({ secrets: [SECRET], lifetime })).not.toThrow();
  });
});
