/**
 * Configuration fails closed: demo mode only with DEMO=1 and only with
 * NODE_ENV unset, development or test (anything else counts as production);
 * no guessed public URL on a non-loopback HOST; every mistake stops the start
 * with an error naming the variable to fix.
 */
import { describe, expect, it } from 'vitest';
import { baseUrl, ConfigError, configFromEnv } from '../config.js';
import { runUntilExit } from './support.js';

const AS = { JWKS_URL: 'https://as.example/jwks.json', JWT_ISSUER: 'https://as.example' };
/** https anywhere; plain http only where it never leaves this machine (127.0.0.0/8, ::1, localhost). */
const SECURE_JWKS_URLS = [
  'https://idp.example/.well-known/jwks.json',
  'HTTPS://IDP.example:8443/jwks',
  'http://127.0.0.1:8080/jwks.json',
  'http://127.10.20.30/jwks.json',
  'http://localhost:4000/jwks.json',
  'http://LocalHost/jwks.json',
  'http://[::1]:8080/jwks.json',
  'http://[0:0:0:0:0:0:0:1]/jwks.json',
];
const HTTPS_ONLY = 'JWKS_URL must be an https URL (http only for localhost)';
const NO_USER_INFO = 'JWKS_URL must not include a user name or password';
const NOT_HTTP = 'JWKS_URL must be an absolute http(s) URL';
/** Plain http to another host (look-alikes of loopback included), user info, other schemes, no URL at all. */
const HOSTILE_JWKS_URLS = [
  ['http://idp.example/.well-known/jwks.json', HTTPS_ONLY],
  ['http://127.0.0.1.evil.example/jwks.json', HTTPS_ONLY],
  ['http://localhost.evil/jwks.json', HTTPS_ONLY],
  ['http://localhost./jwks.json', HTTPS_ONLY],
  ['http://127.evil/jwks.json', HTTPS_ONLY],
  ['http://evil.example#@127.0.0.1/jwks.json', HTTPS_ONLY],
  ['http://evil.example\\@127.0.0.1/jwks.json', HTTPS_ONLY],
  ['http://[::ffff:127.0.0.1]/jwks.json', HTTPS_ONLY],
  ['http://0.0.0.0/jwks.json', HTTPS_ONLY],
  ['http://10.0.0.5/jwks.json', HTTPS_ONLY],
  ['http://169.254.169.254/jwks.json', HTTPS_ONLY],
  ['http://user:pw@id.example/jwks.json', NO_USER_INFO],
  ['http://127.0.0.1@evil.example/jwks.json', NO_USER_INFO],
  ['http://user:pw@127.0.0.1/jwks.json', NO_USER_INFO],
  ['https://user:s3cret@id.example/jwks.json', NO_USER_INFO],
  ['https://user@id.example/jwks.json', NO_USER_INFO],
  ['ftp://idp.example/jwks.json', NOT_HTTP],
  ['file:///etc/jwks.json', NOT_HTTP],
  ['javascript:alert(1)', NOT_HTTP],
  ['//idp.example/jwks.json', NOT_HTTP],
] as const;

/** Where demo mode may run: NODE_ENV unset, blank, development or test, trimmed and in any case. */
const DEVELOPMENT_NODE_ENV = [undefined, '', '  ', 'development', 'Development', 'test', 'TEST', ' test '];
/** Every other value is a production-like server: the spellings that used to start demo mode, and look-alikes. */
const PRODUCTION_NODE_ENV = [
  ...['production', 'Production', 'PRODUCTION', ' production', 'production ', 'prod', 'staging'],
  ...['dev', 'develop', 'testing', 'development-eu', 'qa', 'live'],
];
const REDIS_URL_INVALID =
  'REDIS_URL must be a redis:// or rediss:// URL with a host, such as redis://redis.internal:6379';
const DEMO_REFUSED =
  'DEMO=1 needs NODE_ENV unset, development or test: demo mode mints tokens that this server accepts';

