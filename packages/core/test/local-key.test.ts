/**
 * A configured key, read without node:crypto: PEM (SPKI or an X.509
 * certificate), JWK, Node KeyObject or WebCrypto CryptoKey for public keys,
 * and an HMAC secret. Anything that is not a public key (garbage, a private
 * key in any form, a secret key) is a TypeError naming "key" when the verifier
 * is created; a token whose alg does not fit the key is 401 invalid_token,
 * never a 500. Rule numbers refer to docs/conformance.md.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/index.js';
import { createJwtVerifier } from '../src/keys/jwt.js';

const ISS = 'https://as.example';
const AUD = 'https://rs.example';

/** A self-signed test certificate (CN "auth-errors test issuer", valid for a century) and its key: test data only. */
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUXmC0k/1denpQYqfBYD+25Y9Cl/cwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXYXV0aC1lcnJvcnMgdGVzdCBpc3N1ZXIwIBcNMjYxMTMwMDgy
NDExWhgPMjEyNjExMDYwODI0MTFaMCIxIDAeBgNVBAMMF2F1dGgtZXJyb3JzIHRl
c3QgaXNzdWVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+v1xzLk4SMZZRRHn
HUwXfdKTpyCk47Pu28Z7argNAC+9b+ADG9MX8oTIGDSohPTgwvlC6LuCrpfr5daH
wmDZKKNTMFEwHQYDVR0OBBYEFGfUyyxGWzvXB/NbK7BfoTFwv+OtMB8GA1UdIwQY
MBaAFGfUyyxGWzvXB/NbK7BfoTFwv+OtMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
zj0EAwIDSQAwRgIhAN2xBNBybrmNTCjrFUsUTzQ9Ofdy+DiEUIH7aDwIe08xAiEA
/8Cs5ezuF/gSJLrsAI9tkSv792wu3aLEJ9uCmsHKfM8=
-----END CERTIFICATE-----
`;
const CERTIFICATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgC6UXpAH7mXnW0sGk
QjG+IXhDatvcuKotsXzj3X2OzT+hRANCAAT6/XHMuThIxllFEecdTBd90pOnIKTj
s+7bxntquA0AL71v4AMb0xfyhMgYNKiE9ODC+ULou4Kul+vl1ofCYNko
-----END PRIVATE KEY-----
`;

const sign = (key: Parameters<SignJWT['sign']>[0], alg: string) =>
  new SignJWT({ sub: 'user-1' })
    .setProtectedHeader({ alg })
    .setIssuer(ISS)
    .setAudience(AUD)
    .setExpirationTime('5m')
    .sign(key);

const verifier = (options: object) => createJwtVerifier({ issuer: ISS, audience: AUD, ...options });

function refused(options: object): TypeError {
  try {
    verifier(options);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error('the key was accepted');
}

describe('public keys in every form, imported without node:crypto', () => {
  it('PEM (SPKI), JWK, KeyObject and CryptoKey verify the same ES256 token', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const token = await sign(privateKey, 'ES256');
    const pem = await exportSPKI(publicKey);
    // A PEM read from a file or an environment variable often comes with blank lines around it.
    const forms = [pem, `\n  ${pem}\n\n`, await exportJWK(publicKey), createPublicKey(pem), publicKey];
    for (const key of forms) {
      const { payload } = await verifier({ key, algorithms: ['ES256'] })(token);
      expect(payload.sub).toBe('user-1');
    }
  });

  it('an X.509 certificate in PEM verifies tokens of its key', async () => {
    const token = await sign(await importPKCS8(CERTIFICATE_KEY, 'ES256'), 'ES256');
    expect((await verifier({ key: CERTIFICATE, algorithms: ['ES256'] })(token)).payload.sub).toBe('user-1');
    expect((await verifier({ key: `\r\n${CERTIFICATE}\r\n`, algorithms: ['ES256'] })(token)).payload.sub).toBe(
      'user-1',
    );
  });

  it('an RSA key serves RS256 and PS256 alike, each imported once for its alg', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const verify = verifier({ key: publicKey.export({ type: 'spki', format: 'pem' }), algorithms: ['RS256', 'PS256'] });
    for (const alg of ['RS256', 'PS256', 'RS256']) {
      expect((await verify(await sign(privateKey, alg))).payload.sub, alg).toBe('user-1');
    }
  });

  it('a token whose alg does not fit the key is 401 invalid_token, not a crash (rule 45)', async () => {
    const ec = await generateKeyPair('ES256');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // An RS256 token, against an EC key configured to accept RS256 too.
    const verify = verifier({ key: await exportSPKI(ec.publicKey), algorithms: ['ES256', 'RS256'] });
    const error = await verify(await sign(rsa.privateKey, 'RS256')).catch((e: unknown) => e);
    expect(AuthError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_token', status: 401 });
    // And a CryptoKey, bound to its own alg, refuses another.
    const bound = verifier({ key: ec.publicKey, algorithms: ['ES256', 'RS256'] });
    expect(await bound(await sign(rsa.privateKey, 'RS256')).catch((e: unknown) => e)).toMatchObject({
      code: 'invalid_token',
    });
  });

  it('an HMAC secret, as a string or bytes, for HS256 and HS512', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!';
    const bytes = new TextEncoder().encode(secret);
    for (const key of [secret, bytes]) {
      const verify = verifier({ secret: key, algorithms: ['HS256', 'HS512'] });
      for (const alg of ['HS256', 'HS512']) expect((await verify(await sign(bytes, alg))).payload.sub).toBe('user-1');
    }
  });

  it('a secret given as bytes is copied: changing the array later changes nothing', async () => {
    const bytes = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!');
    const token = await sign(bytes, 'HS256');
    const verify = verifier({ secret: bytes });
    bytes.fill(0);
    expect((await verify(token)).payload.sub).toBe('user-1');
  });
});

