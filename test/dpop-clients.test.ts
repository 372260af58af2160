/**
 * DPoP with real clients, on a real Express 5 server: oauth4webapi's DPoP
 * handle (`DPoP()` + `protectedResourceRequest`) completes a round trip with
 * server nonces on, reading our `use_dpop_nonce` challenge and `DPoP-Nonce`
 * itself: the interoperability proof. panva's `dpop` package makes the proofs
 * of the negative cases. `bearerAuth` takes DPoP for opaque tokens whose
 * `verify` returns the confirmation key. The DPoP header is fuzzed: never a
 * 5xx, never anything but a well-formed challenge, nothing echoed
 * (docs/conformance.md rules 53–55).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { authErrors, bearerAuth, jwtAuth } from '@auth-errors/express';
import * as dpopLib from 'dpop';
import express from 'express';
import fc from 'fast-check';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenge } from './support/challenge-lines.js';
import { bearerError } from './support/contract-cases.js';
import { AUDIENCE, ath, clientKey, createIssuer, ISSUER, type Issuer, proof } from './support/dpop.js';
import { close, header, headerLines, listen, type RawResponse, rawRequest } from './support/http.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const SECRETS = ['the-nonce-secret-every-instance-shares-0123'];
const CHALLENGE =
  /^DPoP realm="api"(?:, [a-z_]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*")*, algs="ES256 Ed25519"$/;

let issuer: Issuer;
let port: number;
let server: Server;
/** Opaque tokens of the bearerAuth route: what an introspection endpoint would answer for each. */
const opaque = new Map<string, { sub: string; scope: string; cnf?: { jkt: string } }>();

