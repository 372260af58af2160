/**
 * DPoP proof verification (RFC 9449 §4.3): one `DPoP` field line holding one
 * JWT, typed `dpop+jwt`, signed with an allow-listed asymmetric algorithm by
 * the public key in its own `jwk` header, for this method and URI, recent,
 * bound to the access token (`ath`) and to the token's key (`cnf.jkt`).
 * Every failure is 401 `invalid_dpop_proof`; nothing from the proof is echoed.
 * The cheap checks come first: the algorithm, the RSA key size and the key's
 * thumbprint are checked before the key is imported or the signature checked.
 */
import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { safeEqual } from '../credentials/compare.js';
import { type AuthError, invalidDpopProof } from '../errors/errors.js';
import { bareJwk, hasOnlyPublicMembers, jwkShapeRefusal } from '../keys/public-jwk.js';
import { rsaBoundsRefusal } from '../keys/rsa-limits.js';
import { normalizeHtu } from './htu.js';

export interface ProofRequest {
  /** Every `DPoP` field line of the request. */
  readonly lines: readonly string[] | undefined;
  readonly method: string;
  /** The request's external URI, normalised (htu.ts); `undefined` when it cannot be known. */
  readonly uri: string | undefined;
  /** The request path has dot segments or backslashes: no proof matches it (htu.ts, rule 72). */
  readonly dotSegments: boolean;
  readonly accessToken: string;
}

export interface ProofPolicy {
  readonly algorithms: readonly string[];
  /** Seconds a proof's `iat` may lie before or after now. */
  readonly window: number;
}

export interface VerifiedProof {
  /** The proof key's JWK SHA-256 thumbprint (RFC 7638). */
  readonly jkt: string;
  readonly jti: string;
  readonly iat: number;
  readonly htm: string;
  readonly htu: string;
  readonly nonce: unknown;
}

export const MAX_PROOF_LENGTH = 8192;
export const MAX_JTI_LENGTH = 256;

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

/** A proof key whose thumbprint is the token's `cnf.jkt`, and its import, started once it was needed. */
interface BoundKey {
  readonly jkt: string;
  key: Promise<ImportedKey> | undefined;
}

/**
 * Bound proof keys, by algorithm and public members: a client signs every
 * proof with the same key, and importing a JWK into WebCrypto costs three
 * times the signature check. Only a key that matched a token's `cnf.jkt` is
 * kept, so foreign keys cannot churn it. A cache only: dropping its oldest
 * entry is harmless.
 */
const boundKeys = new Map<string, BoundKey>();
const MAX_BOUND_KEYS = 1000;

const WRONG_KEY = 'The DPoP proof key is not the key the access token is bound to';

/**
 * The proof key, once its RFC 7638 thumbprint (a SHA-256 over its public
 * members: cheap) equals the token's `cnf.jkt`: a key that is not the token's
 * costs no import and no signature check (docs/conformance.md rule 73).
 */
async function boundKey(jwk: JWK, alg: string, expectedJkt: string): Promise<BoundKey> {
  const bare = bareJwk(jwk);
  const id = JSON.stringify([alg, ...Object.values(bare)]);
  const cached = boundKeys.get(id);
  if (cached !== undefined) {
    if (!safeEqual(cached.jkt, expectedJkt)) throw refuse(WRONG_KEY);
    return cached;
  }
  let jkt: string;
  try {
    jkt = await calculateJwkThumbprint(bare, 'sha256');
  } catch (error) {
    throw refuse('The DPoP proof key must be a public JWK and nothing else', error);
  }
  if (!safeEqual(jkt, expectedJkt)) throw refuse(WRONG_KEY);
  const entry: BoundKey = { jkt, key: undefined };
  if (boundKeys.size >= MAX_BOUND_KEYS) boundKeys.delete(boundKeys.keys().next().value as string);
  boundKeys.set(id, entry);
  return entry;
}

/** jose's key resolver for the proof's own `jwk`: imported once per bound key; a key that does not import is not kept. */
function embeddedKey(entry: BoundKey, jwk: JWK, alg: string): () => Promise<ImportedKey> {
  return async () => {
    if (entry.key === undefined) {
      const importing = importJWK(bareJwk(jwk), alg);
      entry.key = importing;
      importing.catch(() => {
        entry.key = undefined;
      });
    }
    const key = await entry.key;
    // RFC 9449 §4.3: the key must be public (jwkShapeRefusal already refused private members).
    if (typeof key === 'object' && 'type' in key && key.type !== 'public') throw new TypeError('not a public key');
    return key;
  };
}

