/**
 * Every factory of every package refuses an option it does not declare, on
 * the built packages: a misspelling names the closest declared name, a
 * nested one its full path, another library's name says what to write here;
 * and the options as documented still work. The reader is hostile-proof:
 * `__proto__` and `constructor` keys, inherited options, a throwing getter,
 * a Proxy, symbol keys, null-prototype objects and arrays.
 */
import { createRemoteKeySource } from '@auth-errors/core';
import { openApiComponents } from '@auth-errors/core/openapi';
import * as expressAdapter from '@auth-errors/express';
import * as fastifyAdapter from '@auth-errors/fastify';
import * as fetchAdapter from '@auth-errors/fetch';
import * as koaAdapter from '@auth-errors/koa';
import { createMemoryReplayStore } from '@auth-errors/koa';
import { createRedisReplayStore } from '@auth-errors/redis';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { refusal } from './support/option-cases.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const NONCE_SECRET = 'a-nonce-secret-that-is-32-bytes-long!';
const jwt = { issuer: 'https://as.example', audience: 'https://rs.example', secret: SECRET };
const verify = () => false;

type Kit = Pick<typeof expressAdapter, 'basicAuth' | 'bearerAuth' | 'jwtAuth' | 'requireStepUp' | 'resourceMetadata'>;
const kits: readonly (readonly [string, Kit])[] = [
  ['express', expressAdapter],
  ['koa', koaAdapter as unknown as Kit],
  ['fastify', fastifyAdapter as unknown as Kit],
  ['fetch', fetchAdapter.authErrors() as unknown as Kit],
];

/** Expects `create` to throw a TypeError whose message, as a whole, is `message`. */
const refused = (create: () => unknown, message: string) => {
  const error = refusal(create);
  expect(error.message).toBe(`auth-errors: ${message}`);
};

/** [what, how the guard is made, the whole message] */
const guardCases: readonly (readonly [string, (kit: Kit) => unknown, string])[] = [
  [
    'basicAuth: relm',
    (kit) => kit.basicAuth({ verify, relm: 'api' } as never),
    'option "relm" is not known; did you mean "realm"?',
  ],
  [
    'bearerAuth: methods.qeury (nested)',
    (kit) => kit.bearerAuth({ verify, methods: { qeury: true } } as never),
    'option "methods" must be an object such as { query: true, body: false }: option "methods.qeury" is not known; did you mean "query"?',
  ],
  [
    'jwtAuth: clockTolerence',
    (kit) => kit.jwtAuth({ ...jwt, clockTolerence: 9999 } as never),
    'option "clockTolerence" is not known; did you mean "clockTolerance"?',
  ],
  [
    'jwtAuth: dpop.windw (nested)',
    (kit) => kit.jwtAuth({ ...jwt, dpop: { mode: 'allowed', windw: 5 } } as never),
    'option "dpop.windw" is not known; did you mean "window"?',
  ],
  [
    'jwtAuth: dpop.nonce.lifetme (nested twice)',
    (kit) =>
      kit.jwtAuth({ ...jwt, dpop: { mode: 'required', nonce: { secrets: [NONCE_SECRET], lifetme: 60 } } } as never),
    'option "dpop.nonce.lifetme" is not known; did you mean "lifetime"?',
  ],
  [
    'jwtAuth: jwks.maxstale (nested)',
    (kit) =>
      kit.jwtAuth({
        issuer: jwt.issuer,
        audience: jwt.audience,
        jwksUrl: 'https://as.example/jwks',
        jwks: { maxstale: 1 },
      } as never),
    'option "jwks.maxstale" is not known; did you mean "maxStale"?',
  ],
  [
    'requireStepUp: clockTolerence',
    (kit) => kit.requireStepUp({ maxAge: 60, clockTolerence: 5 } as never),
    'option "clockTolerence" is not known; did you mean "clockTolerance"?',
  ],
  [
    'resourceMetadata: resourceNmae',
    (kit) => kit.resourceMetadata({ resource: 'https://rs.example/api', resourceNmae: 'Orders' } as never),
    'option "resourceNmae" is not known; did you mean "resourceName"?',
  ],
];

