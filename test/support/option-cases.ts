/**
 * Configuration the library refuses, written once: each is a TypeError when the
 * middleware is created, its message starting "auth-errors: " and naming the
 * option. Renderer options are checked on createRenderer (the core) and on each
 * adapter's authErrors(); guard options on each adapter's guards.
 */
import type * as expressAdapter from '@auth-errors/express';
import type * as koaAdapter from '@auth-errors/koa';
import { AUDIENCE, ISSUER } from './contract-cases.js';
import { createSigner } from './tokens.js';

/** [what is wrong, the options, what the message names] */
export const rendererOptionCases: readonly (readonly [string, unknown, RegExp])[] = [
  ['options not an object (a number)', 42, /options/],
  ['options not an object (a string)', 'api', /options/],
  ['options null', null, /options/],
  ['realm with CR LF', { realm: 'x\r\nSet-Cookie: a=b' }, /"realm"/],
  ['realm with NUL', { realm: 'a\u0000b' }, /"realm"/],
  ['non-ASCII realm', { realm: 'caf\u00e9' }, /"realm"/],
  ['realm outside Latin-1', { realm: 'caf\u20ac' }, /"realm"/],
  ['empty realm', { realm: '' }, /"realm"/],
  ['relative typeBase', { typeBase: '/problems/' }, /"typeBase"/],
  ['typeBase without a scheme', { typeBase: 'problems/' }, /"typeBase"/],
  ['typeBase with a space', { typeBase: 'https://rs.example/my problems/' }, /"typeBase"/],
  ['empty typeBase', { typeBase: '' }, /"typeBase"/],
  ['an unknown scheme', { schemes: ['Digest'] }, /"schemes"/],
  ['schemes not an array', { schemes: 'Basic' }, /"schemes"/],
  ['negative retryAfter', { retryAfter: -1 }, /"retryAfter"/],
  ['fractional retryAfter', { retryAfter: 1.5 }, /"retryAfter"/],
  ['onError not a function', { onError: 'log' }, /"onError"/],
  ['resourceMetadata not a URL', { resourceMetadata: 'not a url' }, /"resourceMetadata"/],
  ['relative resourceMetadata', { resourceMetadata: '/.well-known/oauth-protected-resource' }, /"resourceMetadata"/],
  ['ftp resourceMetadata', { resourceMetadata: 'ftp://rs.example/x' }, /"resourceMetadata"/],
  ['resourceMetadata with a space', { resourceMetadata: 'https://rs.example/a b' }, /"resourceMetadata"/],
  ['resourceMetadata with a quote', { resourceMetadata: 'https://rs.example/"x' }, /"resourceMetadata"/],
  [
    'resourceMetadata with CR LF',
    { resourceMetadata: 'https://rs.example/x\r\nSet-Cookie: a=b' },
    /"resourceMetadata"/,
  ],
  ['empty resourceMetadata', { resourceMetadata: '' }, /"resourceMetadata"/],
];

type Kit = typeof expressAdapter | typeof koaAdapter;
const publicKeyPem = createSigner('ES256').verifyKey;
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const base = { issuer: ISSUER, audience: AUDIENCE };
const verify = () => false;

