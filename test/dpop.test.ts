/**
 * DPoP on the resource server (RFC 9449), on a real Express 5 server: the
 * challenges (docs/conformance.md rules 52, 53), every proof check (rule 54),
 * server nonces (rule 55), replay protection, and the external URI behind a
 * proxy. What a client sees is asserted whole: status, every header line, the
 * body; no proof or token text ever comes back.
 */

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { authErrors, authOf, bearerAuth, createMemoryReplayStore, jwtAuth, requireScopes } from '@auth-errors/express';
import express from 'express';
import { calculateJwkThumbprint, type JWK, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ChallengeParameters, challenge } from './support/challenge-lines.js';
import { BEARER, bearerError } from './support/contract-cases.js';
import {
  AUDIENCE,
  ath,
  type ClientKey,
  clientKey,
  createIssuer,
  ISSUER,
  type Issuer,
  type ProofInput,
  proof,
} from './support/dpop.js';
import { header, headerLines, type RawResponse, rawRequest, serve } from './support/http.js';

const SECRET_OLD = 'an-old-nonce-secret-of-32-bytes-at-least!';
const SECRET_NEW = 'the-current-nonce-secret-of-32-bytes-or-more';

let issuer: Issuer;
let key: ClientKey;
let otherKey: ClientKey;

beforeAll(async () => {
  issuer = createIssuer();
  key = await clientKey();
  otherKey = await clientKey();
});

type DpopOption = NonNullable<Parameters<typeof jwtAuth>[0]['dpop']>;

function guard(dpop: DpopOption) {
  return jwtAuth({ key: issuer.signer.verifyKey, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], dpop });
}