/** [peer library's option, how it is given, what the hint must say] */
const peerCases: readonly (readonly [string, (kit: Kit) => unknown, RegExp])[] = [
  [
    'express-jwt credentialsRequired',
    (kit) => kit.jwtAuth({ ...jwt, credentialsRequired: false } as never),
    /express-jwt's credentialsRequired: optional authentication .* is not built yet/,
  ],
  [
    'express-jwt requestProperty',
    (kit) => kit.jwtAuth({ ...jwt, requestProperty: 'auth' } as never),
    /guard\.auth\(request\) or authOf\(request\)/,
  ],
  [
    'express-jwt getToken',
    (kit) => kit.jwtAuth({ ...jwt, getToken: () => 'x' } as never),
    /methods: \{ query: true, body: true \}/,
  ],
  ['express-jwt isRevoked', (kit) => kit.jwtAuth({ ...jwt, isRevoked: () => false } as never), /requireAuth\(policy\)/],
  [
    'express-jwt secret as a function',
    (kit) => kit.jwtAuth({ ...jwt, secret: () => SECRET } as never),
    /"secret" is an HMAC secret, not a function: .*"jwksUrl" or "keySource"/,
  ],
  [
    'jwks-rsa jwksUri',
    (kit) => kit.jwtAuth({ ...jwt, jwksUri: 'https://as.example/jwks' } as never),
    /jwks-rsa's jwksUri is "jwksUrl" here/,
  ],
  ['jwks-rsa cache', (kit) => kit.jwtAuth({ ...jwt, cache: true } as never), /"jwks\.cacheMaxAge"/],
  ['jwks-rsa rateLimit', (kit) => kit.jwtAuth({ ...jwt, rateLimit: true } as never), /"jwks\.cooldownDuration"/],
  [
    'jwks-rsa jwksRequestsPerMinute',
    (kit) => kit.jwtAuth({ ...jwt, jwksRequestsPerMinute: 5 } as never),
    /"jwks\.cooldownDuration" here: the milliseconds/,
  ],
  [
    'koa-jwt passthrough',
    (kit) => kit.jwtAuth({ ...jwt, passthrough: true } as never),
    /koa-jwt's passthrough: optional authentication/,
  ],
  [
    'koa-jwt key (a state property)',
    (kit) => kit.jwtAuth({ issuer: jwt.issuer, audience: jwt.audience, key: 'jwtdata' } as never),
    /"key" is a public key .* koa-jwt's key/,
  ],
  ['koa-jwt tokenKey', (kit) => kit.jwtAuth({ ...jwt, tokenKey: 'token' } as never), /guard\.auth\(ctx\)\.claims/],
  ['koa-jwt cookie', (kit) => kit.jwtAuth({ ...jwt, cookie: 'jwt' } as never), /copied into the Authorization header/],
  [
    'express-oauth2-jwt-bearer issuerBaseURL',
    (kit) => kit.jwtAuth({ ...jwt, issuerBaseURL: 'https://as.example' } as never),
    /"issuer" .* and "jwksUrl"/,
  ],
  [
    'express-oauth2-jwt-bearer tokenSigningAlg',
    (kit) => kit.jwtAuth({ ...jwt, tokenSigningAlg: 'RS256' } as never),
    /is "algorithms" here/,
  ],
  [
    'express-oauth2-jwt-bearer authRequired',
    (kit) => kit.jwtAuth({ ...jwt, authRequired: false } as never),
    /authRequired: optional authentication/,
  ],
  [
    '@fastify/jwt decode',
    (kit) => kit.jwtAuth({ ...jwt, decode: { complete: true } } as never),
    /@fastify\/jwt's decode/,
  ],
  [
    '@fastify/jwt verify',
    (kit) => kit.jwtAuth({ ...jwt, verify: { maxAge: '1h' } } as never),
    /@fastify\/jwt's verify options are "issuer"/,
  ],
  [
    '@fastify/jwt formatUser',
    (kit) => kit.jwtAuth({ ...jwt, formatUser: (u: unknown) => u } as never),
    /@fastify\/jwt's formatUser/,
  ],
];

