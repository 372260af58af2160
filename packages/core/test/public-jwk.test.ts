/**
 * The one answer to "is this a public JWK we verify with?" (keys/public-jwk.ts), as a table: every row a JWK
 * and what it is refused for, or `undefined` when it is a public signature key. The key source drops a key
 * for that reason, a configured key is a TypeError, a DPoP proof key is 401 (their own tests show those).
 */
import { base64url, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { bareJwk, hasOnlyPublicMembers, jwkRefusal, verifiesInWebCrypto } from '../src/keys/public-jwk.js';
import { rsaBoundsRefusal } from '../src/keys/rsa-limits.js';

let rsa: JWK;
let ec: JWK;
let p384: JWK;
let p521: JWK;
let ed: JWK;
let x25519: JWK;

const exported = async (alg: string, options: { crv?: string } = {}) =>
  exportJWK((await generateKeyPair(alg, { ...options, extractable: true })).publicKey);
const bare = ({ kty, crv, x, y, n, e }: JWK) =>
  Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined)) as JWK;

/** An RSA modulus of `bits` bits (random, odd): the checks here read its length, never its factors. */
function modulus(bits: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(bits / 8)));
  bytes[0] = ((bytes[0] as number) | 0x80) >> (8 * bytes.length - bits);
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 1;
  return base64url.encode(bytes);
}

beforeAll(async () => {
  const keys = await Promise.all([
    exported('RS256'),
    exported('ES256'),
    exported('ES384'),
    exported('ES512'),
    exported('EdDSA', { crv: 'Ed25519' }),
    exported('ECDH-ES', { crv: 'X25519' }),
  ]);
  [rsa, ec, p384, p521, ed, x25519] = keys.map(bare) as [JWK, JWK, JWK, JWK, JWK, JWK];
});

type Row = readonly [name: string, jwk: () => unknown, refusal: ReturnType<typeof jwkRefusal>];

const rows: Row[] = [
  ['an RSA key of 2048 bits, e = 65537', () => rsa, undefined],
  ['an EC P-256 key', () => ec, undefined],
  ['an EC P-384 key', () => p384, undefined],
  ['an EC P-521 key', () => p521, undefined],
  ['an Ed25519 key', () => ed, undefined],
  [
    'a key with every metadata member',
    () => ({ ...ec, kid: 'k', alg: 'ES256', use: 'sig', key_ops: ['verify'] }),
    undefined,
  ],
  ['an X.509 chain and other members, which nothing reads', () => ({ ...rsa, x5c: ['MIIB'], x5t: 'abc' }), undefined],
  ['Ed25519 with alg Ed25519 (RFC 9864)', () => ({ ...ed, alg: 'Ed25519' }), undefined],
  ['null', () => null, 'not_a_key'],
  ['a string', () => 'RSA', 'not_a_key'],
  ['an array', () => [rsa], 'not_a_key'],
  ['a symmetric key', () => ({ kty: 'oct', k: 'c2VjcmV0' }), 'symmetric_key'],
  ['an RSA key with a k member', () => ({ ...rsa, k: 'c2VjcmV0' }), 'symmetric_key'],
  ['no kty', () => ({ n: rsa.n, e: rsa.e }), 'key_type'],
  ['a kty that is not a string', () => ({ ...rsa, kty: ['RSA'] }), 'key_type'],
  ['kty toString (an Object.prototype member)', () => ({ kty: 'toString' }), 'key_type'],
  ['kty __proto__', () => JSON.parse('{"kty":"__proto__","x":"AA"}'), 'key_type'],
  ['kty constructor', () => ({ kty: 'constructor' }), 'key_type'],
  ['a post-quantum key type', () => ({ kty: 'AKP', alg: 'ML-DSA-44', pub: 'AAAA' }), 'key_type'],
  ['an EC key with d', () => ({ ...ec, d: 'AAAA' }), 'private_key'],
  ['an RSA key with p and q', () => ({ ...rsa, p: 'AAAA', q: 'AAAA' }), 'private_key'],
  ['an RSA key with oth', () => ({ ...rsa, oth: [{ r: 'AA', d: 'AA', t: 'AA' }] }), 'private_key'],
  ['an inherited d', () => Object.assign(Object.create({ d: 'AAAA' }), ec), 'private_key'],
  ['use enc', () => ({ ...rsa, use: 'enc' }), 'use'],
  ['use that is not a string', () => ({ ...rsa, use: ['sig'] }), 'use'],
  ['key_ops without verify', () => ({ ...ec, key_ops: ['encrypt'] }), 'key_ops'],
  ['key_ops that is a string', () => ({ ...ec, key_ops: 'verify' }), 'key_ops'],
  ['key_ops with a non-string', () => ({ ...ec, key_ops: ['verify', 1] }), 'key_ops'],
  ['alg HS256 on an RSA key', () => ({ ...rsa, alg: 'HS256' }), 'algorithm'],
  ['alg none', () => ({ ...rsa, alg: 'none' }), 'algorithm'],
  ['an alg that is not a string', () => ({ ...rsa, alg: 256 }), 'algorithm'],
  ['alg toString', () => ({ ...rsa, alg: 'toString' }), 'algorithm'],
  ['an RSA alg on an EC key', () => ({ ...ec, alg: 'RS256' }), 'algorithm'],
  ['ES384 on a P-256 key', () => ({ ...ec, alg: 'ES384' }), 'algorithm'],
  ['ES256 on an Ed25519 key', () => ({ ...ed, alg: 'ES256' }), 'algorithm'],
  ['a kid that is not a string', () => ({ ...ec, kid: 42 }), 'invalid_key'],
  ['ext that is not a boolean', () => ({ ...ec, ext: 'true' }), 'invalid_key'],
  ['EC with an unknown crv', () => ({ ...ec, crv: 'P-192' }), 'invalid_key'],
  ['EC with crv secp256k1', () => ({ ...ec, crv: 'secp256k1' }), 'invalid_key'],
  ['EC with an OKP curve', () => ({ ...ec, crv: 'Ed25519' }), 'invalid_key'],
  ['EC with crv toString', () => ({ ...ec, crv: 'toString' }), 'invalid_key'],
  ['EC without y', () => ({ kty: 'EC', crv: 'P-256', x: ec.x }), 'invalid_key'],
  ['EC with a number x', () => ({ ...ec, x: 5 }), 'invalid_key'],
  ['EC with a short x', () => ({ ...ec, x: (ec.x as string).slice(1) }), 'invalid_key'],
  ['EC with a padded x', () => ({ ...ec, x: `${ec.x}=` }), 'invalid_key'],
  ['EC with an x in standard Base64', () => ({ ...ec, x: `+${(ec.x as string).slice(1)}` }), 'invalid_key'],
  ['EC with a huge x', () => ({ ...ec, x: 'A'.repeat(1_000_000) }), 'invalid_key'],
  ['OKP X25519, a key for key agreement', () => x25519, 'invalid_key'],
  ['OKP X448', () => ({ kty: 'OKP', crv: 'X448', x: 'A'.repeat(75) }), 'invalid_key'],
  ['OKP without crv', () => ({ kty: 'OKP', x: ed.x }), 'invalid_key'],
  ['OKP with an empty x', () => ({ ...ed, x: '' }), 'invalid_key'],
  ['RSA without n', () => ({ kty: 'RSA', e: 'AQAB' }), 'invalid_key'],
  ['RSA with a number e', () => ({ ...rsa, e: 65537 }), 'invalid_key'],
  ['RSA with an object n', () => ({ ...rsa, n: { length: 10 } }), 'invalid_key'],
  ['RSA of 1,024 bits', () => ({ ...rsa, n: modulus(1024) }), 'key_size'],
  ['RSA of 2,047 bits', () => ({ ...rsa, n: modulus(2047) }), 'key_size'],
  ['RSA of 4,104 bits', () => ({ ...rsa, n: modulus(4104) }), 'key_size'],
  ['RSA with a huge n', () => ({ ...rsa, n: 'A'.repeat(1_000_000) }), 'key_size'],
  ['RSA with e = 3', () => ({ ...rsa, e: 'Aw' }), 'key_exponent'],
  ['RSA with 65537 and a leading zero octet', () => ({ ...rsa, e: 'AAEAAQ' }), 'key_exponent'],
  ['RSA with an n that is not base64url', () => ({ ...rsa, n: 'not base64url!' }), 'invalid_key'],
];

