/**
 * A configured verification key (a public key as PEM, JWK, Node KeyObject or
 * WebCrypto CryptoKey; or an HMAC secret) as a jose key resolver that imports
 * it into WebCrypto once per algorithm: jose would otherwise import a raw
 * secret or a PEM on every verification, a third of a whole HS256 request.
 * The algorithm is allow-listed by jose before the resolver runs, so the cache
 * holds at most one key per allowed alg. Web APIs only: no node:crypto.
 */
import { type CryptoKey, importJWK, importSPKI, importX509, type JWK } from 'jose';
import { decodeBase64Strict } from '../credentials/base64.js';
import { fail } from '../options/validate.js';
import { bareJwk, jwkRefusal } from './public-jwk.js';

/** Node's KeyObject, by the members read here (so that nothing imports node:crypto). */
export interface KeyObjectLike {
  /** `public`, `private` or `secret`. */
  readonly type: string;
  export(options: { format: 'jwk' }): object;
}

/** A public key: PEM (SPKI or certificate), JWK, Node KeyObject or WebCrypto CryptoKey. */
export type PublicKeyInput = string | JWK | KeyObjectLike | CryptoKey;

const NOT_A_PUBLIC_KEY = 'option "key" must be a public key: PEM, JWK, KeyObject or CryptoKey';
const PEM = /^-----BEGIN (PUBLIC KEY|CERTIFICATE)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n-----END \1-----\s*$/;

type Importer = (alg: string) => Promise<CryptoKey>;

function isCryptoKey(key: object): key is CryptoKey {
  return 'algorithm' in key && 'usages' in key && 'extractable' in key;
}

function isKeyObject(key: object): key is KeyObjectLike {
  return typeof (key as Partial<KeyObjectLike>).export === 'function' && 'asymmetricKeyType' in key;
}

/** A PEM public key or certificate, checked now (armor, strict Base64, a DER SEQUENCE) and imported per alg. */
function pemImporter(pem: string): Importer {
  // Trimmed for jose too: it refuses a PEM with blank lines before the armor, which one read from a file or
  // an environment variable often has; checked here and refused there, every token would be invalid_token.
  const armored = pem.trim();
  const match = PEM.exec(armored);
  const der = match === null ? undefined : decodeBase64Strict((match[2] as string).replace(/\r?\n/g, ''));
  if (match === null || der === undefined || der[0] !== 0x30) return fail(NOT_A_PUBLIC_KEY);
  return match[1] === 'CERTIFICATE' ? (alg) => importX509(armored, alg) : (alg) => importSPKI(armored, alg);
}

/** A public JWK, checked now by the allow-list every JWK meets (public-jwk.ts); its bare key imported per alg. */
function jwkImporter(value: object): Importer {
  if (jwkRefusal(value) !== undefined) return fail(NOT_A_PUBLIC_KEY);
  const publicJwk = bareJwk(value as JWK);
  return (alg) => importJWK(publicJwk, alg) as Promise<CryptoKey>;
}

function importerOf(key: unknown): Importer {
  if (typeof key === 'string') return pemImporter(key);
  if (typeof key !== 'object' || key === null) return fail(NOT_A_PUBLIC_KEY);
  if (isCryptoKey(key)) {
    if (key.type !== 'public') fail(NOT_A_PUBLIC_KEY);
    const imported = Promise.resolve(key);
    return () => imported; // bound to its own algorithm: jose refuses a token of another alg
  }
  if (isKeyObject(key)) {
    if (key.type !== 'public') fail(NOT_A_PUBLIC_KEY);
    return jwkImporter(key.export({ format: 'jwk' }));
  }
  return jwkImporter(key);
}

/** Imports once per algorithm: the first verification with an alg imports, the others reuse its promise. */
/** A jose key resolver for a local key: it reads only the header's `alg`. */
export type LocalKeyResolver = (header: { readonly alg: string }) => Promise<CryptoKey>;

function cachedPerAlg(importFor: Importer): LocalKeyResolver {
  const imported = new Map<string, Promise<CryptoKey>>();
  return (header) => {
    let cryptoKey = imported.get(header.alg);
    if (cryptoKey === undefined) {
      cryptoKey = importFor(header.alg);
      imported.set(header.alg, cryptoKey);
    }
    return cryptoKey;
  };
}

/** The resolver for a configured public key; a TypeError naming "key" now when it is not one. */
export function publicKeyResolver(key: unknown): LocalKeyResolver {
  return cachedPerAlg(importerOf(key));
}

/** The resolver for an HMAC secret (HS256, HS384, HS512: the hash follows the alg). */
export function secretResolver(secret: Uint8Array): LocalKeyResolver {
  const bytes = new Uint8Array(secret); // a copy: the caller's array may change later
  return cachedPerAlg((alg) =>
    crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: `SHA-${alg.slice(2)}` }, false, ['verify']),
  );
}