describe.each(kits)('%s guards', (_adapter, kit) => {
  it.each(guardCases)('refuses a misspelling, naming the closest option: %s', (_case, create, message) => {
    refused(() => create(kit), message);
  });

  it.each(peerCases)('gives a peer library option its migration hint: %s', (_case, create, hint) => {
    const error = refusal(() => create(kit));
    expect(error.message).toMatch(/^auth-errors: option "\w+" (is not known: |is an HMAC secret|is a public key)/);
    expect(error.message).toMatch(hint);
    expect(error.message).not.toContain(SECRET);
  });

  it('still takes every option as documented', () => {
    expect(() => kit.basicAuth({ verify, realm: 'staff', maxConcurrent: 4 })).not.toThrow();
    expect(() =>
      kit.bearerAuth({ verify, realm: 'api', methods: { query: true }, challengeScope: ['read'] }),
    ).not.toThrow();
    const dpop = {
      mode: 'allowed',
      algorithms: ['ES256'],
      window: 30,
      nonce: { secrets: [NONCE_SECRET], lifetime: 60 },
      publicUrl: 'https://api.example.com',
      retryAfter: 2,
    } as const;
    expect(() =>
      kit.jwtAuth({ ...jwt, clockTolerance: 0, requiredClaims: ['sub'], retryAfter: 3, dpop }),
    ).not.toThrow();
    expect(() => kit.requireStepUp({ acrValues: ['gold'], maxAge: 60, clockTolerance: 5 })).not.toThrow();
    expect(kit.resourceMetadata({ resource: '/mcp', publicUrl: 'https://mcp.example.com' }).url).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    );
  });
});

describe('the renderer of every adapter', () => {
  const message = 'option "relm" is not known; did you mean "realm"?';
  it.each([
    ['express', () => expressAdapter.authErrors({ relm: 'api' } as never)],
    ['koa', () => koaAdapter.authErrors({ relm: 'api' } as never)],
    ['fetch', () => fetchAdapter.authErrors({ relm: 'api' } as never)],
  ])('%s: authErrors refuses a misspelling, naming the closest option', (_adapter, create) => {
    refused(create, message);
  });

  it('fastify: the plugin refuses it when the application starts', async () => {
    const error = await Fastify()
      .register(fastifyAdapter.authErrors, { relm: 'api' } as never)
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`auth-errors: ${message}`);
  });

  it('still takes every option as documented', async () => {
    const options = {
      realm: 'api',
      schemes: ['Bearer'],
      typeBase: 'https://rs.example/problems/',
      instance: true,
      retryAfter: 2,
      onError: () => {},
      extensions: { apiVersion: '2' },
    } as const;
    expect(() => expressAdapter.authErrors(options)).not.toThrow();
    expect(() => koaAdapter.authErrors(options)).not.toThrow();
    expect(() => fetchAdapter.authErrors(options)).not.toThrow();
    await expect(Fastify().register(fastifyAdapter.authErrors, options).ready()).resolves.toBeDefined();
  });
});