describe('which JWKs are public signature keys', () => {
  it.each(rows)('%s', (_name, jwk, refusal) => {
    expect(jwkRefusal(jwk())).toBe(refusal);
  });

  it('the reasons come in a fixed order: a private EC key with use enc is private_key, not use', () => {
    expect(jwkRefusal({ ...ec, d: 'AAAA', use: 'enc' })).toBe('private_key');
    expect(jwkRefusal({ kty: 'oct', k: 'AA', d: 'AA' })).toBe('symmetric_key');
    expect(jwkRefusal({ ...rsa, use: 'enc', n: modulus(1024) })).toBe('use');
  });

  it('the RSA bounds are a step of their own (a DPoP proof checks its algorithm between them)', () => {
    expect(rsaBoundsRefusal({ ...rsa, n: modulus(1024) })).toBe('key_size');
    expect(rsaBoundsRefusal({ ...rsa, e: 'Aw' })).toBe('key_exponent');
    expect(rsaBoundsRefusal({ ...rsa, n: 'not base64url!' })).toBe('invalid_key');
    expect(rsaBoundsRefusal(rsa)).toBeUndefined();
  });
});

describe('the bare key and the members a DPoP proof key may have', () => {
  it('the bare key holds the RFC 7638 members only, in that order', () => {
    const withMetadata = { ...ec, kid: 'k', alg: 'ES256', use: 'sig', x5c: ['MIIB'] } as JWK;
    expect(Object.keys(bareJwk(withMetadata))).toEqual(['kty', 'crv', 'x', 'y']);
    expect(bareJwk({ ...rsa, kid: 'k' })).toEqual({ kty: 'RSA', n: rsa.n, e: rsa.e });
    expect(bareJwk({ ...ed, y: 'AA' } as JWK)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: ed.x });
  });

  it('a proof key has its public members and the metadata WebCrypto and JWK sets add, nothing else', () => {
    expect(hasOnlyPublicMembers({ ...ec, kid: 'k', alg: 'ES256', use: 'sig', key_ops: ['verify'], ext: true })).toBe(
      true,
    );
    expect(hasOnlyPublicMembers({ ...ec, x5u: 'https://evil.test/' })).toBe(false);
    expect(hasOnlyPublicMembers({ ...ed, y: ec.y } as JWK)).toBe(false);
    expect(hasOnlyPublicMembers({ ...rsa, x5c: ['MIIB'] })).toBe(false);
  });
});

describe('the WebCrypto check of a fetched key', () => {
  it('imports every accepted key type; a point off its curve does not import', async () => {
    for (const key of [rsa, ec, p384, p521, ed]) expect(await verifiesInWebCrypto(key), key.crv ?? key.kty).toBe(true);
    expect(await verifiesInWebCrypto({ ...ec, x: ec.y })).toBe(false);
  });
});