describe('anything but a public key is refused at creation, naming "key"', () => {
  it('garbage, a truncated PEM, a PEM whose body is not Base64 or not DER', () => {
    const body = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE';
    for (const key of [
      'not a pem',
      '',
      `-----BEGIN PUBLIC KEY-----\n${body}\n`,
      '-----BEGIN PUBLIC KEY-----\n%%%%\n-----END PUBLIC KEY-----',
      `-----BEGIN PUBLIC KEY-----\n${btoa('plain text, not DER')}\n-----END PUBLIC KEY-----`,
      `-----BEGIN PUBLIC KEY-----\n${body}\n-----END CERTIFICATE-----`,
      '-----BEGIN PUBLIC KEY-----\nab=c\n-----END PUBLIC KEY-----',
      42,
      null,
      [],
    ]) {
      expect(refused({ key }).message, JSON.stringify(key)).toMatch(/"key"/);
    }
  });

  it('private keys in every form: a resource server never holds one', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const nodePair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = await exportJWK(privateKey);
    for (const key of [await exportPKCS8(privateKey), privateJwk, nodePair.privateKey, privateKey, CERTIFICATE_KEY]) {
      expect(refused({ key }).message).toMatch(/"key" must be a public key/);
    }
  });

  it('secret keys and incomplete JWKs', async () => {
    const { createSecretKey } = await import('node:crypto');
    for (const key of [
      createSecretKey(new Uint8Array(32)),
      { kty: 'oct', k: 'c2VjcmV0' },
      { kty: 'RSA', e: 'AQAB' },
      { kty: 'EC', crv: 'P-256', x: 'abc' },
      { kty: 'OKP' },
      { kty: 'toString' },
      { kty: ['RSA'], n: 'sXch', e: 'AQAB' },
      { kty: 'RSA', n: 5, e: 'AQAB' },
      { kty: 'RSA', n: '', e: 'AQAB' },
      {},
    ]) {
      expect(refused({ key }).message, JSON.stringify(key)).toMatch(/"key"/);
    }
  });
});

describe('a JWK is a public signature key by the same allow-list as a JWKS key (keys/public-jwk.ts)', () => {
  /** 1,024 bits: a modulus RFC 7518 §3.3 forbids, and rule 68's lower bound refuses. */
  const rsa1024 = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });

  it('refuses, naming "key": encryption keys, wrong algorithms, curves that cannot sign, RSA outside its bounds', async () => {
    const ec = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
    const rsa = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey);
    const x25519 = await exportJWK((await generateKeyPair('ECDH-ES', { crv: 'X25519', extractable: true })).publicKey);
    for (const key of [
      { ...ec, use: 'enc' },
      { ...ec, key_ops: ['encrypt'] },
      { ...ec, key_ops: 'verify' },
      { ...ec, alg: 'HS256' },
      { ...ec, alg: 'RS256' },
      { ...ec, crv: 'P-192' },
      { ...ec, x: 'A'.repeat(100_000) },
      { ...ec, kid: 42 },
      { ...ec, oth: [] },
      x25519,
      { kty: 'constructor' },
      rsa1024(),
      { ...rsa, e: 'Aw' },
      { ...rsa, n: 'A'.repeat(100_000) },
    ]) {
      expect(refused({ key }).message, JSON.stringify(key).slice(0, 80)).toMatch(/"key" must be a public key/);
    }
  });

  it('a 1,024-bit RSA KeyObject and an X25519 KeyObject are refused alike', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const x25519 = generateKeyPairSync('x25519').publicKey;
    for (const key of [small, x25519]) expect(refused({ key }).message).toMatch(/"key" must be a public key/);
  });

  it('a JWK with its metadata (kid, alg, use sig, key_ops verify, x5c) verifies; only the bare key is imported', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256', use: 'sig', key_ops: ['verify'], x5c: [] };
    const { payload } = await verifier({ key: jwk, algorithms: ['ES256'] })(await sign(privateKey, 'ES256'));
    expect(payload.sub).toBe('user-1');
  });
});