describe('the other factories', () => {
  it.each<readonly [string, () => unknown, string]>([
    [
      'createRemoteKeySource',
      () => createRemoteKeySource('https://as.example/jwks', { cacheMaxAgee: 1 } as never),
      'option "cacheMaxAgee" is not known; did you mean "cacheMaxAge"?',
    ],
    [
      'jwtAuth (the verifier options)',
      () => expressAdapter.jwtAuth({ ...jwt, requiredClaim: ['sub'] } as never),
      'option "requiredClaim" is not known; did you mean "requiredClaims"?',
    ],
    [
      'createMemoryReplayStore',
      () => createMemoryReplayStore({ maxEntrys: 10 } as never),
      'option "maxEntrys" is not known; did you mean "maxEntries"?',
    ],
    [
      'openApiComponents',
      () => openApiComponents({ realms: 'api' } as never),
      'option "realms" is not an option of openApiComponents; did you mean "realm"?',
    ],
    [
      'createRedisReplayStore',
      () => createRedisReplayStore({ client: new Redis({ lazyConnect: true }), prefx: 'x:' } as never),
      'option "prefx" is not known; did you mean "prefix"?',
    ],
  ])('%s refuses a misspelling, naming the closest option', (_factory, create, message) => {
    refused(create, message);
  });

  it('a name close to nothing lists the options there are', () => {
    refused(
      () => createMemoryReplayStore({ capacity: 10 } as never),
      'option "capacity" is not known; the options here are "maxEntries", "maxEntriesPerOwner"',
    );
  });

  it('a peer name gets its hint on createRemoteKeySource too', () => {
    expect(
      refusal(() => createRemoteKeySource('https://as.example/jwks', { jwksRequestsPerMinute: 5 } as never)).message,
    ).toMatch(/^auth-errors: option "jwksRequestsPerMinute" is not known: jwks-rsa's/);
  });
});

describe('hostile options', () => {
  const basic = expressAdapter.basicAuth;

  it('a "__proto__" or "constructor" own key is an unknown option, never a prototype', () => {
    refused(
      () => basic(JSON.parse('{"__proto__": {"realm": "x"}}') as never),
      'option "__proto__" is not known; the options here are "realm", "verify", "maxConcurrent"',
    );
    refused(
      () => basic({ verify, constructor: Object } as never),
      'option "constructor" is not known; the options here are "realm", "verify", "maxConcurrent"',
    );
  });

  it('inherited options are not options: only own keys are read', () => {
    const inherited = Object.create({ secret: SECRET }) as object;
    Object.assign(inherited, { issuer: jwt.issuer, audience: jwt.audience });
    refused(
      () => expressAdapter.jwtAuth(inherited as never),
      'give exactly one of the options "jwksUrl", "keySource", "key" and "secret"',
    );
  });

  it("a getter that throws is a TypeError naming the option, with the getter's error as its cause", () => {
    const boom = new Error('boom');
    const options = { verify };
    Object.defineProperty(options, 'realm', {
      enumerable: true,
      get: () => {
        throw boom;
      },
    });
    const error = refusal(() => basic(options as never));
    expect(error.message).toBe('auth-errors: option "realm" could not be read');
    expect(error.cause).toBe(boom);
  });

  it('a Proxy is read once per key, so it cannot show the check one value and the guard another', () => {
    const reads: string[] = [];
    let realm = 0;
    const proxy = new Proxy(
      { verify, realm: 'first' },
      {
        get(target, key, receiver) {
          if (typeof key === 'string') reads.push(key);
          // A second read would see a realm that cannot go into a header.
          if (key === 'realm') return realm++ === 0 ? 'first' : 'a\r\nSet-Cookie: x=y';
          return Reflect.get(target, key, receiver);
        },
      },
    );
    expect(() => basic(proxy as never)).not.toThrow();
    expect(reads.filter((key) => key === 'realm')).toEqual(['realm']);
    const throwing = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    refused(() => basic(throwing as never), 'basic guard options could not be read');
  });

  it('a symbol key is refused: options are named by strings', () => {
    refused(
      () => basic({ verify, [Symbol('realm')]: 'x' } as never),
      'basic guard options has a symbol key (Symbol(realm)): options are named by strings',
    );
  });

  it('a null-prototype object is a fine options object', () => {
    const options = Object.assign(Object.create(null) as object, { verify, realm: 'staff' });
    expect(() => basic(options as never)).not.toThrow();
    const dpop = Object.assign(Object.create(null) as object, { mode: 'required' });
    expect(() => expressAdapter.jwtAuth({ ...jwt, dpop } as never)).not.toThrow();
  });

  it('an array where an object is expected is refused, at any depth', () => {
    refused(() => basic([verify] as never), 'basic guard options must be an object');
    refused(() => expressAdapter.jwtAuth({ ...jwt, dpop: ['required'] } as never), 'option "dpop" must be an object');
    refused(
      () => expressAdapter.jwtAuth({ ...jwt, dpop: { mode: 'required', nonce: [NONCE_SECRET] } } as never),
      'option "dpop.nonce" must be an object',
    );
    refused(() => expressAdapter.authErrors([] as never), 'options must be an object');
  });
});