function app(configure?: (app: express.Express) => void) {
  const server = express();
  configure?.(server);
  server.get('/both', guard({ mode: 'allowed', algorithms: ['ES256'] }), (req, res) => {
    res.json({ scheme: authOf(req)?.scheme });
  });
  server.get('/dpop', guard({ mode: 'required', algorithms: ['ES256', 'PS256'] }), (req, res) => {
    res.json({ scheme: authOf(req)?.scheme, jkt: authOf(req)?.jkt });
  });
  server.get(
    '/dpop-query',
    jwtAuth({
      key: issuer.signer.verifyKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      methods: { query: true },
      dpop: { mode: 'allowed', algorithms: ['ES256'] },
    }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.get('/write', guard({ mode: 'allowed', algorithms: ['ES256'] }), requireScopes('write'), (_req, res) => {
    res.end('ok');
  });
  server.get(
    '/nonce',
    guard({ mode: 'required', algorithms: ['ES256'], nonce: { secrets: [SECRET_NEW, SECRET_OLD] } }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.get(
    '/short-nonce',
    guard({ mode: 'required', algorithms: ['ES256'], nonce: { secrets: [SECRET_NEW], lifetime: 10 } }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.get(
    '/old-nonce',
    guard({ mode: 'required', algorithms: ['ES256'], nonce: { secrets: [SECRET_OLD] } }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.get(
    '/public',
    guard({ mode: 'required', algorithms: ['ES256'], publicUrl: 'https://api.example.com' }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.get(
    '/down',
    guard({
      mode: 'required',
      algorithms: ['ES256'],
      replayStore: { reserve: () => Promise.reject(new Error('store down')) },
    }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.get(
    '/small',
    guard({ mode: 'required', algorithms: ['ES256'], replayStore: createMemoryReplayStore({ maxEntries: 1 }) }),
    (_req, res) => {
      res.end('ok');
    },
  );
  server.use(authErrors({ onError: () => {} }));
  return serve(server);
}

interface Sent {
  readonly port: number;
  readonly path: string;
  readonly token: string;
  readonly proofs: readonly string[];
  readonly scheme?: string;
  readonly extra?: readonly (readonly [string, string])[];
}

function send({ port, path, token, proofs, scheme = 'DPoP', extra = [] }: Sent): Promise<RawResponse> {
  return rawRequest(port, {
    path,
    headers: [['Authorization', `${scheme} ${token}`], ...proofs.map((p) => ['DPoP', p] as const), ...extra],
  });
}

const htuOf = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;

function problem(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

/** Nothing the client sent as credentials comes back, in any header or the body. */
function expectNoEcho(response: RawResponse, ...secrets: string[]) {
  const everything = response.headers.map(([n, v]) => `${n}: ${v}`).join('\n') + response.body;
  for (const secret of secrets) {
    for (const part of secret.split('.')) if (part.length > 8) expect(everything).not.toContain(part);
  }
}

// The DPoP challenges of the two kinds of route: DPoP alone (ES256, PS256), and Bearer or DPoP (ES256).
const onlyDpop = (parameters: ChallengeParameters = {}) => challenge.dpop({ algs: 'ES256 PS256', ...parameters });
const bothDpop = (parameters: ChallengeParameters = {}) => challenge.dpop({ algs: 'ES256', ...parameters });
const DPOP_ONLY = onlyDpop();
const proofError = (description: string) => onlyDpop({ error: 'invalid_dpop_proof', error_description: description });

describe('rule 53: the DPoP challenge', () => {
  it('a DPoP-only route offers DPoP alone, with exactly the configured algs, quoted', async () => {
    const port = await app();
    const response = await rawRequest(port, { path: '/dpop' });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([DPOP_ONLY]);
    expect(problem(response)).toMatchObject({ code: 'credentials_required', status: 401 });
  });

  it('a route taking both schemes offers Bearer and DPoP on separate lines', async () => {
    const port = await app();
    const response = await rawRequest(port, { path: '/both' });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([BEARER, bothDpop()]);
  });

  it('a Bearer token on a DPoP-only route is refused with the DPoP challenge only', async () => {
    const port = await app();
    const token = await issuer.token();
    const response = await rawRequest(port, { path: '/dpop', headers: [['Authorization', `Bearer ${token}`]] });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([DPOP_ONLY]);
  });
});

describe('rule 56: resource_metadata on DPoP challenges too', () => {
  it('each challenge line ends with resource_metadata', async () => {
    const server = express();
    server.get('/both', guard({ mode: 'allowed', algorithms: ['ES256'] }), (_req, res) => {
      res.end('ok');
    });
    const resourceMetadata = 'https://api.example.com/.well-known/oauth-protected-resource';
    server.use(authErrors({ resourceMetadata, onError: () => {} }));
    const port = await serve(server);
    const response = await rawRequest(port, { path: '/both' });
    expect(headerLines(response, 'www-authenticate')).toEqual([
      challenge.bearer({ resource_metadata: resourceMetadata }),
      bothDpop({ resource_metadata: resourceMetadata }),
    ]);
  });
});

describe('rule 52: a DPoP-bound token is refused as a bearer token', () => {
  it('401 invalid_token in the Bearer challenge, plus the DPoP challenge', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const response = await rawRequest(port, { path: '/both', headers: [['Authorization', `Bearer ${token}`]] });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      bearerError('invalid_token', 'The access token is bound to a key and cannot be used as a bearer token'),
      bothDpop(),
    ]);
    expect(problem(response)).toMatchObject({ code: 'invalid_token' });
    expectNoEcho(response, token);
  });

  it('an unbound token is still accepted as Bearer where both schemes are', async () => {
    const port = await app();
    const response = await rawRequest(port, {
      path: '/both',
      headers: [['Authorization', `Bearer ${await issuer.token()}`]],
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ scheme: 'Bearer' });
  });

  it('an unbound token with the DPoP scheme is invalid_token in the DPoP challenge', async () => {
    const port = await app();
    const token = await issuer.token();
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })];
    const response = await send({ port, path: '/dpop', token, proofs });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      onlyDpop({ error: 'invalid_token', error_description: 'The access token is not bound to a DPoP key' }),
    ]);
  });
});

describe('rule 71: a confirmation (cnf) this server does not verify makes a token unusable as a bearer token', () => {
  const UNVERIFIABLE = 'The access token has a confirmation (cnf) claim this server cannot verify';
  const CERTIFICATE = 'The access token is bound to a client certificate, which this server does not verify';
  const X5T = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';
  const cases: [string, unknown, string][] = [
    ['a jkt that is a number', { jkt: 123 }, UNVERIFIABLE],
    ['a jkt that is null', { jkt: null }, UNVERIFIABLE],
    ['a jkt that is an array', { jkt: [] }, UNVERIFIABLE],
    ['cnf null', null, UNVERIFIABLE],
    ['cnf a string', 'x', UNVERIFIABLE],
    ['cnf {}', {}, UNVERIFIABLE],
    ['a certificate thumbprint (RFC 8705 §3)', { 'x5t#S256': X5T }, CERTIFICATE],
  ];

  /** jwtAuth with DPoP on (/both), jwtAuth without it, bearerAuth (an introspection-style principal) with and without. */
  function routes() {
    const server = express();
    const jwt = (dpop?: DpopOption) =>
      jwtAuth({ key: issuer.signer.verifyKey, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], dpop });
    server.get('/both', jwt({ mode: 'allowed', algorithms: ['ES256'] }), (_req, res) => {
      res.end('ok');
    });
    server.get('/plain', jwt(), (_req, res) => {
      res.end('ok');
    });
    const introspected = new Map<string, unknown>();
    const opaque = (dpop?: DpopOption) =>
      bearerAuth({
        verify: (token) => (introspected.has(token) ? { sub: 'alice', cnf: introspected.get(token) } : false),
        dpop,
      });
    server.get('/opaque-both', opaque({ mode: 'allowed', algorithms: ['ES256'] }), (_req, res) => {
      res.end('ok');
    });
    server.get('/opaque', opaque(), (_req, res) => {
      res.end('ok');
    });
    server.use(authErrors({ onError: () => {} }));
    return { port: serve(server), introspected };
  }

  it.each(
    cases,
  )('%s: 401 invalid_token as Bearer, whether DPoP is on or off, JWT or introspected', async (_name, cnf, detail) => {
    const { port: listening, introspected } = routes();
    const port = await listening;
    const jwt = await issuer.token(undefined, { cnf } as never);
    const opaque = `opaque-${Math.random().toString(36).slice(2)}`;
    introspected.set(opaque, cnf);
    for (const [path, token, dpopLine] of [
      ['/both', jwt, true],
      ['/plain', jwt, false],
      ['/opaque-both', opaque, true],
      ['/opaque', opaque, false],
    ] as const) {
      const response = await rawRequest(port, { path, headers: [['Authorization', `Bearer ${token}`]] });
      expect(response.status, path).toBe(401);
      expect(headerLines(response, 'www-authenticate'), path).toEqual([
        bearerError('invalid_token', detail),
        ...(dpopLine ? [bothDpop()] : []),
      ]);
      expect(problem(response), path).toMatchObject({ code: 'invalid_token', detail });
      expectNoEcho(response, token);
    }
  });

  it.each<[string, unknown, string]>([
    ...cases,
    ['a jkt next to a certificate thumbprint', { jkt: 'KEY', 'x5t#S256': X5T }, CERTIFICATE],
    ['a jkt next to another member', { jkt: 'KEY', kid: 'k1' }, UNVERIFIABLE],
  ])('%s: 401 invalid_token in the DPoP challenge on the DPoP path, whatever the proof', async (_name, cnf, detail) => {
    const { port: listening, introspected } = routes();
    const port = await listening;
    const bound = JSON.parse(JSON.stringify(cnf).replaceAll('"KEY"', JSON.stringify(key.jkt)));
    const jwt = await issuer.token(undefined, { cnf: bound } as never);
    const opaque = `opaque-${Math.random().toString(36).slice(2)}`;
    introspected.set(opaque, bound);
    for (const [path, token] of [
      ['/both', jwt],
      ['/opaque-both', opaque],
    ] as const) {
      const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, path), token })];
      const response = await send({ port, path, token, proofs });
      expect(response.status, path).toBe(401);
      expect(headerLines(response, 'www-authenticate'), path).toEqual([
        BEARER,
        bothDpop({ error: 'invalid_token', error_description: detail }),
      ]);
      expectNoEcho(response, token, ...proofs);
    }
  });
});