beforeAll(async () => {
  issuer = createIssuer();
  const app = express();
  const dpop = { mode: 'required', algorithms: ['ES256', 'Ed25519'], nonce: { secrets: SECRETS } } as const;
  app.get(
    '/orders',
    jwtAuth({ key: issuer.signer.verifyKey, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], dpop }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  // The default proof algorithms (no `algorithms` option).
  app.get(
    '/defaults',
    jwtAuth({
      key: issuer.signer.verifyKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      dpop: { mode: 'required' },
    }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  app.get(
    '/opaque',
    bearerAuth({ verify: (token) => opaque.get(token) ?? false, dpop: { mode: 'allowed', algorithms: ['ES256'] } }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  app.use(authErrors({ onError: () => {} }));
  server = createServer(app);
  port = await listen(server); // one server for the file: serve() would close it after the first test
});

afterAll(() => close(server));

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

describe('oauth4webapi, a real DPoP client', () => {
  it('round trip with server nonces: the client learns the nonce from our 401 and retries; later calls reuse it', async () => {
    const keyPair = await oauth.generateKeyPair('ES256');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const token = await issuer.token(jkt);
    const handle = oauth.DPoP({}, keyPair);
    const request = () =>
      oauth.protectedResourceRequest(token, 'GET', new URL(url('/orders')), new Headers(), null, {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
      });

    const nonceErrors: unknown[] = [];
    let response: Response | undefined;
    for (let attempt = 0; attempt < 2 && response === undefined; attempt++) {
      try {
        response = await request();
      } catch (error) {
        if (!oauth.isDPoPNonceError(error)) throw error;
        nonceErrors.push(error);
      }
    }
    expect(nonceErrors).toHaveLength(1);
    // What the client parsed from our challenge.
    expect((nonceErrors[0] as { cause: unknown }).cause).toEqual([
      {
        scheme: 'dpop',
        parameters: {
          realm: 'api',
          error: 'use_dpop_nonce',
          error_description: 'Resource server requires nonce in DPoP proof',
          algs: 'ES256 Ed25519',
        },
      },
    ]);
    expect(response?.status).toBe(200);
    expect(await response?.json()).toEqual({ ok: true });
    // The nonce is cached by the handle: the next request passes at once.
    expect((await request()).status).toBe(200);
  });
});

describe('oauth4webapi with an Ed25519 key, labelled alg "Ed25519" (RFC 9864), on the default algorithms', () => {
  it('is accepted by default beside EdDSA, and Ed25519 is in the challenge algs', async () => {
    const keyPair = await oauth.generateKeyPair('Ed25519');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    const token = await issuer.token(jkt);
    const handle = oauth.DPoP({}, keyPair);
    const seen: string[] = [];
    const response = await oauth.protectedResourceRequest(
      token,
      'GET',
      new URL(url('/defaults')),
      new Headers(),
      null,
      {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
          const dpop = new Headers(init?.headers).get('dpop') ?? '';
          seen.push(JSON.parse(Buffer.from(dpop.split('.')[0] as string, 'base64url').toString()).alg);
          return fetch(input, init);
        },
      },
    );
    expect(seen).toEqual(['Ed25519']);
    expect(response.status).toBe(200);
    const defaults = await rawRequest(port, { path: '/defaults' });
    expect(headerLines(defaults, 'www-authenticate')).toEqual([
      challenge.dpop({ algs: 'ES256 EdDSA Ed25519 PS256 RS256' }),
    ]);
  });
});

describe("panva's dpop: proofs for the negative cases", () => {
  async function send(token: string, proofs: string[]): Promise<RawResponse> {
    return rawRequest(port, {
      path: '/orders',
      headers: [['Authorization', `DPoP ${token}`], ...proofs.map((p) => ['DPoP', p] as [string, string])],
    });
  }

  it('an Ed25519 key passes once the nonce is in the proof', async () => {
    const keyPair = await dpopLib.generateKeyPair('Ed25519');
    const token = await issuer.token(await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)));
    const first = await send(token, [await dpopLib.generateProof(keyPair, url('/orders'), 'GET', undefined, token)]);
    expect(first.status).toBe(401);
    const nonce = header(first, 'dpop-nonce') as string;
    const second = await send(token, [await dpopLib.generateProof(keyPair, url('/orders'), 'GET', nonce, token)]);
    expect(second.status).toBe(200);
  });

  it.each([
    ['a proof for POST', { htm: 'POST' }, 'The DPoP proof is for another HTTP method'],
    ['a proof for another path', { htu: '/elsewhere' }, 'The DPoP proof is for another URI'],
    ['a proof without ath', { token: undefined }, 'The DPoP proof is not bound to this access token'],
    ['a proof for another token', { token: 'another-token' }, 'The DPoP proof is not bound to this access token'],
  ] as const)('%s: 401 invalid_dpop_proof', async (_name, change, detail) => {
    const keyPair = await dpopLib.generateKeyPair('ES256');
    const token = await issuer.token(await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)));
    const nonce = header(
      await send(token, [await dpopLib.generateProof(keyPair, url('/orders'), 'GET', undefined, token)]),
      'dpop-nonce',
    );
    const htu = 'htu' in change ? url(change.htu) : url('/orders');
    const htm = 'htm' in change ? change.htm : 'GET';
    const bound = 'token' in change ? change.token : token;
    const response = await send(token, [await dpopLib.generateProof(keyPair, htu, htm, nonce, bound)]);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'invalid_dpop_proof', detail });
    expect(headerLines(response, 'www-authenticate')).toEqual([
      challenge.dpop({ error: 'invalid_dpop_proof', error_description: detail, algs: 'ES256 Ed25519' }),
    ]);
  });

  it('a nonce made up by the client is use_dpop_nonce, with a fresh one', async () => {
    const keyPair = await dpopLib.generateKeyPair('ES256');
    const token = await issuer.token(await calculateJwkThumbprint(await exportJWK(keyPair.publicKey)));
    const response = await send(token, [await dpopLib.generateProof(keyPair, url('/orders'), 'GET', 'made-up', token)]);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'use_dpop_nonce' });
    expect(headerLines(response, 'dpop-nonce')).toHaveLength(1);
  });
});

describe('bearerAuth: opaque tokens bound by what verify returns (cnf.jkt)', () => {
  it('DPoP with the bound key passes; the same token as Bearer is refused; an unbound one passes as Bearer', async () => {
    const key = await clientKey();
    const bound = randomUUID();
    const plain = randomUUID();
    opaque.set(bound, { sub: 'alice', scope: 'read', cnf: { jkt: key.jkt } });
    opaque.set(plain, { sub: 'bob', scope: 'read' });
    const dpop = await proof({ key, htm: 'GET', htu: url('/opaque'), token: bound });
    const ok = await rawRequest(port, {
      path: '/opaque',
      headers: [
        ['Authorization', `DPoP ${bound}`],
        ['DPoP', dpop],
      ],
    });
    expect(ok.status).toBe(200);
    const asBearer = await rawRequest(port, { path: '/opaque', headers: [['Authorization', `Bearer ${bound}`]] });
    expect(asBearer.status).toBe(401);
    expect(headerLines(asBearer, 'www-authenticate')).toEqual([
      bearerError('invalid_token', 'The access token is bound to a key and cannot be used as a bearer token'),
      challenge.dpop({ algs: 'ES256' }),
    ]);
    const plainBearer = await rawRequest(port, { path: '/opaque', headers: [['Authorization', `Bearer ${plain}`]] });
    expect(plainBearer.status).toBe(200);
  });
});