/** [what is wrong, how the guard is made, what the message names] */
export const guardOptionCases: readonly (readonly [string, (kit: Kit) => unknown, RegExp])[] = [
  ['basicAuth with options null', (kit) => kit.basicAuth(null as never), /options must be an object/],
  ['bearerAuth with options a string', (kit) => kit.bearerAuth('secret' as never), /options must be an object/],
  ['jwtAuth with options null', (kit) => kit.jwtAuth(null as never), /options must be an object/],
  ['jwtAuth with options a number', (kit) => kit.jwtAuth(42 as never), /options must be an object/],
  ['basicAuth without verify', (kit) => kit.basicAuth({} as never), /"verify"/],
  ['basicAuth verify not a function', (kit) => kit.basicAuth({ verify: 'yes' as never }), /"verify"/],
  ['basicAuth with a bad realm', (kit) => kit.basicAuth({ verify, realm: 'a\nb' }), /"realm"/],
  ['bearerAuth without verify', (kit) => kit.bearerAuth({} as never), /"verify"/],
  ['bearerAuth with a bad realm', (kit) => kit.bearerAuth({ verify, realm: 'caf\u00e9' }), /"realm"/],
  ['jwtAuth without a key', (kit) => kit.jwtAuth(base), /"jwksUrl", .*"key" and "secret"/],
  ['jwtAuth with two keys', (kit) => kit.jwtAuth({ ...base, key: publicKeyPem, secret: SECRET }), /"secret"/],
  ['jwtAuth with a short secret', (kit) => kit.jwtAuth({ ...base, secret: 'short' }), /"secret"/],
  ['jwtAuth with alg none', (kit) => kit.jwtAuth({ ...base, secret: SECRET, algorithms: ['none'] }), /"algorithms"/],
  [
    'jwtAuth with HS256 on a public key',
    (kit) => kit.jwtAuth({ ...base, key: publicKeyPem, algorithms: ['HS256'] }),
    /"algorithms"/,
  ],
  ['jwtAuth without issuer', (kit) => kit.jwtAuth({ audience: AUDIENCE, secret: SECRET } as never), /"issuer"/],
  ['jwtAuth with no audience', (kit) => kit.jwtAuth({ issuer: ISSUER, audience: [], secret: SECRET }), /"audience"/],
  [
    'jwtAuth clockTolerance too large',
    (kit) => kit.jwtAuth({ ...base, secret: SECRET, clockTolerance: 3600 }),
    /"clockTolerance"/,
  ],
  ['jwtAuth jwksUrl not http(s)', (kit) => kit.jwtAuth({ ...base, jwksUrl: 'file:///etc/jwks.json' }), /"jwksUrl"/],
  [
    'jwtAuth jwksUrl over http to another host',
    (kit) => kit.jwtAuth({ ...base, jwksUrl: 'http://as.example/jwks' }),
    /"jwksUrl" must be an https URL/,
  ],
  [
    'jwtAuth jwksUrl with user info',
    (kit) => kit.jwtAuth({ ...base, jwksUrl: 'https://client:secret@as.example/jwks' }),
    /"jwksUrl" must not contain a user name or password/,
  ],
  ['jwtAuth key not a key', (kit) => kit.jwtAuth({ ...base, key: 'not a pem' }), /"key"/],
  ['jwtAuth unknown profile', (kit) => kit.jwtAuth({ ...base, secret: SECRET, profile: 'x' as never }), /"profile"/],
  ['requireScopes with a space', (kit) => kit.requireScopes('bad scope'), /scope/],
  ['requireScopes with a quote', (kit) => kit.requireScopes('a"b'), /scope/],
  ['requireScopes with an empty scope', (kit) => kit.requireScopes(''), /scope/],
  ['requireScopes with nothing', (kit) => kit.requireScopes(), /scope/],
  ['requireAuth without a function', (kit) => kit.requireAuth('admin' as never), /requireAuth needs a predicate/],
  ['requireStepUp with nothing', (kit) => kit.requireStepUp({}), /"acrValues", "maxAge"/],
  ['requireStepUp with a negative maxAge', (kit) => kit.requireStepUp({ maxAge: -1 }), /"maxAge"/],
  ['requireStepUp acr with a space', (kit) => kit.requireStepUp({ acrValues: ['a b'] }), /"acrValues"/],
];

/** What a refused configuration must throw. */
export function refusal(create: () => unknown): TypeError {
  try {
    create();
  } catch (error) {
    if (error instanceof TypeError) return error;
    throw new Error(`expected a TypeError, got ${String(error)}`);
  }
  throw new Error('expected a TypeError, nothing was thrown');
}
