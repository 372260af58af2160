/**
 * The DPoP part of the JWT examples' outside contract, on each of them
 * (express-jwt, koa-jwt, fastify-jwt, hono-jwt) in demo mode: DPOP=required
 * with DPOP_NONCE=on, a token bound at /demo/token by the proof sent with the
 * request (panva's dpop), then oauth4webapi's DPoP client on GET /orders, which
 * learns the server nonce from the 401 and retries; DPOP=allowed offers both
 * schemes; the variables are checked at start.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import * as dpop from 'dpop';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { close, headerLines, listen, rawRequest } from './support/http.js';

type ExampleName = 'express-jwt' | 'koa-jwt' | 'fastify-jwt' | 'hono-jwt';
const EXAMPLES: readonly ExampleName[] = ['express-jwt', 'koa-jwt', 'fastify-jwt', 'hono-jwt'];

interface ExampleModules {
  createApp(config: unknown): Promise<unknown>;
  configFromEnv(env: Record<string, string>): unknown;
}

async function load(name: ExampleName): Promise<ExampleModules> {
  const { createApp } = (await import(`../examples/${name}/app.js`)) as Pick<ExampleModules, 'createApp'>;
  const { configFromEnv } = (await import(`../examples/${name}/config.js`)) as Pick<ExampleModules, 'configFromEnv'>;
  return { createApp, configFromEnv };
}

async function listenerOf(name: ExampleName, app: unknown): Promise<RequestListener> {
  if (name === 'express-jwt') return app as RequestListener;
  if (name === 'koa-jwt') return (app as { callback(): RequestListener }).callback();
  if (name === 'hono-jwt') return getRequestListener((app as { fetch: (r: Request) => Response }).fetch);
  const fastify = app as { ready(): Promise<unknown>; routing: RequestListener };
  await fastify.ready();
  return fastify.routing;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

async function start(name: ExampleName, env: Record<string, string>): Promise<string> {
  const example = await load(name);
  const app = await example.createApp(example.configFromEnv({ DEMO: '1', ...env }));
  const server = createServer(await listenerOf(name, app));
  servers.push(server);
  return `http://127.0.0.1:${await listen(server)}`;
}

describe.each(EXAMPLES)('%s with DPoP', (name) => {
  it('DPOP=required, DPOP_NONCE=on: a token bound at /demo/token, then oauth4webapi through the nonce', async () => {
    const base = await start(name, { DPOP: 'required', DPOP_NONCE: 'on' });
    const port = Number(new URL(base).port);
    const none = await rawRequest(port, { path: '/orders' });
    expect(none.status).toBe(401);
    expect(headerLines(none, 'www-authenticate')).toEqual([
      'DPoP realm="orders", algs="ES256 EdDSA Ed25519 PS256 RS256"',
    ]);

    const keyPair = await dpop.generateKeyPair('ES256');
    const tokenUrl = `${base}/demo/token`;
    const minted = await fetch(`${tokenUrl}?scope=orders:read`, {
      headers: { DPoP: await dpop.generateProof(keyPair, tokenUrl, 'GET') },
    });
    const token = (await minted.json()) as { access_token: string; token_type: string };
    expect(token.token_type).toBe('DPoP');

    const handle = oauth.DPoP({}, keyPair);
    const request = () =>
      oauth.protectedResourceRequest(token.access_token, 'GET', new URL(`${base}/orders`), new Headers(), null, {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
      });
    await expect(request()).rejects.toSatisfy(oauth.isDPoPNonceError);
    const response = await request();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);

    const asBearer = await rawRequest(port, {
      path: '/orders',
      headers: [['Authorization', `Bearer ${token.access_token}`]],
    });
    expect(asBearer.status).toBe(401);
    expect(headerLines(asBearer, 'www-authenticate')).toEqual([
      'DPoP realm="orders", algs="ES256 EdDSA Ed25519 PS256 RS256"',
    ]);

    const badProof = await fetch(tokenUrl, {
      headers: { DPoP: await dpop.generateProof(keyPair, `${base}/elsewhere`, 'GET') },
    });
    expect(badProof.status).toBe(400);
    expect(await badProof.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('DPOP=allowed offers Bearer and DPoP; a plain demo token still works as Bearer', async () => {
    const base = await start(name, { DPOP: 'allowed' });
    const port = Number(new URL(base).port);
    const none = await rawRequest(port, { path: '/orders' });
    const lines = ['Bearer realm="orders"', 'DPoP realm="orders", algs="ES256 EdDSA Ed25519 PS256 RS256"'];
    // A Fetch Response joins WWW-Authenticate lines with ", " (the Fetch adapter's known limit).
    expect(headerLines(none, 'www-authenticate')).toEqual(name === 'hono-jwt' ? [lines.join(', ')] : lines);
    const token = (await (await fetch(`${base}/demo/token?scope=orders:read`)).json()) as { access_token: string };
    const ok = await rawRequest(port, {
      path: '/orders',
      headers: [['Authorization', `Bearer ${token.access_token}`]],
    });
    expect(ok.status).toBe(200);
  });

  it('a wrong DPOP or DPOP_NONCE stops the start with a message naming the variable', async () => {
    const { configFromEnv } = await load(name);
    expect(() => configFromEnv({ DEMO: '1', DPOP: 'yes' })).toThrow(/^DPOP must be/);
    expect(() => configFromEnv({ DEMO: '1', DPOP: 'required', DPOP_NONCE: 'yes' })).toThrow(/^DPOP_NONCE must be/);
    expect(() => configFromEnv({ DEMO: '1', DPOP_NONCE: 'on' })).toThrow(/^DPOP_NONCE=on needs DPOP/);
    expect(() => configFromEnv({ DEMO: '1', DPOP: 'allowed', DPOP_NONCE: 'on', DPOP_NONCE_SECRETS: 'short' })).toThrow(
      /^DPOP_NONCE_SECRETS/,
    );
  });
});

describe('express-mcp with DPoP', () => {
  it('DPOP=required, DPOP_NONCE=on: a token bound at /demo/token, then tools/call through the nonce', async () => {
    const { configFromEnv } = (await import('../examples/express-mcp/config.js')) as Pick<
      ExampleModules,
      'configFromEnv'
    >;
    const { createApp } = (await import('../examples/express-mcp/app.js')) as {
      createApp(config: unknown): Promise<RequestListener>;
    };
    let handler: RequestListener = (_req, res) => res.end();
    const server = createServer((req, res) => handler(req, res));
    servers.push(server);
    const base = `http://127.0.0.1:${await listen(server)}`;
    handler = await createApp({
      ...(configFromEnv({ DEMO: '1', DPOP: 'required', DPOP_NONCE: 'on' }) as object),
      baseUrl: base,
    });

    const keyPair = await dpop.generateKeyPair('ES256');
    const tokenUrl = `${base}/demo/token`;
    const minted = await fetch(`${tokenUrl}?scope=orders:read`, {
      headers: { DPoP: await dpop.generateProof(keyPair, tokenUrl, 'GET') },
    });
    const token = (await minted.json()) as { access_token: string; token_type: string };
    expect(token.token_type).toBe('DPoP');

    const handle = oauth.DPoP({}, keyPair);
    const headers = new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' });
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'read_orders', arguments: {} },
    });
    const request = () =>
      oauth.protectedResourceRequest(token.access_token, 'POST', new URL(`${base}/mcp`), headers, body, {
        DPoP: handle,
        [oauth.allowInsecureRequests]: true,
      });
    await expect(request()).rejects.toSatisfy(oauth.isDPoPNonceError);
    const response = await request();
    expect(response.status).toBe(200);

    const none = await rawRequest(Number(new URL(base).port), { method: 'POST', path: '/mcp' });
    expect(headerLines(none, 'www-authenticate')).toEqual([
      `DPoP realm="orders", scope="orders:read", algs="ES256 EdDSA Ed25519 PS256 RS256", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    ]);
  });
});