describe('the access token of a DPoP request', () => {
  const expired = () => issuer.token(key.jkt, { exp: Math.floor(Date.now() / 1000) - 3600 });

  it('an expired bound token with a valid proof is invalid_token, answered in DPoP alone on a DPoP-only route', async () => {
    const port = await app();
    const token = await expired();
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })];
    const response = await send({ port, path: '/dpop', token, proofs });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      onlyDpop({ error: 'invalid_token', error_description: 'The access token expired' }),
    ]);
    expect(problem(response)).toMatchObject({ code: 'invalid_token', detail: 'The access token expired' });
    expectNoEcho(response, token, ...proofs);
  });

  it('where both schemes are, the error goes in the DPoP challenge the client used; Bearer is offered bare', async () => {
    const port = await app();
    const token = await expired();
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/both'), token })];
    const response = await send({ port, path: '/both', token, proofs });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      BEARER,
      bothDpop({ error: 'invalid_token', error_description: 'The access token expired' }),
    ]);
  });

  it('a malformed token after DPoP is invalid_token in DPoP; the proof is not looked at', async () => {
    const port = await app();
    const response = await send({ port, path: '/dpop', token: 'not~a~token!', proofs: [] });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      onlyDpop({ error: 'invalid_token', error_description: 'The access token is malformed' }),
    ]);
  });

  it('a DPoP token also sent in the query is 400 invalid_request in DPoP, whatever the proof', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop-query'), token })];
    const response = await send({ port, path: `/dpop-query?access_token=${token}`, token, proofs });
    expect(response.status).toBe(400);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      BEARER,
      bothDpop({ error: 'invalid_request', error_description: 'Multiple methods used to include access token' }),
    ]);
    expectNoEcho(response, token, ...proofs);
    // The same token in the query alone, without DPoP, is a bearer token bound to a key: refused.
    const alone = await rawRequest(port, { path: `/dpop-query?access_token=${token}` });
    expect(alone.status).toBe(401);
    expect(problem(alone)).toMatchObject({ code: 'invalid_token' });
  });
});

