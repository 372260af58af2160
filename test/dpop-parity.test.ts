/**
 * DPoP parity: the same DPoP routes on Express 5, Express 4, Koa 3, Koa 2,
 * Fastify 5 and Hono (@auth-errors/fetch), asked the same questions, give the
 * same answers: status, every challenge line, DPoP-Nonce, the body. The
 * adapters only pass request facts (the DPoP lines, the origin under the
 * framework's trusted-proxy setting); the checks are the core's
 * (docs/conformance.md rules 52–55).
 */
import * as expressAdapter from '@auth-errors/express';
import * as fastifyAdapter from '@auth-errors/fastify';
import * as fetchAdapter from '@auth-errors/fetch';
import * as koaAdapter from '@auth-errors/koa';
import { getRequestListener } from '@hono/node-server';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { beforeAll, describe, expect, it } from 'vitest';
import { express4, Koa2 } from './support/apps.js';
import { challenge } from './support/challenge-lines.js';
import { BEARER } from './support/contract-cases.js';
import { AUDIENCE, type ClientKey, clientKey, createIssuer, ISSUER, type Issuer, proof } from './support/dpop.js';
import { header, headerLines, type RawResponse, rawRequest, serve } from './support/http.js';

const SECRET = 'a-nonce-secret-shared-by-every-instance-0123';

let issuer: Issuer;
let key: ClientKey;

beforeAll(async () => {
  issuer = createIssuer();
  key = await clientKey();
});

function options(dpop: Record<string, unknown>) {
  return {
    key: issuer.signer.verifyKey,
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    dpop: { algorithms: ['ES256'], ...dpop } as unknown as { mode: 'allowed' | 'required' },
  };
}

const ROUTES = {
  '/both': { mode: 'allowed' },
  '/dpop': { mode: 'required' },
  '/nonce': { mode: 'required', nonce: { secrets: [SECRET] } },
} as const;

type Flavor = 'express5' | 'express4' | 'koa3' | 'koa2' | 'fastify5' | 'hono';
const FLAVORS: readonly Flavor[] = ['express5', 'express4', 'koa3', 'koa2', 'fastify5', 'hono'];
const quiet = { onError: () => {} };

/** `trusted`: the framework's trusted-proxy setting on (Fetch has none: publicUrl names the origin instead). */
async function listener(flavor: Flavor, trusted = false) {
  if (flavor === 'express5' || flavor === 'express4') {
    const app = (flavor === 'express5' ? express : express4)();
    if (trusted) app.set('trust proxy', 'loopback');
    for (const [path, dpop] of Object.entries(ROUTES)) {
      app.get(path, expressAdapter.jwtAuth(options(dpop)), (req, res) => {
        res.json({ scheme: expressAdapter.authOf(req)?.scheme });
      });
    }
    app.use(expressAdapter.authErrors(quiet));
    return app;
  }
  if (flavor === 'koa3' || flavor === 'koa2') {
    const app = flavor === 'koa3' ? new Koa() : new Koa2();
    app.proxy = trusted;
    const router = new Router();
    for (const [path, dpop] of Object.entries(ROUTES)) {
      router.get(path, koaAdapter.jwtAuth(options(dpop)), (ctx) => {
        ctx.body = { scheme: koaAdapter.authOf(ctx)?.scheme };
      });
    }
    app.use(koaAdapter.authErrors(quiet));
    app.use(router.routes());
    return app.callback();
  }
  if (flavor === 'fastify5') {
    const app = Fastify({ trustProxy: trusted });
    await app.register(fastifyAdapter.authErrors, quiet);
    for (const [path, dpop] of Object.entries(ROUTES)) {
      app.get(path, { onRequest: fastifyAdapter.jwtAuth(options(dpop)) }, async (req) => ({
        scheme: fastifyAdapter.authOf(req)?.scheme,
      }));
    }
    await app.ready();
    return app.routing;
  }
  const auth = fetchAdapter.authErrors(quiet);
  const app = new Hono();
  for (const [path, dpop] of Object.entries(ROUTES)) {
    const gate = auth.jwtAuth(options(trusted ? { ...dpop, publicUrl: 'https://api.example.com' } : dpop));
    const handler = auth.handle(
      async (request: Request) => (await gate(request)) ?? Response.json({ scheme: auth.authOf(request)?.scheme }),
    );
    app.get(path, (c) => handler(c.req.raw));
  }
  return getRequestListener(app.fetch);
}

/** What must agree: status, challenges, the nonce header's presence, cache control, the body. */
function seen(response: RawResponse) {
  return {
    status: response.status,
    // A Fetch Response joins WWW-Authenticate lines with ", " (the Fetch adapter's known limit): compared joined.
    challenges: headerLines(response, 'www-authenticate').join(', '),
    nonces: headerLines(response, 'dpop-nonce').length,
    cacheControl: header(response, 'cache-control'),
    body: JSON.parse(response.body) as unknown,
  };
}