describe('configFromEnv', () => {
  it('reads the authorization server from JWKS_URL and JWT_ISSUER; the base URL is the loopback address', () => {
    const config = configFromEnv(AS);
    expect(config).toEqual({
      demo: false,
      host: '127.0.0.1',
      publicUrl: undefined,
      jwksUrl: AS.JWKS_URL,
      issuer: AS.JWT_ISSUER,
    });
    expect(baseUrl(config, 3000)).toBe('http://127.0.0.1:3000');
    expect(baseUrl(configFromEnv({ ...AS, HOST: '::1' }), 3000)).toBe('http://[::1]:3000');
  });

  it('PUBLIC_URL, normalized without its trailing slash, is the base URL whatever HOST is', () => {
    const config = configFromEnv({ ...AS, HOST: '0.0.0.0', PUBLIC_URL: 'https://MCP.example.com/tools/' });
    expect(baseUrl(config, 3000)).toBe('https://mcp.example.com/tools');
  });

  it('refuses a HOST other than loopback without PUBLIC_URL, naming PUBLIC_URL', () => {
    expect(() => configFromEnv({ ...AS, HOST: '0.0.0.0' })).toThrow(/^PUBLIC_URL is not set: with HOST=0\.0\.0\.0/);
  });

  it.each([
    ['mcp.example.com', 'PUBLIC_URL must be an absolute http(s) URL'],
    ['ftp://mcp.example.com', 'PUBLIC_URL must be an absolute http(s) URL'],
    ['http://mcp.example.com', 'PUBLIC_URL must be an https URL (http only for localhost)'],
    ['https://mcp.example.com/?a=1', 'PUBLIC_URL must have no query or fragment'],
    ['https://user:s3cret@mcp.example.com', 'PUBLIC_URL must not include a user name or password'],
    ['http://localhost.evil', 'PUBLIC_URL must be an https URL (http only for localhost)'],
    ['http://127.0.0.1.evil.example', 'PUBLIC_URL must be an https URL (http only for localhost)'],
  ])('refuses PUBLIC_URL=%s', (value, message) => {
    expect(() => configFromEnv({ ...AS, PUBLIC_URL: value })).toThrow(message);
  });

  it.each(SECURE_JWKS_URLS)('accepts JWKS_URL=%s: https, or http to a loopback host', (url) => {
    expect(configFromEnv({ ...AS, JWKS_URL: url })).toMatchObject({ jwksUrl: new URL(url).href });
  });

  it.each(HOSTILE_JWKS_URLS)('refuses JWKS_URL=%s, naming JWKS_URL and not repeating the value', (url, message) => {
    expect(() => configFromEnv({ ...AS, JWKS_URL: url })).toThrow(new ConfigError(message));
  });

  it('reads REDIS_URL (redis:// or rediss://) as the DPoP replay store every instance shares', () => {
    const url = 'rediss://:s3cret@redis.internal:6380/0';
    expect(configFromEnv({ ...AS, DPOP: 'allowed', REDIS_URL: url })).toMatchObject({ redisUrl: url });
    expect(configFromEnv({ DEMO: '1', DPOP: 'required', REDIS_URL: url })).toMatchObject({ demo: true, redisUrl: url });
    expect(configFromEnv({ ...AS, DPOP: 'allowed' }).redisUrl).toBeUndefined();
  });

  it('refuses a REDIS_URL that is not a redis URL, or one without DPOP on, naming REDIS_URL', () => {
    for (const url of ['http://:s3cret@redis.internal:6379', 'redis://', 'redis.internal:6379']) {
      expect(() => configFromEnv({ ...AS, DPOP: 'required', REDIS_URL: url })).toThrow(
        new ConfigError(REDIS_URL_INVALID),
      );
    }
    expect(() => configFromEnv({ ...AS, REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      new ConfigError('REDIS_URL needs DPOP=allowed or DPOP=required: it holds the DPoP replay store only'),
    );
  });

  it('needs JWKS_URL and JWT_ISSUER outside demo mode, and names them', () => {
    expect(() => configFromEnv({})).toThrow(/^JWKS_URL is not set/);
    expect(() => configFromEnv({ JWKS_URL: ' ', JWT_ISSUER: AS.JWT_ISSUER })).toThrow(/^JWKS_URL is not set/);
    expect(() => configFromEnv({ JWKS_URL: AS.JWKS_URL })).toThrow(/^JWT_ISSUER is not set/);
    expect(() => configFromEnv({ ...AS, JWKS_URL: 'file:///jwks.json' })).toThrow(
      'JWKS_URL must be an absolute http(s) URL',
    );
  });

  it('demo mode only with DEMO=1, never with JWKS_URL', () => {
    expect(configFromEnv({ DEMO: '1' })).toEqual({ demo: true, host: '127.0.0.1', publicUrl: undefined });
    expect(() => configFromEnv({ DEMO: 'yes' })).toThrow('DEMO must be 1 (demo mode) or unset');
    expect(() => configFromEnv({ ...AS, DEMO: '1' })).toThrow('DEMO=1 and JWKS_URL are both set: unset one of them');
  });

  it.each(DEVELOPMENT_NODE_ENV)('DEMO=1 starts demo mode with NODE_ENV=%j', (nodeEnv) => {
    expect(configFromEnv({ DEMO: '1', NODE_ENV: nodeEnv })).toMatchObject({ demo: true });
  });

  it.each(PRODUCTION_NODE_ENV)('refuses DEMO=1 with NODE_ENV=%j, naming NODE_ENV and DEMO', (nodeEnv) => {
    expect(() => configFromEnv({ DEMO: '1', NODE_ENV: nodeEnv })).toThrow(DEMO_REFUSED);
  });
});

describe('node server.js refuses to start, with the message and exit code 1', () => {
  it.each([
    [{}, 'Cannot start: JWKS_URL is not set'],
    [{ DEMO: '1', NODE_ENV: 'staging' }, `Cannot start: ${DEMO_REFUSED}\n`],
    [{ DEMO: '1', HOST: '0.0.0.0' }, 'Cannot start: PUBLIC_URL is not set'],
    [{ ...AS, JWKS_URL: 'http://user:s3cret@as.example/jwks.json' }, `Cannot start: ${NO_USER_INFO}\n`],
    [{ ...AS, JWKS_URL: 'http://as.example/jwks.json' }, `Cannot start: ${HTTPS_ONLY}\n`],
    [{ ...AS, DPOP: 'required', REDIS_URL: 'https://:s3cret@redis.internal' }, `Cannot start: ${REDIS_URL_INVALID}\n`],
  ])('%j', async (env, message) => {
    const exited = await runUntilExit({ PUBLIC_URL: '', ...env });
    expect(exited.code).toBe(1);
    expect(exited.stdout).toBe('');
    expect(exited.stderr.startsWith(message)).toBe(true);
    expect(exited.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
