/**
 * The one key and token factory of the tests: RS256, ES256 and HS256 signers,
 * their public key as PEM, KeyObject or JWK, a JWKS to serve, and the hostile
 * tokens no signer makes (alg "none", HS256 keyed with a public key).
 */
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type JWK, type JWTPayload, SignJWT } from 'jose';

export type SigningAlg = 'RS256' | 'ES256' | 'HS256';

export interface TokenHeader {
  /** Default `JWT`. */
  readonly typ?: string;
  readonly kid?: string;
}

export interface Signer {
  readonly alg: SigningAlg;
  /** What a verifier is given: the public key (RS256, ES256) as PEM, or the shared secret (HS256). */
  readonly verifyKey: string;
  /** The public key as a KeyObject; undefined for HS256. */
  readonly publicKey: KeyObject | undefined;
  /** The public key as a JWK with `kid`, `alg` and `use: "sig"`; undefined for HS256. */
  readonly jwk: JWK | undefined;
  /** Signs exactly `payload` (members set to `undefined` are left out). */
  sign(payload: JWTPayload, header?: TokenHeader): Promise<string>;
}

/** A fresh key pair (or the given shared secret for HS256). */
export function createSigner(alg: SigningAlg, options: { kid?: string; secret?: string } = {}): Signer {
  const kid = options.kid ?? 'k1';
  if (alg === 'HS256') {
    const secret = options.secret ?? 'a-test-secret-that-is-long-enough-0123456789';
    const key = new TextEncoder().encode(secret);
    return {
      alg,
      verifyKey: secret,
      publicKey: undefined,
      jwk: undefined,
      sign: (payload, header = {}) => new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key),
    };
  }
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    alg,
    verifyKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey,
    jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' },
    sign: (payload, header = {}) =>
      new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(privateKey),
  };
}

/** The JWKS document that publishes `signers`' public keys. */
export function jwksOf(...signers: Signer[]): { keys: JWK[] } {
  return { keys: signers.flatMap((signer) => (signer.jwk === undefined ? [] : [signer.jwk])) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** An unsecured JWT (`alg: "none"`, empty signature). */
export function unsecuredToken(payload: JWTPayload, header: TokenHeader = {}): string {
  return `${b64url({ alg: 'none', ...header })}.${b64url(payload)}.`;
}

/** An HS256 token keyed with `key`, e.g. a public key PEM: the algorithm-confusion attack. */
export function hmacToken(key: string, payload: JWTPayload, header: TokenHeader = {}): string {
  const signingInput = `${b64url({ alg: 'HS256', ...header })}.${b64url(payload)}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}
