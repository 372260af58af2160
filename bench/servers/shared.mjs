// Shared by every benchmark server: the keys, issuer and audience the runner
// mints tokens for, the keys as a careful hand-written middleware prepares
// them, and a listen helper that reports the port.
import { createLocalJWKSet, importJWK, SignJWT } from 'jose';

export const SECRET = process.env.BENCH_SECRET ?? 'bench-secret-bench-secret-bench-secret!';
export const ISSUER = 'https://issuer.bench.invalid';
export const AUDIENCE = 'https://api.bench.invalid';
export const secretKey = new TextEncoder().encode(SECRET);

/** A token for this issuer and audience, valid for an hour. */
export const signToken = ({ alg, key, kid, scope = 'read' }) =>
  new SignJWT({ scope })
    .setProtectedHeader(kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

/**
 * The ES256 and RS256 public keys, from the runner (BENCH_KEYS: `{ es256: JWK,
 * rs256: JWKS, jwksUrl }`, the JWKS also served at jwksUrl). Without them a
 * server has its HS256 routes only (the soak test).
 */
const given = process.env.BENCH_KEYS === undefined ? undefined : JSON.parse(process.env.BENCH_KEYS);
export const ALGORITHMS = given === undefined ? ['HS256'] : ['HS256', 'ES256', 'RS256'];
/** The route each algorithm's tokens are sent to; `/scoped` takes HS256 tokens. */
export const ROUTES = { HS256: '/protected', ES256: '/es256', RS256: '/rs256' };
const verifyOptions = (alg) => ({ issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] });

/** An HS256 secret as a WebCrypto key, imported once. */
export const importHmacKey = (secret) =>
  crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);

/**
 * What a careful hand-written jose middleware verifies with, per algorithm,
 * prepared once at start-up: the HS256 secret imported into WebCrypto with
 * crypto.subtle.importKey, the ES256 JWK with importJWK, the RS256 keys from a
 * JWKS with createLocalJWKSet.
 * `perRequest` gives HS256 the raw secret instead, which jose imports into
 * WebCrypto on every call: the common mistake, measured as its own variant.
 */
export async function handKeys({ perRequest = false } = {}) {
  const keys = {
    // Not importJWK: for an `oct` JWK it returns the raw bytes, which jose would import on every call.
    HS256: perRequest ? secretKey : await importHmacKey(secretKey),
  };
  if (given !== undefined && !perRequest) {
    keys.ES256 = await importJWK(given.es256, 'ES256');
    keys.RS256 = createLocalJWKSet(given.rs256);
  }
  return Object.fromEntries(Object.entries(keys).map(([alg, key]) => [alg, { key, options: verifyOptions(alg) }]));
}

/** jwtAuth's options per algorithm: the secret, the ES256 public JWK, the RS256 JWKS by URL. */
export function authErrorsOptions(alg) {
  const source = { HS256: { secret: SECRET }, ES256: { key: given?.es256 }, RS256: { jwksUrl: given?.jwksUrl } }[alg];
  return { ...source, ...verifyOptions(alg) };
}

/** Listens on 127.0.0.1 and an ephemeral port; prints `ready <port>` for the runner. */
export function listen(server) {
  server.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
  // Exit cleanly on SIGINT so that `node --cpu-prof` writes its profile.
  process.on('SIGINT', () => process.exit(0));
  // Runners ask over IPC: the soak test for memory after a full GC (with
  // --expose-gc), the benchmark for the CPU time used so far.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
    if (message !== 'memory') return;
    globalThis.gc?.();
    process.send?.({ memory: process.memoryUsage() });
  });
}

export const CHALLENGE = 'Bearer realm="api"';
export const INVALID_TOKEN =
  'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"';
export const INSUFFICIENT_SCOPE = 'Bearer realm="api", error="insufficient_scope", scope="write"';