function refuse(detail: string, cause?: unknown): AuthError {
  return invalidDpopProof({ detail, cause });
}

/**
 * A `jwk` header holding a public signature key (public-jwk.ts) and nothing else: no member outside its
 * key type's and the metadata. The RSA bounds are checked later, after the algorithm.
 */
function isPublicJwk(jwk: unknown): jwk is JWK {
  return jwkShapeRefusal(jwk) === undefined && hasOnlyPublicMembers(jwk as JWK);
}

/** The one proof JWT of the request; two field lines, or two values joined by a comma, are refused. */
function oneProof(lines: readonly string[] | undefined): string {
  // A compact JWT has no comma: one is a second field joined to the first (Node, Fetch), refused alike.
  const values = (lines ?? [])
    .flatMap((line) => line.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
  if (values.length === 0) throw refuse('A DPoP proof is required');
  if (values.length > 1) throw refuse('The request has more than one DPoP header field');
  const proof = values[0] as string;
  if (proof.length > MAX_PROOF_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(proof)) {
    throw refuse('The DPoP proof is not a single compact JWT');
  }
  return proof;
}

/** base64url(SHA-256(token)): the `ath` a proof for this token must carry. */
export async function accessTokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

export async function verifyProof(
  request: ProofRequest,
  policy: ProofPolicy,
  expectedJkt: string,
  now: number = Date.now(),
): Promise<VerifiedProof> {
  const proof = oneProof(request.lines);
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch (error) {
    throw refuse('The DPoP proof is malformed', error);
  }
  if (!isPublicJwk(header.jwk)) throw refuse('The DPoP proof key must be a public JWK and nothing else');
  const { jwk, alg } = header;
  // Its own description: "not validly signed" would send a client developer to their key, not their algorithm.
  if (typeof alg !== 'string' || !policy.algorithms.includes(alg)) {
    throw refuse('The DPoP proof algorithm is not accepted');
  }
  // Before anything costs: a 16,384-bit modulus or a large exponent buys expensive work with a cheap request.
  if (rsaBoundsRefusal(jwk) !== undefined) {
    throw refuse('The DPoP proof key must be an RSA key of 2048 to 4096 bits with exponent 65537');
  }
  const entry = await boundKey(jwk, alg, expectedJkt);
  // Hashed while the signature is checked: each WebCrypto call is a trip to the thread pool.
  const expectedAth = accessTokenHash(request.accessToken);
  expectedAth.catch(() => {});
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(proof, embeddedKey(entry, jwk, alg), { typ: 'dpop+jwt', algorithms: [alg] }));
  } catch (error) {
    throw refuse('The DPoP proof is not validly signed, or not of type dpop+jwt', error);
  }
  const { htm, htu, iat, jti, ath } = payload as JWTPayload & { htm?: unknown; htu?: unknown; ath?: unknown };
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw refuse('The DPoP proof needs a jti of at most 256 characters');
  }
  if (htm !== request.method) throw refuse('The DPoP proof is for another HTTP method');
  if (request.dotSegments) {
    throw refuse('The request path has dot segments or backslashes, which no DPoP proof can be matched with');
  }
  // RFC 9449 §4.3: compared without query and fragment (normalizeHtu drops them).
  const proofUri = typeof htu === 'string' ? normalizeHtu(htu) : undefined;
  if (proofUri === undefined || request.uri === undefined || proofUri !== request.uri) {
    throw refuse('The DPoP proof is for another URI');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat) || Math.abs(now / 1000 - iat) > policy.window) {
    throw refuse('The DPoP proof was not issued within the accepted time window');
  }
  if (typeof ath !== 'string' || !safeEqual(ath, await expectedAth)) {
    throw refuse('The DPoP proof is not bound to this access token');
  }
  return { jkt: entry.jkt, jti, iat, htm, htu: proofUri, nonce: (payload as { nonce?: unknown }).nonce };
}