describe('rule 54: DPoP proofs are checked completely', () => {
  it('a valid proof for a bound token passes, and says which key', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })];
    const response = await send({ port, path: '/dpop', token, proofs });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ scheme: 'DPoP', jkt: key.jkt });
  });

  it('htu is compared after RFC 3986 normalisation (scheme and host case, default port, dot segments, percent-encoding), without query and fragment', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    for (const htu of [
      `HTTP://127.0.0.1:${port}/dpop`,
      `http://127.0.0.1:${port}/x/../dpop`,
      `http://127.0.0.1:${port}/%64pop`,
      // RFC 9449 §4.3: compared without query and fragment (these were refused before, against that section).
      `http://127.0.0.1:${port}/dpop?a=1`,
      `http://127.0.0.1:${port}/dpop#top`,
      `http://127.0.0.1:${port}/dpop?a=1#top`,
    ]) {
      const response = await send({
        port,
        path: '/dpop',
        token,
        proofs: [await proof({ key, htm: 'GET', htu, token })],
      });
      expect(response.status, htu).toBe(200);
    }
  });

  type BadProof = [string, (port: number, token: string) => Promise<string[]>, string];
  type Change = Pick<ProofInput, 'claims' | 'header'>;
  /**
   * A proof for GET /dpop with some claims or header members replaced (or, as
   * undefined, removed); a function when the change needs the port or the key,
   * which exist only once the test runs.
   */
  const changed =
    (change: Change | ((port: number) => Change)) =>
    async (port: number, token: string): Promise<string[]> => [
      await proof({
        key,
        htm: 'GET',
        htu: htuOf(port, '/dpop'),
        token,
        ...(typeof change === 'function' ? change(port) : change),
      }),
    ];
  /** A valid ES256 proof for GET /dpop whose header says another `alg`; payload and signature unchanged. */
  const relabelled =
    (alg: unknown) =>
    async (port: number, token: string): Promise<string[]> => {
      const [head, body, signature] = (await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })).split('.');
      const header = { ...JSON.parse(Buffer.from(head as string, 'base64url').toString()), alg };
      return [`${Buffer.from(JSON.stringify(header)).toString('base64url')}.${body}.${signature}`];
    };
  const bad: BadProof[] = [
    ['no proof', async () => [], 'A DPoP proof is required'],
    [
      'two DPoP lines',
      async (port, token) => [
        await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token }),
        await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token }),
      ],
      'The request has more than one DPoP header field',
    ],
    [
      'a comma-joined pair',
      async (port, token) => {
        const one = await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token });
        return [`${one}, ${one}`];
      },
      'The request has more than one DPoP header field',
    ],
    [
      'alg none',
      async (port) => {
        const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        const head = enc({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk });
        const body = enc({ htm: 'GET', htu: htuOf(port, '/dpop'), iat: Math.floor(Date.now() / 1000), jti: 'j' });
        return [`${head}.${body}.`];
      },
      'The DPoP proof is not a single compact JWT',
    ],
    [
      'HS256',
      async (port, token) => [
        await new SignJWT({ htm: 'GET', htu: htuOf(port, '/dpop'), iat: Math.floor(Date.now() / 1000), jti: 'h' })
          .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })
          .sign(new TextEncoder().encode(`${token.slice(0, 40)}`)),
      ],
      // Its own description now: this was "not validly signed", which sent developers to their key.
      'The DPoP proof algorithm is not accepted',
    ],
    [
      'a private jwk',
      async (port, token) => {
        const { exportJWK } = await import('jose');
        const priv = await exportJWK(key.privateKey);
        return [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token, header: { jwk: priv } })];
      },
      'The DPoP proof key must be a public JWK and nothing else',
    ],
    [
      'a jwk with an extra member',
      changed(() => ({ header: { jwk: { ...key.jwk, x5u: 'https://evil.test/' } } })),
      'The DPoP proof key must be a public JWK and nothing else',
    ],
    [
      'a huge jti',
      changed({ claims: { jti: 'j'.repeat(257) } }),
      'The DPoP proof needs a jti of at most 256 characters',
    ],
    ['no jti', changed({ claims: { jti: undefined } }), 'The DPoP proof needs a jti of at most 256 characters'],
    ['typ JWT', changed({ header: { typ: 'JWT' } }), 'The DPoP proof is not validly signed, or not of type dpop+jwt'],
    [
      'an algorithm outside dpop.algorithms (RS256 on an ES256 PS256 route)',
      async (port, token) => {
        const rsa = await clientKey('RS256');
        return [await proof({ key: rsa, alg: 'RS256', htm: 'GET', htu: htuOf(port, '/dpop'), token })];
      },
      'The DPoP proof algorithm is not accepted',
    ],
    ...(
      [
        ['an alg that is not a string', 1],
        ['an alg naming no algorithm', 'ES257'],
      ] as const
    ).map(([name, alg]): BadProof => [name, relabelled(alg), 'The DPoP proof algorithm is not accepted']),
    [
      'an ES256 signature labelled PS256 (an accepted alg, the wrong key type)',
      relabelled('PS256'),
      'The DPoP proof is not validly signed, or not of type dpop+jwt',
    ],
    [
      'htm POST on a GET',
      async (port, token) => [await proof({ key, htm: 'POST', htu: htuOf(port, '/dpop'), token })],
      'The DPoP proof is for another HTTP method',
    ],
    [
      'htu on another host',
      async (port, token) => [await proof({ key, htm: 'GET', htu: `http://other.test:${port}/dpop`, token })],
      'The DPoP proof is for another URI',
    ],
    [
      'htu path in another case',
      async (port, token) => [await proof({ key, htm: 'GET', htu: htuOf(port, '/DPOP'), token })],
      'The DPoP proof is for another URI',
    ],
    [
      'htu with https where the client used http',
      async (port, token) => [await proof({ key, htm: 'GET', htu: `https://127.0.0.1:${port}/dpop`, token })],
      'The DPoP proof is for another URI',
    ],
    [
      'iat in the far future',
      changed(() => ({ claims: { iat: Math.floor(Date.now() / 1000) + 3600 } })),
      'The DPoP proof was not issued within the accepted time window',
    ],
    [
      'iat in the far past',
      changed(() => ({ claims: { iat: Math.floor(Date.now() / 1000) - 3600 } })),
      'The DPoP proof was not issued within the accepted time window',
    ],
    [
      'ath of another token',
      async (port, token) => [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token: `${token}x` })],
      'The DPoP proof is not bound to this access token',
    ],
    ['no ath', changed({ claims: { ath: undefined } }), 'The DPoP proof is not bound to this access token'],
    [
      'a key other than the bound one',
      async (port, token) => [await proof({ key: otherKey, htm: 'GET', htu: htuOf(port, '/dpop'), token })],
      'The DPoP proof key is not the key the access token is bound to',
    ],
    [
      'non-ASCII in the header field',
      async (port, token) => [`${await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })}é`],
      'The DPoP proof is not a single compact JWT',
    ],
    [
      'a non-ASCII htu',
      async (port, token) => [await proof({ key, htm: 'GET', htu: htuOf(port, '/dpöp'), token })],
      'The DPoP proof is for another URI',
    ],
    ...(
      [
        ['a jwk that is null', null],
        ['a jwk that is a string', 'ey'],
        ['a jwk that is an array', [{ kty: 'EC' }]],
        ['a jwk of a symmetric key type', { kty: 'oct', k: 'c2VjcmV0' }],
        ['a jwk whose kty is not a string', { kty: ['EC'], crv: 'P-256', x: 'x', y: 'y' }],
        ['a jwk whose kty is an Object.prototype member', { kty: 'toString' }],
      ] as const
    ).map(
      ([name, jwk]): BadProof => [
        name,
        changed({ header: { jwk } as never }),
        'The DPoP proof key must be a public JWK and nothing else',
      ],
    ),
    [
      'htu with a user name',
      async (port, token) => [await proof({ key, htm: 'GET', htu: `http://alice@127.0.0.1:${port}/dpop`, token })],
      'The DPoP proof is for another URI',
    ],
    [
      'htu with a password',
      async (port, token) => [await proof({ key, htm: 'GET', htu: `http://:pw@127.0.0.1:${port}/dpop`, token })],
      'The DPoP proof is for another URI',
    ],
    [
      'htu with another scheme',
      async (port, token) => [await proof({ key, htm: 'GET', htu: `ws://127.0.0.1:${port}/dpop`, token })],
      'The DPoP proof is for another URI',
    ],
    [
      'htu without // (WHATWG URL would read it as the same URI)',
      async (port, token) => [await proof({ key, htm: 'GET', htu: `http:127.0.0.1:${port}/dpop`, token })],
      'The DPoP proof is for another URI',
    ],
    ['an empty jti', changed({ claims: { jti: '' } }), 'The DPoP proof needs a jti of at most 256 characters'],
    [
      'an htu that is not a string',
      changed((port) => ({ claims: { htu: { href: htuOf(port, '/dpop') } } })),
      'The DPoP proof is for another URI',
    ],
    ['no htu', changed({ claims: { htu: undefined } }), 'The DPoP proof is for another URI'],
    [
      'no iat',
      changed({ claims: { iat: undefined } }),
      'The DPoP proof was not issued within the accepted time window',
    ],
    [
      'a proof over 8 KiB',
      changed({ claims: { pad: 'x'.repeat(6200) } }),
      'The DPoP proof is not a single compact JWT',
    ],
    [
      'a character before the JWT',
      async (port, token) => [`=${await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })}`],
      'The DPoP proof is not a single compact JWT',
    ],
    [
      'a fourth segment',
      async (port, token) => [`${await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })}.e30`],
      'The DPoP proof is not a single compact JWT',
    ],
  ];

  it('the limits themselves pass: a 256-character jti, iat at the edge of the window, an empty list element', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const now = Math.floor(Date.now() / 1000);
    const htu = htuOf(port, '/dpop');
    for (const proofs of [
      [await proof({ key, htm: 'GET', htu, token, claims: { jti: 'j'.repeat(256) } })],
      [await proof({ key, htm: 'GET', htu, token, claims: { iat: now - 58 } })],
      [await proof({ key, htm: 'GET', htu, token, claims: { iat: now + 58 } })],
      // RFC 9110 §5.6.1: a recipient ignores empty list elements.
      [`${await proof({ key, htm: 'GET', htu, token })}, `],
      [await proof({ key, htm: 'GET', htu, token }), ''],
    ]) {
      const response = await send({ port, path: '/dpop', token, proofs });
      expect(response.status, proofs.join(' ').slice(0, 60)).toBe(200);
    }
  });

  it.each(bad)('%s: 401 invalid_dpop_proof, the DPoP challenge, nothing echoed', async (_name, make, description) => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = await make(port, token);
    const response = await send({ port, path: '/dpop', token, proofs });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([proofError(description)]);
    expect(header(response, 'cache-control')).toBe('no-store');
    expect(problem(response)).toEqual({
      type: 'https://auth-errors.dev/problems/invalid-dpop-proof',
      title: 'Invalid DPoP proof',
      status: 401,
      detail: description,
      code: 'invalid_dpop_proof',
    });
    expectNoEcho(response, token, ...proofs);
  });

  it('a replayed proof is refused; a proof that failed another check reserved nothing', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const htu = htuOf(port, '/dpop');
    const jti = 'one-time';
    const wrong = await proof({ key, htm: 'GET', htu, token: `${token}x`, claims: { jti } });
    expect((await send({ port, path: '/dpop', token, proofs: [wrong] })).status).toBe(401);
    const right = await proof({ key, htm: 'GET', htu, token, claims: { jti } });
    expect((await send({ port, path: '/dpop', token, proofs: [right] })).status).toBe(200);
    const replay = await send({ port, path: '/dpop', token, proofs: [right] });
    expect(replay.status).toBe(401);
    expect(headerLines(replay, 'www-authenticate')).toEqual([proofError('The DPoP proof was already used')]);
    // The same jti for another URI is another proof.
    const elsewhere = await proof({ key, htm: 'GET', htu: htuOf(port, '/both'), token, claims: { jti } });
    expect((await send({ port, path: '/both', token, proofs: [elsewhere] })).status).toBe(200);
  });

  it('a failing replay store is 503 with Retry-After, never a pass and never a 401', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/down'), token })];
    const response = await send({ port, path: '/down', token, proofs });
    expect(response.status).toBe(503);
    expect(header(response, 'retry-after')).toBe('5');
    expect(headerLines(response, 'www-authenticate')).toEqual([]);
    expect(problem(response)).toMatchObject({ code: 'auth_unavailable' });
  });

  it('a full in-process store fails closed (503) rather than evict a live proof', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const htu = htuOf(port, '/small');
    const first = await proof({ key, htm: 'GET', htu, token });
    expect((await send({ port, path: '/small', token, proofs: [first] })).status).toBe(200);
    // Another key: the same key would be over its share of this one-entry store first (429, rule 70).
    const otherToken = await issuer.token(otherKey.jkt);
    const other = await proof({ key: otherKey, htm: 'GET', htu, token: otherToken });
    const second = await send({ port, path: '/small', token: otherToken, proofs: [other] });
    expect(second.status).toBe(503);
    expect(problem(second)).toMatchObject({ code: 'auth_unavailable' });
    const again = await send({ port, path: '/small', token, proofs: [await proof({ key, htm: 'GET', htu, token })] });
    expect(again.status).toBe(429);
    expect((await send({ port, path: '/small', token, proofs: [first] })).status).toBe(401);
  });

  it("rule 70: a store's { retryAfter } answer is 429 with that Retry-After and no challenge; anything else is 503", async () => {
    const owners: unknown[] = [];
    const answers: unknown[] = [{ retryAfter: 7 }, { retryAfter: -1 }, 'yes', { retryAfter: 1.5 }, null];
    const server = express();
    server.get(
      '/shared',
      guard({
        mode: 'allowed',
        algorithms: ['ES256'],
        replayStore: {
          reserve: async (_key: string, _ttl: number, owner: string) => {
            owners.push(owner);
            return answers.shift() as boolean;
          },
        },
      }),
      (_req, res) => {
        res.end('ok');
      },
    );
    server.use(authErrors({ onError: () => {} }));
    const port = await serve(server);
    const token = await issuer.token(key.jkt);
    const call = async () =>
      send({
        port,
        path: '/shared',
        token,
        proofs: [await proof({ key, htm: 'GET', htu: htuOf(port, '/shared'), token })],
      });
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(header(limited, 'retry-after')).toBe('7');
    expect(headerLines(limited, 'www-authenticate')).toEqual([]);
    expect(header(limited, 'cache-control')).toBe('no-store');
    expect(problem(limited)).toEqual({
      type: 'https://auth-errors.dev/problems/too-many-requests',
      title: 'Too many requests',
      status: 429,
      detail: 'This DPoP key sent more proofs than the server holds for one key. Retry after Retry-After seconds',
      code: 'too_many_requests',
    });
    for (let i = 0; i < 4; i++) {
      const odd = await call();
      expect(odd.status).toBe(503);
      expect(header(odd, 'retry-after')).toBe('5');
    }
    // The owner is the proof key's thumbprint.
    expect(owners).toEqual(Array(5).fill(key.jkt));
  });

  it('rule 70: a key over its share is logged once per episode: no line per refusal, a new one after a quiet window', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const server = express();
      const limited = guard({
        mode: 'required',
        algorithms: ['ES256'],
        replayStore: { reserve: async () => ({ retryAfter: 1 }) },
      });
      server.get('/limited', limited, (_req, res) => {
        res.end('ok');
      });
      server.use(authErrors());
      const port = await serve(server);
      const token = await issuer.token(key.jkt);
      const otherToken = await issuer.token(otherKey.jkt);
      const call = async (k: ClientKey, t: string) =>
        (
          await send({
            port,
            path: '/limited',
            token: t,
            proofs: [await proof({ key: k, htm: 'GET', htu: htuOf(port, '/limited'), token: t })],
          })
        ).status;
      for (let i = 0; i < 10; i++) expect(await call(key, token)).toBe(429);
      expect(consoleError).toHaveBeenCalledTimes(1);
      expect(await call(otherKey, otherToken)).toBe(429); // another key: an episode of its own
      expect(consoleError).toHaveBeenCalledTimes(2);
      // Refused again within the proofs' lifetime (the window): the same episode.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 50_000 });
      expect(await call(key, token)).toBe(429);
      expect(consoleError).toHaveBeenCalledTimes(2);
      // Not refused for longer than a proof lives: a new episode, a new line.
      vi.setSystemTime(Date.now() + 61_000);
      expect(await call(key, token)).toBe(429);
      expect(consoleError).toHaveBeenCalledTimes(3);
      for (const [line] of consoleError.mock.calls) {
        expect(line).toBe(
          'auth-errors: a DPoP key holds its whole share of the replay store: its requests get 429 until its oldest proofs expire',
        );
      }
    } finally {
      vi.useRealTimers();
      consoleError.mockRestore();
    }
  });

  it('a store written for reserve(key, ttl) keeps working: it records proofs, with no share per key', async () => {
    const seen = new Set<string>();
    const server = express();
    server.get(
      '/own',
      guard({
        mode: 'required',
        algorithms: ['ES256'],
        replayStore: {
          async reserve(key: string, ttl: number) {
            expect(ttl).toBeGreaterThan(0);
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          },
        },
      }),
      (_req, res) => {
        res.end('ok');
      },
    );
    server.use(authErrors({ onError: () => {} }));
    const port = await serve(server);
    const token = await issuer.token(key.jkt);
    const once = await proof({ key, htm: 'GET', htu: htuOf(port, '/own'), token });
    expect((await send({ port, path: '/own', token, proofs: [once] })).status).toBe(200);
    expect((await send({ port, path: '/own', token, proofs: [once] })).status).toBe(401);
  });

  it('insufficient_scope answers in the scheme the client used', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: htuOf(port, '/write'), token })];
    const response = await send({ port, path: '/write', token, proofs });
    expect(response.status).toBe(403);
    expect(headerLines(response, 'www-authenticate')).toEqual([
      bothDpop({ error: 'insufficient_scope', scope: 'write' }),
    ]);
    const bearer = await rawRequest(port, {
      path: '/write',
      headers: [['Authorization', `Bearer ${await issuer.token()}`]],
    });
    expect(headerLines(bearer, 'www-authenticate')).toEqual([
      challenge.bearer({ error: 'insufficient_scope', scope: 'write' }),
    ]);
  });
});

