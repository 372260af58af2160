/**
 * A DPoP proof's `jwk` header (RFC 9449 §4.2) is a public signature key by the allow-list every JWK meets
 * (keys/public-jwk.ts), carrying nothing but its key and metadata. Each row is a proof whose key is
 * hostile, validly signed where a signature could be made, and the 401 `invalid_dpop_proof` detail it gets.
 */
import { generateKeyPairSync } from 'node:crypto';
import { base64url, type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessTokenHash, verifyProof } from '../src/dpop/proof.js';
import { AuthError } from '../src/index.js';

const URI = 'https://rs.example/orders';
const TOKEN = 'an-access-token';
const NOT_PUBLIC = 'The DPoP proof key must be a public JWK and nothing else';
const RSA_LIMITS = 'The DPoP proof key must be an RSA key of 2048 to 4096 bits with exponent 65537';
const policy = { algorithms: ['ES256', 'PS256', 'EdDSA'], window: 60 };

let privateKey: CryptoKey;
let jwk: JWK;
let jkt: string;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  jwk = await exportJWK(pair.publicKey);
  jkt = await calculateJwkThumbprint(jwk);
});

/** A proof signed by the test key, whose header carries `headerJwk` and `alg`. */
async function proofWith(headerJwk: unknown, alg = 'ES256'): Promise<string> {
  const claims = { htm: 'GET', htu: URI, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() };
  const signed = await new SignJWT({ ...claims, ath: await accessTokenHash(TOKEN) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .sign(privateKey);
  const [, payload, signature] = signed.split('.');
  const header = base64url.encode(JSON.stringify({ alg, typ: 'dpop+jwt', jwk: headerJwk }));
  // The same signature over another header: valid only when headerJwk is jwk; the checks below come first anyway.
  return headerJwk === jwk && alg === 'ES256' ? signed : `${header}.${payload}.${signature}`;
}

/** A proof signed by the test key with a header that names the key `headerJwk`, signature and all valid. */
async function signedWith(headerJwk: JWK): Promise<string> {
  const claims = { htm: 'GET', htu: URI, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() };
  return new SignJWT({ ...claims, ath: await accessTokenHash(TOKEN) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: headerJwk })
    .sign(privateKey);
}

const verify = (proof: string) =>
  verifyProof({ lines: [proof], method: 'GET', uri: URI, dotSegments: false, accessToken: TOKEN }, policy, jkt);

async function detailOf(proof: string): Promise<string | undefined> {
  try {
    await verify(proof);
    return undefined;
  } catch (error) {
    expect(AuthError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_dpop_proof', status: 401 });
    return (error as AuthError).detail;
  }
}

describe('a DPoP proof key is a public signature key and nothing else', () => {
  it('the test key itself is accepted', async () => {
    expect(await detailOf(await proofWith(jwk))).toBeUndefined();
  });

  it('use "enc", key_ops without verify, or malformed metadata: refused even when validly signed', async () => {
    for (const extra of [
      { use: 'enc' },
      { use: 5 },
      { key_ops: ['encrypt'] },
      { key_ops: 'verify' },
      { alg: 'HS256' },
      { alg: 'RS256' },
      { kid: 42 },
      { ext: 'yes' },
    ]) {
      expect(await detailOf(await signedWith({ ...jwk, ...extra } as JWK)), JSON.stringify(extra)).toBe(NOT_PUBLIC);
    }
    expect(await detailOf(await signedWith({ ...jwk, use: 'sig', key_ops: ['verify'], kid: 'k' }))).toBeUndefined();
  });

  const x25519 = () => generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  const rsa1024 = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  const rows: [string, () => unknown, string, string?][] = [
    ['a private key (d)', () => ({ ...jwk, d: 'AAAA' }), NOT_PUBLIC],
    ['a symmetric key (k)', () => ({ kty: 'oct', k: 'c2VjcmV0' }), NOT_PUBLIC],
    ['an EC key with a k member', () => ({ ...jwk, k: 'c2VjcmV0' }), NOT_PUBLIC],
    ['an RSA key with oth', () => ({ ...rsa1024(), oth: [] }), NOT_PUBLIC, 'PS256'],
    ['kty toString', () => ({ kty: 'toString' }), NOT_PUBLIC],
    ['kty hasOwnProperty', () => ({ kty: 'hasOwnProperty', x: 'AA' }), NOT_PUBLIC],
    ['an EC key with an unknown crv', () => ({ ...jwk, crv: 'P-192' }), NOT_PUBLIC],
    ['an OKP X25519 key, which cannot sign', x25519, NOT_PUBLIC, 'EdDSA'],
    ['a number x', () => ({ ...jwk, x: 5 }), NOT_PUBLIC],
    ['a huge x', () => ({ ...jwk, x: 'A'.repeat(3000) }), NOT_PUBLIC],
    ['an RSA key whose n is a number', () => ({ kty: 'RSA', n: 5, e: 'AQAB' }), NOT_PUBLIC, 'PS256'],
    ['an RSA key of 1,024 bits', rsa1024, RSA_LIMITS, 'PS256'],
    ['an RSA key with a huge n', () => ({ kty: 'RSA', n: 'A'.repeat(3000), e: 'AQAB' }), RSA_LIMITS, 'PS256'],
  ];
  it.each(rows)('%s: %s', async (_name, hostile, detail, alg) => {
    expect(await detailOf(await proofWith(hostile(), alg))).toBe(detail);
  });
});
