/**
 * Configuration fails closed: demo mode only when asked for with DEMO=1 and
 * only with NODE_ENV unset, development or test (anything else counts as
 * production), and every mistake stops the start with an error that names the
 * environment variable to fix.
 */
import { describe, expect, it } from 'vitest';
import { configFromEnv, DEMO_AUDIENCE, DEMO_ISSUER } from '../config.js';
import { runUntilExit } from './support.js';

const IDP = {
  JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  JWT_ISSUER: 'https://idp.example/',
  JWT_AUDIENCE: 'https://orders.example',
};

/** Where demo mode may run: NODE_ENV unset, blank, development or test, trimmed and in any case. */
const DEVELOPMENT_NODE_ENV = [undefined, '', '  ', 'development', 'Development', 'test', 'TEST', ' test '];
/** Every other value is a production-like server: the spellings that used to start demo mode, and look-alikes. */
const PRODUCTION_NODE_ENV = [
  ...['production', 'Production', 'PRODUCTION', ' production', 'production ', 'prod', 'staging'],
  ...['dev', 'develop', 'testing', 'development-eu', 'qa', 'live'],
];
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

  it('with DEMO=1 and NODE_ENV=staging, refuses to start', async () => {
    const { code, stdout, stderr } = await runUntilExit({ DEMO: '1', NODE_ENV: 'staging' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Cannot start: ${DEMO_REFUSED}\n`);
  });
});