describe('rule 73: a proof key is checked cheaply before it costs an import or a signature check', () => {
  const RSA_LIMITS = 'The DPoP proof key must be an RSA key of 2048 to 4096 bits with exponent 65537';
  const WRONG_KEY = 'The DPoP proof key is not the key the access token is bound to';
  const huge = JSON.parse(readFileSync(new URL('./support/rsa-16384.public.json', import.meta.url), 'utf8')) as JWK;

  /** A valid RSA key pair of `bits` bits and exponent `e`, as a ClientKey. */
  function rsaKey(bits: number, e = 65537): ClientKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: e });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    return { privateKey, publicKey, jwk, jkt: '' } as unknown as ClientKey;
  }

  /** Counts WebCrypto imports and signature checks while `run` runs. */
  async function counting(run: () => Promise<void>): Promise<{ imports: number; verifies: number }> {
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const verify = vi.spyOn(crypto.subtle, 'verify');
    try {
      await run();
      return { imports: importKey.mock.calls.length, verifies: verify.mock.calls.length };
    } finally {
      importKey.mockRestore();
      verify.mockRestore();
    }
  }

  async function refused(port: number, token: string, proofs: string[], detail: string) {
    const response = await send({ port, path: '/dpop', token, proofs });
    expect(response.status).toBe(401);
    expect(headerLines(response, 'www-authenticate')).toEqual([proofError(detail)]);
    expect(problem(response)).toMatchObject({ code: 'invalid_dpop_proof', detail });
  }

  it('RSA keys outside 2048 to 4096 bits or with another exponent: refused before any import, whoever they belong to', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const htu = htuOf(port, '/dpop');
    const small = rsaKey(1024);
    const three = rsaKey(2048, 3);
    // The signatures do not matter: nothing reaches the signature check. Each key is the token's own key here.
    const cases: [string, JWK][] = [
      ['16384 bits', huge],
      ['1024 bits', small.jwk],
      ['exponent 3', three.jwk],
      ['a modulus that is not base64url', { kty: 'RSA', n: 'not base64url!', e: 'AQAB' }],
    ];
    for (const [name, jwk] of cases) {
      const bound = await issuer.token(await calculateJwkThumbprint(jwk));
      const made = await proof({ key, htm: 'GET', htu, token: bound, header: { alg: 'PS256', jwk } }).catch(() => '');
      const dpop = made || (await relabelledWith(port, bound, { alg: 'PS256', jwk }));
      const counts = await counting(() => refused(port, bound, [dpop], RSA_LIMITS));
      // One signature check: the access token's (its key was imported when the guard was made).
      expect(counts, name).toEqual({ imports: 0, verifies: 1 });
    }
    expect(token).not.toBe('');
  });

  it('a foreign key, validly signed: refused on its thumbprint, before it is imported or its signature checked', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const htu = htuOf(port, '/dpop');
    const foreign = rsaKey(4096);
    const made = await new SignJWT({ htm: 'GET', htu, iat: Math.floor(Date.now() / 1000), jti: 'f', ath: ath(token) })
      .setProtectedHeader({ alg: 'PS256', typ: 'dpop+jwt', jwk: foreign.jwk })
      .sign(foreign.privateKey as never);
    const counts = await counting(() => refused(port, token, [made], WRONG_KEY));
    expect(counts).toEqual({ imports: 0, verifies: 1 }); // the access token's signature only
    // The wrong key and a bad signature together: the key is named, truthfully; a bad signature with the right key is.
    const [head, body] = made.split('.');
    await refused(port, token, [`${head}.${body}.${'A'.repeat(683)}`], WRONG_KEY);
    const own = (await proof({ key, htm: 'GET', htu, token })).split('.');
    await refused(
      port,
      token,
      [`${own[0]}.${own[1]}.${'A'.repeat(86)}`],
      'The DPoP proof is not validly signed, or not of type dpop+jwt',
    );
    // And the bound key's valid proof still costs its signature check, and passes.
    const valid = await proof({ key, htm: 'GET', htu, token });
    expect((await send({ port, path: '/dpop', token, proofs: [valid] })).status).toBe(200);
  });

  it('an RSA proof key at the bounds (2048 and 4096 bits) passes', async () => {
    const port = await app();
    for (const bits of [2048, 4096]) {
      const rsa = rsaKey(bits);
      const jkt = await calculateJwkThumbprint(rsa.jwk);
      const token = await issuer.token(jkt);
      const dpop = await new SignJWT({
        htm: 'GET',
        htu: htuOf(port, '/dpop'),
        iat: Math.floor(Date.now() / 1000),
        jti: `b${bits}`,
        ath: ath(token),
      })
        .setProtectedHeader({ alg: 'PS256', typ: 'dpop+jwt', jwk: rsa.jwk })
        .sign(rsa.privateKey as never);
      expect((await send({ port, path: '/dpop', token, proofs: [dpop] })).status, String(bits)).toBe(200);
    }
  });

  /** A proof whose header is `header` (any key), over valid claims, with a made-up signature. */
  async function relabelledWith(port: number, token: string, header: object): Promise<string> {
    const [, body] = (await proof({ key, htm: 'GET', htu: htuOf(port, '/dpop'), token })).split('.');
    const head = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', ...header })).toString('base64url');
    return `${head}.${body}.${'A'.repeat(86)}`;
  }
});

