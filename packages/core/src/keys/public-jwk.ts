/**
 * The one answer to "is this a public JWK we verify with?", for a key of a
 * fetched JWKS, a configured key and a DPoP proof's `jwk` alike. An
 * allow-list: the key types, the signature curves with their coordinate
 * lengths, the algorithms each one serves; anything not named here is
 * refused, with the reason the key source reports (`DroppedKeyReason`). RSA
 * bounds are rsa-limits.ts's. Only the bare key (bareJwk) is ever imported,
 * so members that nothing reads (`x5c`, `x5u`, a provider's own) cannot reach
 * WebCrypto. Web APIs only.
 */
import type { JWK } from 'jose';
import { rsaBoundsRefusal } from './rsa-limits.js';

/** The JWS algorithms a public key may serve: asymmetric only, never `none` or HMAC. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** Why a JWK is not a public signature key we accept. */
export type JwkRefusal =
  | 'not_a_key'
  | 'symmetric_key'
  | 'key_type'
  | 'private_key'
  | 'use'
  | 'key_ops'
  | 'algorithm'
  | 'invalid_key'
  | 'key_size'
  | 'key_exponent';

interface Curve {
  readonly kty: 'EC' | 'OKP';
  /** The JWS algorithms of the curve: RFC 7518 §3.4, RFC 8037 §3.1, RFC 9864 §2.2. */
  readonly algorithms: readonly string[];
  /** A coordinate's length in base64url characters: the full size of the curve's field (RFC 7518 §6.2.1.2). */
  readonly length: number;
  readonly webCrypto: { readonly name: string; readonly namedCurve?: string };
}

/** The signature curves. X25519 and X448 (RFC 8037 §3.2) are for key agreement: they cannot verify. */
const CURVES = new Map<string, Curve>([
  ['P-256', { kty: 'EC', algorithms: ['ES256'], length: 43, webCrypto: { name: 'ECDSA', namedCurve: 'P-256' } }],
  ['P-384', { kty: 'EC', algorithms: ['ES384'], length: 64, webCrypto: { name: 'ECDSA', namedCurve: 'P-384' } }],
  ['P-521', { kty: 'EC', algorithms: ['ES512'], length: 88, webCrypto: { name: 'ECDSA', namedCurve: 'P-521' } }],
  ['Ed25519', { kty: 'OKP', algorithms: ['EdDSA', 'Ed25519'], length: 43, webCrypto: { name: 'Ed25519' } }],
  ['Ed448', { kty: 'OKP', algorithms: ['EdDSA'], length: 76, webCrypto: { name: 'Ed448' } }],
]);
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

/** The public members of each key type (RFC 7518 §6, RFC 8037 §2): what a thumbprint hashes (RFC 7638 §3.2). */
const PUBLIC_MEMBERS = new Map<string, readonly string[]>([
  ['RSA', ['n', 'e']],
  ['EC', ['crv', 'x', 'y']],
  ['OKP', ['crv', 'x']],
]);
/** RFC 7518 §6.2.2, §6.3.2, RFC 8037 §2: members only a private key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
/** Members a JWK set or WebCrypto adds to a key (RFC 7517 §4, WebCrypto's `ext`). */
const METADATA = ['kty', 'alg', 'kid', 'use', 'key_ops', 'ext'];
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Why `value` is not a public signature key, or `undefined` when it is one. The reasons come in a fixed order,
 * the first that applies: a private key with `use: "enc"` is `private_key`.
 */
export function jwkRefusal(value: unknown): JwkRefusal | undefined {
  return jwkShapeRefusal(value) ?? rsaBoundsRefusal(value as Record<string, unknown>);
}

/** Everything but the RSA bounds, which a DPoP proof checks after its algorithm. */
export function jwkShapeRefusal(value: unknown): JwkRefusal | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not_a_key';
  const key = value as Record<string, unknown>;
  if (key.kty === 'oct' || 'k' in key) return 'symmetric_key';
  if (typeof key.kty !== 'string' || !PUBLIC_MEMBERS.has(key.kty)) return 'key_type';
  if (PRIVATE_MEMBERS.some((member) => member in key)) return 'private_key';
  // RFC 7517 §4.2, §4.3: a key for encryption, or whose operations do not include verifying, is not ours.
  if (key.use !== undefined && key.use !== 'sig') return 'use';
  if (key.key_ops !== undefined && !verifies(key.key_ops)) return 'key_ops';
  if (key.alg !== undefined && !ASYMMETRIC_ALGORITHMS.includes(key.alg as string)) return 'algorithm';
  if (key.kid !== undefined && typeof key.kid !== 'string') return 'invalid_key';
  if (key.ext !== undefined && typeof key.ext !== 'boolean') return 'invalid_key';
  if (key.kty === 'RSA') return rsaShapeRefusal(key);
  const curve = typeof key.crv === 'string' ? CURVES.get(key.crv) : undefined;
  if (curve === undefined || curve.kty !== key.kty) return 'invalid_key';
  const coordinates = key.kty === 'EC' ? [key.x, key.y] : [key.x];
  if (!coordinates.every((c) => typeof c === 'string' && c.length === curve.length && BASE64URL.test(c))) {
    return 'invalid_key';
  }
  return key.alg === undefined || curve.algorithms.includes(key.alg as string) ? undefined : 'algorithm';
}

function verifies(keyOps: unknown): boolean {
  return Array.isArray(keyOps) && keyOps.every((op) => typeof op === 'string') && keyOps.includes('verify');
}

/** `n` and `e` are strings; whether they are base64url, and within bounds, is rsaBoundsRefusal's. */
function rsaShapeRefusal(key: Record<string, unknown>): JwkRefusal | undefined {
  if (typeof key.n !== 'string' || typeof key.e !== 'string') return 'invalid_key';
  return key.alg === undefined || RSA_ALGORITHMS.includes(key.alg as string) ? undefined : 'algorithm';
}

/** The `kty` and public members of a key jwkShapeRefusal accepted: all that a thumbprint or an import reads. */
export function bareJwk(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS.get(jwk.kty as string) ?? [];
  const bare: Record<string, unknown> = { kty: jwk.kty };
  for (const name of members) bare[name] = (jwk as Record<string, unknown>)[name];
  return bare as JWK;
}

/** A DPoP proof's `jwk` carries its key and nothing else (RFC 9449 §4.2): no member outside its type's and METADATA. */
export function hasOnlyPublicMembers(jwk: JWK): boolean {
  const members = PUBLIC_MEMBERS.get(jwk.kty as string) ?? [];
  return Object.keys(jwk).every((name) => members.includes(name) || METADATA.includes(name));
}

/**
 * Imports the bare key (no `alg`, `use` or `key_ops`) into WebCrypto, which checks what the shape cannot: an
 * RSA modulus and exponent, an EC point on its curve, an EdDSA key. For keys jwkRefusal accepted.
 */
export async function verifiesInWebCrypto(jwk: JWK): Promise<boolean> {
  const algorithm =
    jwk.kty === 'RSA' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : CURVES.get(jwk.crv as string)?.webCrypto;
  try {
    await crypto.subtle.importKey('jwk', bareJwk(jwk) as never, algorithm as never, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}
