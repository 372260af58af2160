/**
 * JWT access-token verification with jose: algorithms pinned, `exp`, `iss` and
 * `aud` required, bounded clock tolerance, optional RFC 9068 profile. Remote
 * keys come from the key source (./key-source.ts), whose resolver is wrapped
 * so that keys that cannot be had (provider down, slow, non-200, not a JWKS)
 * are `auth_unavailable` (503), never `invalid_token`.
 */
import { type CryptoKey, type JWTHeaderParameters, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { bearerRefusal, confirmationOf } from '../credentials/confirmation.js';
import { AuthError, authUnavailable, invalidToken } from '../errors/errors.js';
import { fromJoseCode, TOKEN_SIDE_KEY_ERRORS } from '../errors/jose-errors.js';
import { JWT_VERIFIER_OPTIONS, type JwtSettings } from '../options/jwt-options.js';
import { readOptions } from '../options/read.js';
import { fail } from '../options/validate.js';
import { readProperty } from '../util/safe-read.js';
import { createKeySource, type KeySource, type KeySourceOptions } from './key-source.js';
import { type LocalKeyResolver, type PublicKeyInput, publicKeyResolver, secretResolver } from './local-key.js';
import { ASYMMETRIC_ALGORITHMS } from './public-jwk.js';

const SYMMETRIC = ['HS256', 'HS384', 'HS512'];
const RFC9068_CLAIMS = ['exp', 'iat', 'jti', 'sub', 'client_id'];

export interface JwtVerifierOptions {
  /**
   * URL of the issuer's JWKS: https, or http to a loopback host only (127.0.0.0/8, [::1], localhost), with
   * no user name or password (docs/conformance.md rule 66). Exactly one of `jwksUrl`, `keySource`, `key`
   * and `secret`.
   */
  readonly jwksUrl?: string | URL | undefined;
  /** A key source from `createRemoteKeySource`, shared by every guard given it (one cache, one fetch at a time). */
  readonly keySource?: KeySource | undefined;
  /** A public key: PEM (SPKI or certificate), JWK object, Node KeyObject or CryptoKey (as jose's generateKeyPair gives). */
  readonly key?: PublicKeyInput | undefined;
  /** An HMAC secret of at least 32 bytes (HS256/384/512 only). */
  readonly secret?: string | Uint8Array | undefined;
  /** The exact expected `iss` (no trailing-slash normalization, RFC 9068 §4). */
  readonly issuer: string | readonly string[];
  /** This resource server's identifier: `aud` must contain it. */
  readonly audience: string | readonly string[];
  /** Allowed `alg` values. Default: RS256 and ES256 for keys and JWKS, HS256 for a secret. */
  readonly algorithms?: readonly string[] | undefined;
  /** Leeway for `exp` and `nbf`, an integer number of seconds (0 to 300). Default 30. `iat` is not checked: a token's age is its `exp`. */
  readonly clockTolerance?: number | undefined;
  /** Accepted `typ` header values, compared as media types (`at+jwt` matches `application/AT+JWT`). Default: any. */
  readonly typ?: readonly string[] | undefined;
  /** `rfc9068`: `typ` must be `at+jwt` and iat, jti, sub and client_id are required too. */
  readonly profile?: 'rfc9068' | undefined;
  /** Claims that must be present, beyond `exp`. */
  readonly requiredClaims?: readonly string[] | undefined;
  /**
   * With `jwksUrl`: the key source's options, all durations integer milliseconds (as jose's). `timeoutDuration` (default 5000),
   * `cooldownDuration` (30000), `cacheMaxAge` (600000), `maxStale` (86400000: keys are used for 24 h
   * past their freshness while the provider is down), `staleWaitDuration` (300: how long a request waits
   * for the refetch of an expired set before it is served from that set while the refetch goes on; 0 never
   * waits), `maxResponseBytes`, `maxKeys`, `onEvent`.
   */
  readonly jwks?: KeySourceOptions | undefined;
  /** `Retry-After` seconds for `auth_unavailable`. */
  readonly retryAfter?: number | undefined;
}

export interface VerifiedJwt {
  readonly payload: JWTPayload;
  readonly protectedHeader: JWTHeaderParameters;
}

/** Resolves to the verified token; rejects with the AuthError it fails with. */
export type JwtVerifier = (token: string) => Promise<VerifiedJwt>;

/** Marks an error thrown while fetching keys, so it is not mistaken for a token defect. */
class KeySourceFailure extends Error {
  constructor(cause: unknown) {
    super('key source failed', { cause });
  }
}

function wrapKeySource(getKey: KeySource): JWTVerifyGetKey {
  const mark = (error: unknown) => {
    const code = readProperty(error, 'code');
    if (typeof code === 'string' && TOKEN_SIDE_KEY_ERRORS.has(code)) throw error;
    throw new KeySourceFailure(error);
  };
  // `.catch`, not an async function: one promise fewer per token on the valid-token path.
  return (header, token) => getKey(header, token).catch(mark);
}

function mediaType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/** The key resolver, and whether it holds a configured local key (imported once) rather than a remote JWKS. */
function resolveKey(
  settings: JwtSettings,
  algorithms: readonly string[],
): { resolver: JWTVerifyGetKey; local?: LocalKeyResolver } {
  const { jwksUrl, keySource, key, secret, jwks } = settings;
  const sources = [jwksUrl, keySource, key, secret].filter((v) => v !== undefined);
  if (sources.length !== 1) fail('give exactly one of the options "jwksUrl", "keySource", "key" and "secret"');
  const symmetric = secret !== undefined;
  const allowed = symmetric ? SYMMETRIC : ASYMMETRIC_ALGORITHMS;
  for (const alg of algorithms) {
    if (!allowed.includes(alg)) {
      fail(`option "algorithms": "${alg}" is not allowed with ${symmetric ? 'a secret' : 'a public key or JWKS'}`);
    }
  }
  if (secret !== undefined) {
    const local = secretResolver(secret);
    return { resolver: local as JWTVerifyGetKey, local };
  }
  if (key !== undefined) {
    const local = publicKeyResolver(key);
    return { resolver: local as JWTVerifyGetKey, local };
  }
  if (keySource !== undefined) {
    if (jwks !== undefined)
      fail('option "jwks" does not apply to a "keySource": give its options to createRemoteKeySource()');
    return { resolver: wrapKeySource(keySource) };
  }
  return { resolver: wrapKeySource(createKeySource(jwksUrl, jwks ?? {}, 'jwks.')) };
}

/** Builds a verifier once; options are validated here, with errors that name the bad option. */
export function createJwtVerifier(options: JwtVerifierOptions, { allowBound = false } = {}): JwtVerifier {
  const verify = createJwtVerification(
    readOptions(JWT_VERIFIER_OPTIONS, options),
    { allowBound },
    (verified) => verified,
  );
  return async (token) => {
    const result = await verify(token);
    if (AuthError.is(result)) throw result;
    return result;
  };
}

/**
 * The verifier the JWT guard uses: it resolves to `select` of the verified
 * token (the guard takes the payload), or to the AuthError the token fails
 * with instead of rejecting, so that a bad token costs no second throw and no
 * rejected promise on its way to the response (the guard contract, guards/credentials-guards.ts).
 */
export function createJwtVerification<T>(
  settings: JwtSettings,
  { allowBound = false }: { allowBound?: boolean },
  select: (verified: VerifiedJwt) => T,
): (token: string) => Promise<T | AuthError> {
  const { issuer, audience, algorithms, clockTolerance, profile, retryAfter } = settings;
  const pinned = algorithms ?? (settings.secret !== undefined ? ['HS256'] : ['RS256', 'ES256']);
  const rfc9068 = profile === 'rfc9068';
  const acceptedTypes = (settings.typ ?? (rfc9068 ? ['at+jwt'] : undefined))?.map(mediaType);
  const extraClaims = settings.requiredClaims ?? [];
  const requiredClaims = [...new Set(['exp', ...(rfc9068 ? RFC9068_CLAIMS : []), ...extraClaims])];
  const { resolver, local } = resolveKey(settings, pinned);
  let key: JWTVerifyGetKey | CryptoKey = resolver;
  if (local !== undefined && pinned.length === 1) {
    // One algorithm and a local key: once imported, jose gets the CryptoKey itself and skips a resolver
    // call and an await per token. A key that fails to import keeps the resolver, which reports it per token.
    local({ alg: pinned[0] as string }).then(
      (imported) => {
        key = imported;
      },
      () => {},
    );
  }
  const verifyOptions = { issuer, audience, algorithms: pinned, clockTolerance, requiredClaims };

  return async (token) => {
    let result: VerifiedJwt;
    try {
      result = await jwtVerify(token, key, verifyOptions);
    } catch (error) {
      return toAuthError(error, retryAfter);
    }
    const { payload, protectedHeader } = result;
    if (acceptedTypes !== undefined) {
      const type = protectedHeader.typ;
      if (typeof type !== 'string' || !acceptedTypes.includes(mediaType(type))) {
        return invalidToken({ detail: 'The token is not an access token of an accepted type' });
      }
    }
    // allowBound: a DPoP-accepting guard checks the binding itself (guards/credentials-guards.ts, dpop/policy.ts).
    // Otherwise any cnf makes the token unusable as a bearer token (docs/conformance.md rules 52 and 71).
    const refusal = allowBound ? undefined : bearerRefusal(confirmationOf(payload));
    if (refusal !== undefined) return invalidToken({ detail: refusal });
    return select(result);
  };
}

function toAuthError(error: unknown, retryAfter: number | undefined): AuthError {
  if (error instanceof KeySourceFailure) {
    return authUnavailable({ cause: error.cause, scheme: 'Bearer', retryAfter });
  }
  const code = readProperty(error, 'code');
  if (typeof code === 'string' && code.startsWith('ERR_J')) {
    const mapped = fromJoseCode(code, {
      cause: error,
      claim: readProperty(error, 'claim'),
      reason: readProperty(error, 'reason'),
    });
    // A remote-JWKS-only code outside the wrapped resolver cannot come from a key source here.
    return mapped.code === 'auth_unavailable' ? invalidToken({ cause: error }) : mapped;
  }
  // jose throws plain TypeErrors for some attacker-made tokens: a token defect.
  return invalidToken({ detail: 'The access token is malformed', cause: error });
}