describe('rule 55: resource-server nonces', () => {
  const nonceChallenge = bothDpop({
    error: 'use_dpop_nonce',
    error_description: 'Resource server requires nonce in DPoP proof',
  });

  it('no nonce: 401 use_dpop_nonce with one DPoP-Nonce header, not cacheable, exposed to CORS; the nonce then works', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const htu = htuOf(port, '/nonce');
    const first = await send({
      port,
      path: '/nonce',
      token,
      proofs: [await proof({ key, htm: 'GET', htu, token })],
      extra: [['Origin', 'https://app.example']],
    });
    expect(first.status).toBe(401);
    expect(headerLines(first, 'www-authenticate')).toEqual([nonceChallenge]);
    const nonces = headerLines(first, 'dpop-nonce');
    expect(nonces).toHaveLength(1);
    expect(nonces[0]).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/);
    expect(header(first, 'cache-control')).toBe('no-store');
    expect(header(first, 'access-control-expose-headers')).toBe('WWW-Authenticate, DPoP-Nonce');
    expect(problem(first)).toMatchObject({ status: 401, code: 'use_dpop_nonce', title: 'DPoP nonce required' });

    const nonce = nonces[0] as string;
    const second = await send({
      port,
      path: '/nonce',
      token,
      proofs: [await proof({ key, htm: 'GET', htu, token, nonce })],
    });
    expect(second.status).toBe(200);
  });

  it('a forged nonce, a nonce for another key, and one from a rotated-out secret are use_dpop_nonce', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const otherToken = await issuer.token(otherKey.jkt);
    const htu = htuOf(port, '/nonce');
    const fresh = async (k: ClientKey, t: string, path = '/nonce') => {
      const r = await send({
        port,
        path,
        token: t,
        proofs: [await proof({ key: k, htm: 'GET', htu: htuOf(port, path), token: t })],
      });
      return header(r, 'dpop-nonce') as string;
    };
    const forOther = await fresh(otherKey, otherToken);
    const fromOld = await fresh(key, token, '/old-nonce'); // signed by SECRET_OLD, which /nonce still verifies
    const rotatedOut = `${fromOld.split('.')[0]}.${'A'.repeat(43)}`;
    for (const nonce of [forOther, rotatedOut, 'not-a-nonce']) {
      const response = await send({
        port,
        path: '/nonce',
        token,
        proofs: [await proof({ key, htm: 'GET', htu, token, nonce })],
      });
      expect(response.status, nonce).toBe(401);
      expect(headerLines(response, 'www-authenticate')).toEqual([nonceChallenge]);
    }
    // The old secret is still listed on /nonce: its nonces are accepted during the rotation.
    const rotated = await send({
      port,
      path: '/nonce',
      token,
      proofs: [await proof({ key, htm: 'GET', htu, token, nonce: fromOld })],
    });
    expect(rotated.status).toBe(200);
  });
});