async function script(port: number) {
  const htu = (path: string) => `http://127.0.0.1:${port}${path}`;
  const token = await issuer.token(key.jkt);
  const dpop = (path: string, proofs: string[], extra: [string, string][] = []) =>
    rawRequest(port, {
      path,
      headers: [['Authorization', `DPoP ${token}`], ...proofs.map((p) => ['DPoP', p] as [string, string]), ...extra],
    });
  const results: Record<string, ReturnType<typeof seen>> = {};
  results.none = seen(await rawRequest(port, { path: '/dpop' }));
  results.noneBoth = seen(await rawRequest(port, { path: '/both' }));
  results.boundAsBearer = seen(
    await rawRequest(port, { path: '/both', headers: [['Authorization', `Bearer ${token}`]] }),
  );
  const valid = await proof({ key, htm: 'GET', htu: htu('/dpop'), token });
  results.valid = seen(await dpop('/dpop', [valid]));
  results.replay = seen(await dpop('/dpop', [valid]));
  results.twoLines = seen(
    await dpop('/dpop', [
      await proof({ key, htm: 'GET', htu: htu('/dpop'), token }),
      await proof({ key, htm: 'GET', htu: htu('/dpop'), token }),
    ]),
  );
  results.otherUri = seen(await dpop('/dpop', [await proof({ key, htm: 'GET', htu: htu('/both'), token })]));
  results.untrustedProxy = seen(
    await dpop(
      '/dpop',
      [await proof({ key, htm: 'GET', htu: 'https://api.example.com/dpop', token })],
      [
        ['X-Forwarded-Proto', 'https'],
        ['X-Forwarded-Host', 'api.example.com'],
      ],
    ),
  );
  const first = await dpop('/nonce', [await proof({ key, htm: 'GET', htu: htu('/nonce'), token })]);
  results.nonceMissing = seen(first);
  const nonce = header(first, 'dpop-nonce') as string;
  results.nonceUsed = seen(await dpop('/nonce', [await proof({ key, htm: 'GET', htu: htu('/nonce'), token, nonce })]));
  return results;
}

describe('DPoP answers alike on every adapter', () => {
  const answers = new Map<Flavor, Awaited<ReturnType<typeof script>>>();

  it.each(FLAVORS)('%s', async (flavor) => {
    const port = await serve((await listener(flavor)) as Parameters<typeof serve>[0]);
    const results = await script(port);
    answers.set(flavor, results);
    // `challenges` joins the lines with ", " (above), so that every flavor compares alike.
    const dpopLine = challenge.dpop({ algs: 'ES256' });
    expect(results.none).toMatchObject({ status: 401, challenges: dpopLine });
    expect(results.noneBoth).toMatchObject({ status: 401, challenges: `${BEARER}, ${dpopLine}` });
    expect(results.boundAsBearer).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    expect(results.boundAsBearer?.challenges).toMatch(
      /^Bearer realm="api", error="invalid_token", .*, DPoP realm="api", algs="ES256"$/,
    );
    expect(results.valid).toEqual({
      status: 200,
      challenges: '',
      nonces: 0,
      cacheControl: undefined,
      body: { scheme: 'DPoP' },
    });
    expect(results.replay).toMatchObject({ status: 401, body: { detail: 'The DPoP proof was already used' } });
    expect(results.twoLines).toMatchObject({
      status: 401,
      body: { detail: 'The request has more than one DPoP header field' },
    });
    expect(results.otherUri).toMatchObject({ status: 401, body: { detail: 'The DPoP proof is for another URI' } });
    expect(results.untrustedProxy).toMatchObject({
      status: 401,
      body: { detail: 'The DPoP proof is for another URI' },
    });
    expect(results.nonceMissing).toMatchObject({
      status: 401,
      nonces: 1,
      cacheControl: 'no-store',
      body: { code: 'use_dpop_nonce' },
    });
    expect(results.nonceUsed).toMatchObject({ status: 200 });
  });

  it('and every adapter saw exactly what Express 5 saw', () => {
    const reference = answers.get('express5');
    expect(reference).toBeDefined();
    for (const flavor of FLAVORS) expect(answers.get(flavor), flavor).toEqual(reference);
  });
});

describe('behind a trusted proxy, every adapter takes the forwarded scheme and host as the external URI', () => {
  it.each(FLAVORS)('%s', async (flavor) => {
    const port = await serve((await listener(flavor, true)) as Parameters<typeof serve>[0]);
    const token = await issuer.token(key.jkt);
    const forwarded = (htu: string): Promise<RawResponse> =>
      proof({ key, htm: 'GET', htu, token }).then((p) =>
        rawRequest(port, {
          path: '/dpop?page=2',
          headers: [
            ['Authorization', `DPoP ${token}`],
            ['DPoP', p],
            ['X-Forwarded-Proto', 'https'],
            ['X-Forwarded-Host', 'api.example.com'],
          ],
        }),
      );
    expect((await forwarded('https://api.example.com/dpop')).status).toBe(200);
    const local = await forwarded(`http://127.0.0.1:${port}/dpop`);
    expect(local.status).toBe(401);
    expect(JSON.parse(local.body)).toMatchObject({ detail: 'The DPoP proof is for another URI' });
  });
});
