/**
 * A proof's `htu` against the path the framework routes (docs/conformance.md
 * rule 72), on Express 5, Express 4, Koa 3, Koa 2, Fastify 5 and Hono: an
 * unused proof for /orders must not be accepted at /files/../orders (or any
 * other spelling of dot segments, or backslashes), which a Node framework
 * routes to /files/*. RFC 3986 normalisation of the request target would
 * make it /orders; the framework never did. A Fetch runtime builds the
 * request's URL with WHATWG URL, which removes dot segments before the app
 * routes anything (and @hono/node-server refuses a backslash): there the
 * request is /orders, and the proof is for it. An htu with a query or a
 * fragment is compared without them (RFC 9449 §4.3).
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
import { AUDIENCE, type ClientKey, clientKey, createIssuer, ISSUER, type Issuer, proof } from './support/dpop.js';
import { headerLines, type RawResponse, rawRequest, serve } from './support/http.js';

let issuer: Issuer;
let key: ClientKey;

beforeAll(async () => {
  issuer = createIssuer();
  key = await clientKey();
});

const options = () => ({
  key: issuer.signer.verifyKey,
  issuer: ISSUER,
  audience: AUDIENCE,
  algorithms: ['ES256'],
  dpop: { mode: 'required' as const, algorithms: ['ES256'] },
});

type Flavor = 'express5' | 'express4' | 'koa3' | 'koa2' | 'fastify5' | 'hono';
const FLAVORS: readonly Flavor[] = ['express5', 'express4', 'koa3', 'koa2', 'fastify5', 'hono'];
const quiet = { onError: () => {} };

/** One DPoP guard in front of two routes: /orders and everything under /files. Each says which one answered. */
async function listener(flavor: Flavor) {
  if (flavor === 'express5' || flavor === 'express4') {
    const app = (flavor === 'express5' ? express : express4)();
    app.use(expressAdapter.jwtAuth(options()));
    app.get('/orders', (_req, res) => {
      res.json({ route: '/orders' });
    });
    app.get(flavor === 'express5' ? '/files/*rest' : '/files/*', (_req, res) => {
      res.json({ route: '/files' });
    });
    app.use(expressAdapter.authErrors(quiet));
    return app;
  }
  if (flavor === 'koa3' || flavor === 'koa2') {
    const app = flavor === 'koa3' ? new Koa() : new Koa2();
    const router = new Router();
    router.get('/orders', (ctx) => {
      ctx.body = { route: '/orders' };
    });
    router.get('/files/{*rest}', (ctx) => {
      ctx.body = { route: '/files' };
    });
    app.use(koaAdapter.authErrors(quiet));
    app.use(koaAdapter.jwtAuth(options()));
    app.use(router.routes());
    return app.callback();
  }
  if (flavor === 'fastify5') {
    const app = Fastify();
    await app.register(fastifyAdapter.authErrors, quiet);
    app.addHook('onRequest', fastifyAdapter.jwtAuth(options()));
    app.get('/orders', async () => ({ route: '/orders' }));
    app.get('/files/*', async () => ({ route: '/files' }));
    await app.ready();
    return app.routing;
  }
  const auth = fetchAdapter.authErrors(quiet);
  const gate = auth.jwtAuth(options());
  const app = new Hono();
  app.use('*', async (c, next) => (await gate(c.req.raw)) ?? next());
  app.get('/orders', (c) => c.json({ route: '/orders' }));
  app.get('/files/*', (c) => c.json({ route: '/files' }));
  return getRequestListener(app.fetch);
}

/** Request targets a Node framework routes to /files/*, and that RFC 3986 §5.2.4 turns into /orders. */
const MOVED = [
  '/files/../orders',
  '/files/%2e%2e/orders',
  '/files/%2E%2E/orders',
  '/files/.%2E/orders',
  '/files/%2e./orders',
  '/files/./../orders',
  '/files/x/../../orders',
  '/files/%2e%2e/orders?page=2',
];
/** Targets with a dot segment elsewhere, or backslashes, which WHATWG URL reads as slashes. */
const NOT_NORMAL = ['/./orders', '/orders/.', '/files/..\\orders', '/files\\..\\orders'];
const REFUSED = 'The request path has dot segments or backslashes, which no DPoP proof can be matched with';

async function send(port: number, path: string, htu: string): Promise<RawResponse> {
  const token = await issuer.token(key.jkt);
  return rawRequest(port, {
    path,
    headers: [
      ['Authorization', `DPoP ${token}`],
      ['DPoP', await proof({ key, htm: 'GET', htu, token })],
    ],
  });
}

describe('rule 72: a proof is matched with the path the framework routes, on every adapter', () => {
  it.each(FLAVORS)('%s: a proof for /orders never answers at another route', async (flavor) => {
    const port = await serve((await listener(flavor)) as Parameters<typeof serve>[0]);
    const htu = `http://127.0.0.1:${port}/orders`;
    for (const path of [...MOVED, ...NOT_NORMAL]) {
      const response = await send(port, path, htu);
      const body = response.body === '' ? undefined : (JSON.parse(response.body) as Record<string, unknown>);
      if (flavor === 'hono') {
        // The runtime's URL has no dot segment left: the request is /orders, and so is the proof.
        if (path.includes('\\')) expect(response.status, path).toBe(400);
        // `/orders/.` is `/orders/`, another URI than the proof's.
        else if (path === '/orders/.') expect(body?.detail, path).toBe('The DPoP proof is for another URI');
        else expect({ path, status: response.status, body }).toEqual({ path, status: 200, body: { route: '/orders' } });
        continue;
      }
      expect({ path, status: response.status, body }).toEqual({
        path,
        status: 401,
        body: {
          type: 'https://auth-errors.dev/problems/invalid-dpop-proof',
          title: 'Invalid DPoP proof',
          status: 401,
          detail: REFUSED,
          code: 'invalid_dpop_proof',
        },
      });
      expect(headerLines(response, 'www-authenticate'), path).toEqual([
        challenge.dpop({ error: 'invalid_dpop_proof', error_description: REFUSED, algs: 'ES256' }),
      ]);
    }
    // A proof made for the dot-segment URI itself is no better: the path it names is not the one routed.
    if (flavor !== 'hono') {
      const response = await send(port, '/files/../orders', `http://127.0.0.1:${port}/files/../orders`);
      expect(response.status).toBe(401);
    }
  });

  it.each(
    FLAVORS,
  )('%s: the routed paths work, and an htu with a query or a fragment is compared without them', async (flavor) => {
    const port = await serve((await listener(flavor)) as Parameters<typeof serve>[0]);
    const origin = `http://127.0.0.1:${port}`;
    for (const [path, htu, route] of [
      ['/orders', `${origin}/orders`, '/orders'],
      ['/orders?page=2', `${origin}/orders?page=2`, '/orders'],
      ['/orders', `${origin}/orders?page=2`, '/orders'],
      ['/orders?page=3', `${origin}/orders#top`, '/orders'],
      ['/files/a.txt', `${origin}/files/a.txt`, '/files'],
      ['/files/..a/b.', `${origin}/files/..a/b.`, '/files'],
      ['/files/%2e%2e%2forders', `${origin}/files/%2e%2e%2forders`, '/files'],
    ] as const) {
      const response = await send(port, path, htu);
      expect({ path, htu, status: response.status, body: JSON.parse(response.body) }).toEqual({
        path,
        htu,
        status: 200,
        body: { route },
      });
    }
  });
});