describe('nonce renewal', () => {
  afterEach(() => vi.useRealTimers());

  it('a success past half the nonce lifetime carries the next nonce, not cacheable; a fresh one carries none', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const htu = htuOf(port, '/short-nonce');
    const call = (nonce?: string) =>
      proof({ key, htm: 'GET', htu, token, ...(nonce === undefined ? {} : { nonce }) }).then((p) =>
        send({ port, path: '/short-nonce', token, proofs: [p] }),
      );
    const nonce = header(await call(), 'dpop-nonce') as string;
    const fresh = await call(nonce);
    expect(fresh.status).toBe(200);
    expect(headerLines(fresh, 'dpop-nonce')).toEqual([]);
    // Only Date moves: 6 of the nonce's 10 seconds have passed.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6000 });
    const late = await call(nonce);
    expect(late.status).toBe(200);
    const next = headerLines(late, 'dpop-nonce');
    expect(next).toHaveLength(1);
    expect(next[0]).not.toBe(nonce);
    expect(header(late, 'cache-control')).toBe('no-store');
    expect((await call(next[0])).status).toBe(200);
    // Past its lifetime the old nonce is refused.
    vi.setSystemTime(Date.now() + 5000);
    expect(JSON.parse((await call(nonce)).body)).toMatchObject({ code: 'use_dpop_nonce' });
  });
});

