// Configuration from the environment, checked before anything starts.
//
// The MCP endpoint's URL is its identity: it is the RFC 9728 `resource`, and
// the audience every token must carry (RFC 8707). It is PUBLIC_URL + "/mcp",
// or http://HOST:PORT/mcp on a loopback HOST. Behind a proxy the server cannot
// know the URL clients use, so any other HOST needs PUBLIC_URL.
//
// Demo mode (an in-memory authorization server minting tokens) runs only when
// asked for with DEMO=1, and only where NODE_ENV is unset, development or
// test: a missing or misspelt variable, or a server whose NODE_ENV says
// anything else (production, staging, prod...), must stop the start, not leave
// a copied example minting tokens. An empty variable counts as unset. Every
// error names the variable, and never prints a value that may hold a secret.

/** A configuration mistake: the message names the variable; server.js prints it without a stack trace. */
export class ConfigError extends Error {
  name = 'ConfigError';
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
/** The NODE_ENV values (trimmed, any case) of a developer's machine; every other value counts as production. */
const DEVELOPMENT = ['', 'development', 'test'];

/** The variable's value, or undefined when it is unset or blank. */
function read(env, name) {
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
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
function secureUrl(env, name) {
  const value = read(env, name);
  if (value === undefined) return undefined;
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

/** PUBLIC_URL as new URL() writes it, without its trailing slash: "/mcp" is appended to it. */
function publicUrl(env) {
  const url = secureUrl(env, 'PUBLIC_URL');
  if (url === undefined) return undefined;
  if (url.search !== '' || url.hash !== '') fail('PUBLIC_URL must have no query or fragment');
  return url.href.replace(/\/$/, '');
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
 * @typedef {{ host: string, publicUrl: string | undefined, dpop?: DpopConfig, redisUrl?: string | undefined }} Deployment
 *   `redisUrl`: REDIS_URL, the DPoP replay store every instance shares (unset: one in this process).
 * @typedef {Deployment & ({ demo: true } | { demo: false, jwksUrl: string, issuer: string })} Config
 */

/**
 * @param {Record<string, string | undefined>} [env]
 * @returns {Config}
 */
export function configFromEnv(env = process.env) {
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const url = publicUrl(env);
  if (url === undefined && !LOOPBACK.includes(host)) {
    fail(
      `PUBLIC_URL is not set: with HOST=${host} clients reach this server at a URL it cannot know; set PUBLIC_URL to it (https), e.g. https://mcp.example.com`,
    );
  }
  const dpop = dpopFromEnv(env);
  const deployment = { host, publicUrl: url, dpop, redisUrl: redisUrlFromEnv(env, dpop) };
  if (demoRequested(env)) return { demo: true, ...deployment };
  const jwksUrl = secureUrl(env, 'JWKS_URL');
  if (jwksUrl === undefined) {
    fail(
      "JWKS_URL is not set: set it to your authorization server's JWKS URL (and JWT_ISSUER), or set DEMO=1 to try the example with its demo authorization server",
    );
  }
  const issuer =
    read(env, 'JWT_ISSUER') ??
    fail('JWT_ISSUER is not set: set it to the exact "iss" of your tokens, the issuer of your authorization server');
  return { demo: false, ...deployment, jwksUrl: jwksUrl.href, issuer };
}

/** The server's base URL: PUBLIC_URL, or the address it listens on (a loopback one, checked above). */
export function baseUrl(config, port) {
  if (config.publicUrl !== undefined) return config.publicUrl;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}