describe('fuzzing the DPoP header', () => {
  /** Field values that reach the app: Node's parser answers 400 itself to control characters but HTAB; anything else, non-ASCII included. */
  const fieldValue = fc
    .string({ unit: 'binary', maxLength: 120 })
    .map((s) =>
      [...s]
        .filter((c) => c === '\t' || (c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f))
        .join('')
        .trim(),
    )
    .filter((s) => s.length > 0);

  it(`any DPoP field lines: 401 with one well-formed DPoP challenge, never a 5xx, nothing echoed (${RUNS} runs, seed ${SEED})`, async () => {
    const key = await clientKey();
    const token = await issuer.token(key.jkt);
    const valid = await proof({ key, htm: 'GET', htu: url('/orders'), token });
    const [head = '', body = '', signature = ''] = valid.split('.');
    const mutated = fc.oneof(
      fieldValue,
      fc.tuple(fieldValue, fc.constantFrom(0, 1, 2)).map(([junk, part]) => {
        const parts = [head, body, signature];
        parts[part] = junk;
        return parts.join('.');
      }),
      fc.constant(`${valid},${valid}`),
      fc.constant(`${head}.${body}.`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutated, { minLength: 1, maxLength: 3 }), async (lines) => {
        const response = await rawRequest(port, {
          path: '/orders',
          headers: [['Authorization', `DPoP ${token}`], ...lines.map((l) => ['DPoP', l] as [string, string])],
        });
        expect(response.status).toBe(401);
        const challenges = headerLines(response, 'www-authenticate');
        expect(challenges).toHaveLength(1);
        expect(challenges[0]).toMatch(CHALLENGE);
        const code = (JSON.parse(response.body) as { code: string }).code;
        expect(['invalid_dpop_proof', 'use_dpop_nonce']).toContain(code);
        const seen = response.headers.map(([n, v]) => `${n}: ${v}`).join('\n') + response.body;
        for (const line of lines) {
          for (const part of line.split(/[.,\s]/)) if (part.length >= 12) expect(seen).not.toContain(part);
        }
        expect(seen).not.toContain(ath(token));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

describe('htu normalisation, as a property', () => {
  const UNRESERVED = 'abcXYZ019-._~';
  /** `text` with some unreserved characters percent-encoded, in either hex case (RFC 3986 §6.2.2.2 says they are equal). */
  const encodings = (text: string) =>
    fc
      .array(fc.constantFrom('plain', 'lower', 'upper'), { minLength: text.length, maxLength: text.length })
      .map((how) =>
        [...text]
          .map((c, i) => {
            if (c === '/' || how[i] === 'plain') return c;
            const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
            return `%${how[i] === 'upper' ? hex.toUpperCase() : hex.toLowerCase()}`;
          })
          .join(''),
      );
  const path = fc
    .array(fc.string({ unit: fc.constantFrom(...UNRESERVED), minLength: 1, maxLength: 8 }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((segments) => `/${segments.join('/')}`)
    .filter((p) => !p.split('/').some((s) => s === '.' || s === '..'));

  it(`any spelling of the same URI passes, another path never does (${RUNS} runs, seed ${SEED})`, async () => {
    const app = express();
    app.use(
      jwtAuth({
        key: issuer.signer.verifyKey,
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['ES256'],
        dpop: { mode: 'required', algorithms: ['ES256'] },
      }),
      (_req: express.Request, res: express.Response) => {
        res.end('ok');
      },
    );
    app.use(authErrors({ onError: () => {} }));
    const own = createServer(app);
    const ownPort = await listen(own);
    const key = await clientKey();
    const token = await issuer.token(key.jkt);
    try {
      await fc.assert(
        fc.asyncProperty(
          path.chain((p) => fc.tuple(fc.constant(p), encodings(p), encodings(p))),
          fc.constantFrom('http', 'HTTP', 'Http'),
          path,
          async ([plain, sent, signed], scheme, other) => {
            const htu = `${scheme}://127.0.0.1:${ownPort}${signed}`;
            const headers = (p: string): [string, string][] => [
              ['Authorization', `DPoP ${token}`],
              ['DPoP', p],
            ];
            const same = await rawRequest(ownPort, {
              path: `${sent}?q=1`,
              headers: headers(await proof({ key, htm: 'GET', htu, token })),
            });
            expect(same.status, `${sent} signed as ${htu}`).toBe(200);
            if (other !== plain) {
              const elsewhere = await rawRequest(ownPort, {
                path: other,
                headers: headers(await proof({ key, htm: 'GET', htu, token })),
              });
              expect(elsewhere.status).toBe(401);
            }
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      await close(own);
    }
  });
});
