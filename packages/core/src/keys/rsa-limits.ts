/**
 * The RSA keys this library verifies with, from a JWKS or in a DPoP proof:
 * a modulus of 2048 to 4096 bits and the public exponent 65537. The cost of
 * one RSA verification grows with the modulus (a 16,384-bit key costs about
 * 60 times a 2048-bit one) and with the exponent, so a key outside these
 * bounds lets whoever chose it buy expensive work with a cheap request;
 * no identity provider or DPoP client needs more (RFC 7518 §3.3 asks for
 * 2048 bits or more; 65537 is what every mainstream key generator uses).
 */
import { base64url } from 'jose';

export const MIN_RSA_MODULUS_BITS = 2048;
export const MAX_RSA_MODULUS_BITS = 4096;
/** 65537 as a JWK `e` (RFC 7518 §6.3.1.2: base64url of the big-endian bytes 01 00 01, no leading zero). */
export const E_65537 = 'AQAB';
/** Longest base64url text of a modulus within the bound: 512 bytes is 683 characters; refused before decoding. */
const MAX_N_LENGTH = Math.ceil((MAX_RSA_MODULUS_BITS / 8) * (4 / 3)) + 1;

/** The bit length of a JWK `n` (RFC 7518 §6.3.1.1), or `undefined` when it is not base64url. */
export function rsaModulusBits(n: string): number | undefined {
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(n);
  } catch {
    return undefined;
  }
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
}

/** Whether an RSA JWK's `n` and `e` are within the bounds above. */
export function isAcceptedRsaKey(jwk: { readonly n?: unknown; readonly e?: unknown }): boolean {
  if (jwk.e !== E_65537 || typeof jwk.n !== 'string' || jwk.n.length > MAX_N_LENGTH) return false;
  const bits = rsaModulusBits(jwk.n);
  return bits !== undefined && bits >= MIN_RSA_MODULUS_BITS && bits <= MAX_RSA_MODULUS_BITS;
}

/**
 * docs/conformance.md rule 68: why an RSA JWK is outside the bounds, named by what is out of them (a modulus
 * that is not base64url is malformed), or `undefined` for a key within them and for any other key type.
 */
export function rsaBoundsRefusal(
  jwk: { readonly kty?: unknown; readonly n?: unknown; readonly e?: unknown } | null,
): 'invalid_key' | 'key_size' | 'key_exponent' | undefined {
  if (jwk?.kty !== 'RSA' || isAcceptedRsaKey(jwk)) return undefined;
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return 'invalid_key';
  if (jwk.n.length <= MAX_N_LENGTH && rsaModulusBits(jwk.n) === undefined) return 'invalid_key';
  return jwk.e === E_65537 ? 'key_size' : 'key_exponent';
}