describe('the external URI (htu)', () => {
  it('X-Forwarded-* is ignored unless the app trusts its proxy', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: 'https://api.example.com/dpop', token })];
    const forwarded = [
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'api.example.com'],
    ] as const;
    const response = await send({ port, path: '/dpop', token, proofs, extra: forwarded });
    expect(response.status).toBe(401);
    expect(problem(response)).toMatchObject({ detail: 'The DPoP proof is for another URI' });
  });

  it("Express's trust proxy setting makes the forwarded scheme and host the external URI", async () => {
    const port = await app((server) => server.set('trust proxy', 'loopback'));
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: 'https://api.example.com/dpop', token })];
    const forwarded = [
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'api.example.com'],
    ] as const;
    expect((await send({ port, path: '/dpop', token, proofs, extra: forwarded })).status).toBe(200);
  });

  it('publicUrl names the external origin whatever the request says', async () => {
    const port = await app();
    const token = await issuer.token(key.jkt);
    const proofs = [await proof({ key, htm: 'GET', htu: 'https://api.example.com/public', token })];
    expect((await send({ port, path: '/public?x=1', token, proofs })).status).toBe(200);
  });

  it('options are checked when the guard is made', () => {
    const make = (dpop: unknown) => () => guard(dpop as DpopOption);
    expect(make({ mode: 'sometimes' })).toThrow(/"dpop.mode"/);
    expect(make({ mode: 'required', algorithms: ['HS256'] })).toThrow(/"dpop.algorithms"/);
    expect(make({ mode: 'required', algorithms: ['none'] })).toThrow(/"dpop.algorithms"/);
    expect(make({ mode: 'required', window: 0 })).toThrow(/"dpop.window"/);
    expect(make({ mode: 'required', nonce: { secrets: ['short'] } })).toThrow(/"dpop.nonce.secrets"/);
    expect(make({ mode: 'required', publicUrl: 'https://api.example.com/base' })).toThrow(/"publicUrl"/);
    expect(make({ mode: 'required', replayStore: {} })).toThrow(/"dpop.replayStore"/);
  });

  const SECRET = 'a-nonce-secret-that-is-32-bytes-long!';
  it.each<[string, unknown, RegExp]>([
    ['null', null, /option "dpop" must be an object/],
    ['a string', 'required', /option "dpop" must be an object/],
    ['no mode', {}, /"dpop.mode" must be "allowed" or "required"/],
    ['no algorithms', { mode: 'required', algorithms: [] }, /"dpop.algorithms" must be a non-empty array of RS256/],
    ['algorithms as a string', { mode: 'required', algorithms: 'ES256' }, /"dpop.algorithms"/],
    ['one symmetric algorithm among others', { mode: 'required', algorithms: ['ES256', 'HS256'] }, /"dpop.algorithms"/],
    [
      'a window of 301 s',
      { mode: 'required', window: 301 },
      /"dpop.window" must be an integer number of seconds from 1 to 300/,
    ],
    ['a fractional window', { mode: 'required', window: 1.5 }, /"dpop.window"/],
    ['a negative retryAfter', { mode: 'required', retryAfter: -1 }, /"dpop.retryAfter" must be a non-negative integer/],
    ['a fractional retryAfter', { mode: 'required', retryAfter: 0.5 }, /"dpop.retryAfter"/],
    [
      'a replayStore whose reserve is not a function',
      { mode: 'required', replayStore: { reserve: 'x' } },
      /"dpop.replayStore"/,
    ],
    ...[
      'ftp://api.example.com',
      'https://api.example.com/?x=1',
      'https://api.example.com/#x',
      'https://ops@api.example.com',
      'https://:pw@api.example.com',
      42,
    ].map((publicUrl): [string, unknown, RegExp] => [
      `publicUrl ${publicUrl}`,
      { mode: 'required', publicUrl },
      /"publicUrl" must be an http\(s\) origin/,
    ]),
    ['nonce null', { mode: 'required', nonce: null }, /"dpop.nonce" must be an object/],
    [
      'nonce without secrets',
      { mode: 'required', nonce: { secrets: [] } },
      /"dpop.nonce.secrets" must be a non-empty array/,
    ],
    ['nonce secrets as a string', { mode: 'required', nonce: { secrets: SECRET } }, /"dpop.nonce.secrets"/],
    ['a nonce secret that is a number', { mode: 'required', nonce: { secrets: [SECRET, 42] } }, /"dpop.nonce.secrets"/],
    [
      'a nonce lifetime of 9 s',
      { mode: 'required', nonce: { secrets: [SECRET], lifetime: 9 } },
      /"dpop.nonce.lifetime" must be an integer number of seconds from 10 to 86400/,
    ],
    [
      'a nonce lifetime past a day',
      { mode: 'required', nonce: { secrets: [SECRET], lifetime: 86401 } },
      /"dpop.nonce.lifetime"/,
    ],
  ])('dpop option refused: %s', (_name, dpop, message) => {
    expect(() => guard(dpop as DpopOption)).toThrow(TypeError);
    expect(() => guard(dpop as DpopOption)).toThrow(message);
  });

  it('the bounds of every dpop option are accepted', () => {
    const bytes = new TextEncoder().encode(SECRET);
    for (const dpop of [
      { mode: 'allowed', window: 1, retryAfter: 0 },
      { mode: 'required', window: 300, algorithms: ['EdDSA', 'EdDSA'] },
      { mode: 'required', nonce: { secrets: [SECRET, bytes], lifetime: 10 } },
      { mode: 'required', nonce: { secrets: [bytes], lifetime: 86400 } },
      { mode: 'required', replayStore: { reserve: async () => true } },
      { mode: 'required', publicUrl: new URL('https://api.example.com/') },
      { mode: 'required', publicUrl: 'http://localhost:3000' },
    ]) {
      expect(() => guard(dpop as DpopOption), JSON.stringify(dpop)).not.toThrow();
    }
  });
});
