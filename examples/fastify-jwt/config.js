// Configuration from the environment, checked before anything starts.
//
// Demo mode (an in-memory key pair, and GET /demo/token minting tokens) runs
// only when asked for with DEMO=1, and only where NODE_ENV is unset,
// development or test: a missing or misspelt variable, or a server whose
// NODE_ENV says anything else (production, staging, prod...), must stop the
// start, not leave a copied example minting tokens. An empty variable counts
// as unset. Every error names the environment variable to fix, and never
// prints a value that may hold a secret.
export const DEMO_ISSUER = 'https://issuer.demo.invalid';
export const DEMO_AUDIENCE = 'https://orders.demo.invalid';

/** The NODE_ENV values (trimmed, any case) of a developer's machine; every other value counts as production. */
const DEVELOPMENT = ['', 'development', 'test'];

/** A configuration mistake: the message names the variable; server.js prints it without a stack trace. */
export class ConfigError extends Error {
  name = 'ConfigError';
}

/** The variable's value, or undefined when it is unset or blank. */
function read(env, name) {
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function required(env, name, why) {
  return read(env, name) ?? fail(`${name} is not set: ${why}`);
}

/** @returns {never} */
function fail(message) {
  throw new ConfigError(message);
}

function productionLike(env) {
  return !DEVELOPMENT.includes((read(env, 'NODE_ENV') ?? '').trim().toLowerCase());
}

/** Loopback as new URL() writes the host: an http URL to it never leaves this machine. */
function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * An http(s) URL without user info, and https unless it is loopback: over
 * plain http to another host, anyone on the network path can read and change
 * what travels (for JWKS_URL: the keys this server trusts; for PUBLIC_URL: the
 * tokens clients send). User info is a secret in a URL, and fetch refuses it.
 */
function secureUrl(value, name) {
  let url;
  try {
    url = new URL(value);
  } catch {
    fail(`${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`${name} must be an absolute http(s) URL`);
  if (url.username !== '' || url.password !== '') fail(`${name} must not include a user name or password`);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    fail(`${name} must be an https URL (http only for localhost)`);
  }
  return url;
}

function jwksUrlFromEnv(env) {
  const value = required(
    env,
    'JWKS_URL',
    "set it to your identity provider's JWKS URL (and JWT_ISSUER, JWT_AUDIENCE), or set DEMO=1 to try the example with in-memory keys",
  );
  secureUrl(value, 'JWKS_URL');
  return value;
}

/** Optional whole seconds, as the milliseconds jwtAuth's `jwks` options take. */
function seconds(env, name) {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const ms = Number(value.trim()) * 1000;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms)) {
    fail(`${name} must be a whole number of seconds (0 or more)`);
  }
  return ms;
}

/**
 * DPoP (RFC 9449): DPOP=off (default), allowed (Bearer and DPoP) or required;
 * DPOP_NONCE=on makes the server require its own nonces, signed with
 * DPOP_NONCE_SECRETS (comma-separated, the first signs, all verify: every
 * instance needs the same list) or, when unset, a random secret of this process.
 */
function dpopFromEnv(env) {
  const mode = read(env, 'DPOP') ?? 'off';
  if (!['off', 'allowed', 'required'].includes(mode)) fail('DPOP must be off, allowed or required');
  const nonce = read(env, 'DPOP_NONCE') ?? 'off';
  if (nonce !== 'on' && nonce !== 'off') fail('DPOP_NONCE must be on or off');
  if (mode === 'off') {
    if (nonce === 'on') fail('DPOP_NONCE=on needs DPOP=allowed or DPOP=required');
    return undefined;
  }
  if (nonce === 'off') return { mode };
  const listed = read(env, 'DPOP_NONCE_SECRETS')
    ?.split(',')
    .map((s) => s.trim());
  if (listed?.some((s) => new TextEncoder().encode(s).byteLength < 32)) {
    fail('DPOP_NONCE_SECRETS must list secrets of at least 32 bytes each, comma-separated');
  }
  const secrets = listed ?? [crypto.getRandomValues(new Uint8Array(32))];
  return { mode, nonce: { secrets } };
}

/**
 * PUBLIC_URL: the origin clients use (https://api.example), which a DPoP
 * proof's htu must name. Without it the origin is the request's own, from the
 * Host header the client sends, so a proof made for another host is accepted:
 * DPoP outside development needs it.
 */
function publicUrlFromEnv(env, dpop) {
  const value = read(env, 'PUBLIC_URL');
  if (value === undefined) {
    if (dpop !== undefined && productionLike(env)) {
      fail(
        'PUBLIC_URL is not set: with DPOP on and NODE_ENV other than development or test, set it to the origin clients use (e.g. https://api.example), or DPoP proofs are checked against the Host header the client sends',
      );
    }
    return undefined;
  }
  const url = secureUrl(value, 'PUBLIC_URL');
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    fail('PUBLIC_URL must be an origin, such as https://api.example: no path, query or fragment');
  }
  return url.origin;
}

/**
 * REDIS_URL: the DPoP replay store every instance shares (redis:// or
 * rediss:// for TLS), so that a proof used at one instance is refused at all
 * the others. Without DPoP it would protect nothing: refused, like
 * DPOP_NONCE=on, so that a misspelt DPOP does not pass unnoticed. Never
 * printed: it may hold a password.
 */
function redisUrlFromEnv(env, dpop) {
  const value = read(env, 'REDIS_URL');
  if (value === undefined) return undefined;
  if (dpop === undefined) fail('REDIS_URL needs DPOP=allowed or DPOP=required: it holds the DPoP replay store only');
  if (!isRedisUrl(value)) {
    fail('REDIS_URL must be a redis:// or rediss:// URL with a host, such as redis://redis.internal:6379');
  }
  return value;
}

/** A redis:// or rediss:// URL that names a host: without one, ioredis would quietly connect to localhost. */
function isRedisUrl(value) {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function demoRequested(env) {
  const demo = read(env, 'DEMO');
  if (demo === undefined || demo === '0') return false;
  if (demo !== '1') fail('DEMO must be 1 (demo mode) or unset');
  if (productionLike(env)) {
    fail('DEMO=1 needs NODE_ENV unset, development or test: demo mode mints tokens that this server accepts');
  }
  if (read(env, 'JWKS_URL') !== undefined) fail('DEMO=1 and JWKS_URL are both set: unset one of them');
  return true;
}

/**
 * @typedef {{ mode: 'allowed' | 'required', nonce?: { secrets: (string | Uint8Array)[] } } | undefined} DpopConfig
 * @typedef {{ dpop?: DpopConfig, publicUrl?: string | undefined, redisUrl?: string | undefined }} Deployment
 *   `publicUrl`: PUBLIC_URL's origin, which a DPoP proof's htu must name (unset: the request's own origin);
 *   `redisUrl`: REDIS_URL, the replay store every instance shares (unset: one in this process).
 * @typedef {Deployment & ({ demo: true, issuer: string, audience: string }
 *   | { demo: false, jwksUrl: string, issuer: string, audience: string, jwks: { cacheMaxAge?: number, maxStale?: number } })} Config
 */

/**
 * @param {Record<string, string | undefined>} [env]
 * @returns {Config}
 */
export function configFromEnv(env = process.env) {
  const cacheMaxAge = seconds(env, 'JWKS_CACHE_MAX_AGE');
  const maxStale = seconds(env, 'JWKS_MAX_STALE');
  const dpop = dpopFromEnv(env);
  const demo = demoRequested(env);
  const deployment = { dpop, publicUrl: publicUrlFromEnv(env, dpop), redisUrl: redisUrlFromEnv(env, dpop) };
  // Demo tokens are for the demo issuer and audience only, whatever JWT_ISSUER and JWT_AUDIENCE say.
  if (demo) return { demo: true, issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, ...deployment };
  const jwksUrl = jwksUrlFromEnv(env);
  const issuer = required(env, 'JWT_ISSUER', 'set it to the exact "iss" of your tokens');
  const audience = required(env, 'JWT_AUDIENCE', 'set it to this API\'s identifier, as in the tokens\' "aud"');
  // Only what was set: the key source's own defaults apply to the rest.
  const jwks = {
    ...(cacheMaxAge === undefined ? {} : { cacheMaxAge }),
    ...(maxStale === undefined ? {} : { maxStale }),
  };
  return { demo: false, jwksUrl, issuer, audience, jwks, ...deployment };
}
