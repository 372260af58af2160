/**
 * Configuration fails closed: demo mode only when asked for with DEMO=1 and
 * only with NODE_ENV unset, development or test (anything else counts as
 * production), and every mistake stops the start with an error that names the
 * environment variable to fix.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, DEMO_AUDIENCE, DEMO_ISSUER } from '../config.js';
import { runUntilExit } from './support.js';

const IDP = {
  JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  JWT_ISSUER: 'https://idp.example/',
  JWT_AUDIENCE: 'https://orders.example',
};

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
const PUBLIC_URL_ORIGIN = 'PUBLIC_URL must be an origin, such as https://api.example: no path, query or fragment';
const PUBLIC_URL_NEEDED =
  'PUBLIC_URL is not set: with DPOP on and NODE_ENV other than development or test, set it to the origin clients use (e.g. https://api.example), or DPoP proofs are checked against the Host header the client sends';
const REDIS_URL_INVALID =
  'REDIS_URL must be a redis:// or rediss:// URL with a host, such as redis://redis.internal:6379';
const DEMO_REFUSED =
  'DEMO=1 needs NODE_ENV unset, development or test: demo mode mints tokens that this server accepts';

describe('configFromEnv', () => {
  it('reads the identity provider from JWKS_URL, JWT_ISSUER and JWT_AUDIENCE', () => {
    expect(configFromEnv(IDP)).toEqual({
      demo: false,
      jwksUrl: IDP.JWKS_URL,
      issuer: IDP.JWT_ISSUER,
      audience: IDP.JWT_AUDIENCE,
      jwks: {},
    });
  });

  it('without JWKS_URL and without DEMO=1, refuses and names JWKS_URL', () => {
    for (const env of [{}, { JWKS_URI: IDP.JWKS_URL, JWT_ISSUER: IDP.JWT_ISSUER, JWT_AUDIENCE: IDP.JWT_AUDIENCE }]) {
      expect(() => configFromEnv(env)).toThrow(/^JWKS_URL is not set/);
    }
  });

  it('counts an empty or blank variable as unset', () => {
    expect(() => configFromEnv({ ...IDP, JWKS_URL: '' })).toThrow(/^JWKS_URL is not set/);
    expect(() => configFromEnv({ ...IDP, JWT_AUDIENCE: '  ' })).toThrow(/^JWT_AUDIENCE is not set/);
    expect(() => configFromEnv({ DEMO: '' })).toThrow(/^JWKS_URL is not set/);
    expect(configFromEnv({ ...IDP, DEMO: '', JWKS_CACHE_MAX_AGE: '' }).demo).toBe(false);
  });

  it('names the missing variable, not the library option', () => {
    expect(() => configFromEnv({ JWKS_URL: IDP.JWKS_URL, JWT_AUDIENCE: IDP.JWT_AUDIENCE })).toThrow(
      /^JWT_ISSUER is not set/,
    );
    expect(() => configFromEnv({ JWKS_URL: IDP.JWKS_URL, JWT_ISSUER: IDP.JWT_ISSUER })).toThrow(
      /^JWT_AUDIENCE is not set/,
    );
    expect(() => configFromEnv({ ...IDP, JWKS_URL: 'idp.example/jwks.json' })).toThrow(
      'JWKS_URL must be an absolute http(s) URL',
    );
    expect(() => configFromEnv({ ...IDP, JWKS_URL: 'file:///etc/jwks.json' })).toThrow(
      'JWKS_URL must be an absolute http(s) URL',
    );
  });

  it.each(SECURE_JWKS_URLS)('accepts JWKS_URL=%s: https, or http to a loopback host', (url) => {
    expect(configFromEnv({ ...IDP, JWKS_URL: url })).toMatchObject({ jwksUrl: url });
  });

  it.each(HOSTILE_JWKS_URLS)('refuses JWKS_URL=%s, naming JWKS_URL and not repeating the value', (url, message) => {
    expect(() => configFromEnv({ ...IDP, JWKS_URL: url })).toThrow(new ConfigError(message));
  });

  it('demo mode only with DEMO=1, for the demo issuer and audience whatever JWT_ISSUER and JWT_AUDIENCE say', () => {
    const demo = { demo: true, issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE };
    expect(configFromEnv({ DEMO: '1' })).toEqual(demo);
    expect(configFromEnv({ DEMO: '1', JWT_ISSUER: IDP.JWT_ISSUER, JWT_AUDIENCE: IDP.JWT_AUDIENCE })).toEqual(demo);
    expect(() => configFromEnv({ DEMO: 'true' })).toThrow('DEMO must be 1 (demo mode) or unset');
    expect(() => configFromEnv({ DEMO: '0' })).toThrow(/^JWKS_URL is not set/);
  });

  it.each(DEVELOPMENT_NODE_ENV)('DEMO=1 starts demo mode with NODE_ENV=%j', (nodeEnv) => {
    expect(configFromEnv({ DEMO: '1', NODE_ENV: nodeEnv })).toMatchObject({ demo: true });
  });

  it.each(PRODUCTION_NODE_ENV)('refuses DEMO=1 with NODE_ENV=%j, naming NODE_ENV and DEMO', (nodeEnv) => {
    expect(() => configFromEnv({ DEMO: '1', NODE_ENV: nodeEnv })).toThrow(DEMO_REFUSED);
  });

  it('refuses DEMO=1 with JWKS_URL', () => {
    expect(() => configFromEnv({ ...IDP, DEMO: '1' })).toThrow('DEMO=1 and JWKS_URL are both set: unset one of them');
  });

  it('reads PUBLIC_URL as the origin DPoP proofs must name: https, or http to a loopback host', () => {
    const origin = (value: string) => configFromEnv({ ...IDP, DPOP: 'required', PUBLIC_URL: value }).publicUrl;
    expect(origin('https://api.example')).toBe('https://api.example');
    expect(origin('HTTPS://API.example:443/')).toBe('https://api.example');
    expect(origin('https://api.example:8443')).toBe('https://api.example:8443');
    expect(origin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(configFromEnv({ ...IDP, PUBLIC_URL: 'https://api.example' }).publicUrl).toBe('https://api.example');
    expect(configFromEnv(IDP).publicUrl).toBeUndefined();
  });

  it.each([
    ['api.example', 'PUBLIC_URL must be an absolute http(s) URL'],
    ['ftp://api.example', 'PUBLIC_URL must be an absolute http(s) URL'],
    ['http://api.example', 'PUBLIC_URL must be an https URL (http only for localhost)'],
    ['http://localhost.evil', 'PUBLIC_URL must be an https URL (http only for localhost)'],
    ['https://user:s3cret@api.example', 'PUBLIC_URL must not include a user name or password'],
    ['https://api.example/v1', PUBLIC_URL_ORIGIN],
    ['https://api.example/?a=1', PUBLIC_URL_ORIGIN],
    ['https://api.example/#top', PUBLIC_URL_ORIGIN],
  ])('refuses PUBLIC_URL=%s, naming PUBLIC_URL', (value, message) => {
    expect(() => configFromEnv({ ...IDP, DPOP: 'required', PUBLIC_URL: value })).toThrow(new ConfigError(message));
  });

  it.each(PRODUCTION_NODE_ENV)('with DPOP on and NODE_ENV=%j, refuses to start without PUBLIC_URL', (nodeEnv) => {
    for (const mode of ['allowed', 'required']) {
      expect(() => configFromEnv({ ...IDP, DPOP: mode, NODE_ENV: nodeEnv })).toThrow(
        new ConfigError(PUBLIC_URL_NEEDED),
      );
      const config = configFromEnv({ ...IDP, DPOP: mode, NODE_ENV: nodeEnv, PUBLIC_URL: 'https://api.example' });
      expect(config).toMatchObject({ dpop: { mode }, publicUrl: 'https://api.example' });
    }
    // Without DPoP there is no proof to check: PUBLIC_URL is not needed.
    expect(configFromEnv({ ...IDP, NODE_ENV: nodeEnv }).publicUrl).toBeUndefined();
  });

  it.each(DEVELOPMENT_NODE_ENV)('with DPOP on and NODE_ENV=%j, PUBLIC_URL may be left out', (nodeEnv) => {
    expect(configFromEnv({ ...IDP, DPOP: 'required', NODE_ENV: nodeEnv })).toMatchObject({
      dpop: { mode: 'required' },
      publicUrl: undefined,
    });
  });

  it('reads REDIS_URL (redis:// or rediss://) as the DPoP replay store every instance shares', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://:s3cret@redis.internal:6380/0', 'redis://user:pw@redis']) {
      expect(configFromEnv({ ...IDP, DPOP: 'allowed', REDIS_URL: url })).toMatchObject({ redisUrl: url });
      expect(configFromEnv({ DEMO: '1', DPOP: 'required', REDIS_URL: url })).toMatchObject({
        demo: true,
        redisUrl: url,
      });
    }
    expect(configFromEnv({ ...IDP, DPOP: 'allowed' }).redisUrl).toBeUndefined();
  });

  it.each([
    'http://:s3cret@redis.internal:6379',
    'redis.internal:6379',
    'redis://',
    'redis:///0',
    'tcp://127.0.0.1:6379',
    'redis//127.0.0.1:6379',
  ])('refuses REDIS_URL=%s, naming REDIS_URL and not repeating the value', (url) => {
    expect(() => configFromEnv({ ...IDP, DPOP: 'required', REDIS_URL: url })).toThrow(
      new ConfigError(REDIS_URL_INVALID),
    );
  });

  it('refuses REDIS_URL without DPOP on: there would be no proof to record', () => {
    for (const dpop of [{}, { DPOP: 'off' }]) {
      expect(() => configFromEnv({ ...IDP, ...dpop, REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
        new ConfigError('REDIS_URL needs DPOP=allowed or DPOP=required: it holds the DPoP replay store only'),
      );
    }
  });

  it('passes JWKS_CACHE_MAX_AGE and JWKS_MAX_STALE (seconds) to the key source in milliseconds', () => {
    expect(configFromEnv({ ...IDP, JWKS_CACHE_MAX_AGE: '300' })).toMatchObject({ jwks: { cacheMaxAge: 300_000 } });
    expect(configFromEnv({ ...IDP, JWKS_MAX_STALE: '3600' })).toMatchObject({ jwks: { maxStale: 3_600_000 } });
    expect(configFromEnv({ ...IDP, JWKS_CACHE_MAX_AGE: '0', JWKS_MAX_STALE: '0' })).toMatchObject({
      jwks: { cacheMaxAge: 0, maxStale: 0 },
    });
  });

  it('refuses JWKS_CACHE_MAX_AGE and JWKS_MAX_STALE that are not whole seconds, naming the variable', () => {
    for (const name of ['JWKS_CACHE_MAX_AGE', 'JWKS_MAX_STALE']) {
      for (const value of ['-1', '1.5', '10s', 'soon', '1e3', '99999999999999999999']) {
        expect(() => configFromEnv({ ...IDP, [name]: value }), `${name}=${value}`).toThrow(
          `${name} must be a whole number of seconds (0 or more)`,
        );
      }
    }
  });
});

describe('node server.js', () => {
  it('without any configuration, exits 1 with one line naming JWKS_URL and DEMO=1, and no stack trace', async () => {
    const { code, stdout, stderr } = await runUntilExit({});
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "Cannot start: JWKS_URL is not set: set it to your identity provider's JWKS URL (and JWT_ISSUER, JWT_AUDIENCE), or set DEMO=1 to try the example with in-memory keys\n",
    );
  });

  it.each([
    ['http://user:s3cret@idp.example/jwks.json', NO_USER_INFO],
    ['http://idp.example/jwks.json', HTTPS_ONLY],
  ])('with JWKS_URL=%s, refuses to start without repeating the value', async (url, message) => {
    const { code, stdout, stderr } = await runUntilExit({ ...IDP, JWKS_URL: url });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Cannot start: ${message}\n`);
  });

  it('with DPOP=required and NODE_ENV=production but no PUBLIC_URL, refuses to start', async () => {
    const { code, stdout, stderr } = await runUntilExit({ ...IDP, DPOP: 'required', NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Cannot start: ${PUBLIC_URL_NEEDED}\n`);
  });

  it('with a REDIS_URL that is not a redis URL, refuses to start without printing it (it may hold a password)', async () => {
    const { code, stdout, stderr } = await runUntilExit({
      ...IDP,
      DPOP: 'required',
      REDIS_URL: 'https://:s3cret@redis.internal:6379',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Cannot start: ${REDIS_URL_INVALID}\n`);
    expect(stderr).not.toContain('s3cret');
  });

  it('with DEMO=1 and NODE_ENV=staging, refuses to start', async () => {
    const { code, stdout, stderr } = await runUntilExit({ DEMO: '1', NODE_ENV: 'staging' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Cannot start: ${DEMO_REFUSED}\n`);
  });
});
