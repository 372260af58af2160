/**
 * The DPoP part of the JWT examples' outside contract, on each of them
 * (express-jwt, koa-jwt, fastify-jwt, hono-jwt) in demo mode: DPOP=required
 * with DPOP_NONCE=on, a token bound at /demo/token by the proof sent with the
 * request (panva's dpop), then oauth4webapi's DPoP client on GET /orders, which
 * learns the server nonce from the 401 and retries; DPOP=allowed offers both
 * schemes; PUBLIC_URL is the origin proofs must name; the variables are
 * checked at start.
 */
import { createServer, type RequestListener, request, type Server } from 'node:http';
import * as dpop from 'dpop';
import * as oauth from 'oauth4webapi';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChallengeParameters, challenge } from './support/challenge-lines.js';
import { EXAMPLES, type ExampleModules, type ExampleName, listenerOf, load } from './support/example-apps.js';
import { close, headerLines, listen, rawRequest } from './support/http.js';

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

interface HostReply {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly body: string;
}

/** GET with the Host header a client chose: without PUBLIC_URL, the origin the app takes for its own. */
function getWithHost(port: number, host: string, path: string, headers: Record<string, string>): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode as number, challenge: res.headers['www-authenticate'], body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A token from /demo/token bound to `keyPair` by a proof for `origin`'s token URL, sent with Host `host`. */
async function mintFor(port: number, host: string, origin: string, keyPair: dpop.KeyPair): Promise<HostReply> {
  const proof = await dpop.generateProof(keyPair, `${origin}/demo/token`, 'GET');
  return getWithHost(port, host, '/demo/token?scope=orders:read', { dpop: proof });
}

async function ordersWithProof(port: number, host: string, htu: string, keyPair: dpop.KeyPair, token: string) {
  const proof = await dpop.generateProof(keyPair, htu, 'GET', undefined, token);
  return getWithHost(port, host, '/orders', { authorization: `DPoP ${token}`, dpop: proof });
}

const accessToken = (minted: HostReply) => (JSON.parse(minted.body) as { access_token: string }).access_token;

/** The examples' DPoP challenge: realm "orders", the default algorithms. */
const examplesDpop = (parameters: ChallengeParameters = {}) =>
  challenge.dpop({ realm: 'orders', algs: 'ES256 EdDSA Ed25519 PS256 RS256', ...parameters });

describe.each(EXAMPLES)('%s with DPoP', (name) => {
  it('DPOP=required, DPOP_NONCE=on: a token bound at /demo/token, then oauth4webapi through the nonce', async () => {
    const base = await start(name, { DPOP: 'required', DPOP_NONCE: 'on' });
    const port = Number(new URL(base).port);
    const none = await rawRequest(port, { path: '/orders' });
    expect(none.status).toBe(401);
    expect(headerLines(none, 'www-authenticate')).toEqual([examplesDpop()]);

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
    expect(headerLines(asBearer, 'www-authenticate')).toEqual([examplesDpop()]);

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
    const lines = [challenge.bearer({ realm: 'orders' }), examplesDpop()];
    // A Fetch Response joins WWW-Authenticate lines with ", " (the Fetch adapter's known limit).
    expect(headerLines(none, 'www-authenticate')).toEqual(name === 'hono-jwt' ? [lines.join(', ')] : lines);
    const token = (await (await fetch(`${base}/demo/token?scope=orders:read`)).json()) as { access_token: string };
    const ok = await rawRequest(port, {
      path: '/orders',
      headers: [['Authorization', `Bearer ${token.access_token}`]],
    });
    expect(ok.status).toBe(200);
  });

  it('without PUBLIC_URL, htu is checked against the Host the client sent: a proof for victim.example passes', async () => {
    // What PUBLIC_URL is for, and why DPoP outside development refuses to start without it (config.js).
    const port = Number(new URL(await start(name, { DPOP: 'required' })).port);
    const keyPair = await dpop.generateKeyPair('ES256');
    const minted = await mintFor(port, 'victim.example', 'http://victim.example', keyPair);
    expect(minted.status).toBe(200);
    const res = await ordersWithProof(
      port,
      'victim.example',
      'http://victim.example/orders',
      keyPair,
      accessToken(minted),
    );
    expect(res.status).toBe(200);
  });

  it('with PUBLIC_URL, proofs must name it: one for the Host the client sent is 401 invalid_dpop_proof', async () => {
    const port = Number(new URL(await start(name, { DPOP: 'required', PUBLIC_URL: 'https://api.example' })).port);
    const here = `127.0.0.1:${port}`;
    const keyPair = await dpop.generateKeyPair('ES256');
    // /demo/token builds its htu the way the guard checks it: at PUBLIC_URL, not at the Host sent.
    const refused = await mintFor(port, here, `http://${here}`, keyPair);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'invalid_dpop_proof' });
    const minted = await mintFor(port, here, 'https://api.example', keyPair);
    expect(JSON.parse(minted.body)).toMatchObject({ token_type: 'DPoP' });
    const token = accessToken(minted);

    for (const [host, htu] of [
      [here, `http://${here}/orders`],
      ['victim.example', 'http://victim.example/orders'],
    ] as const) {
      const res = await ordersWithProof(port, host, htu, keyPair, token);
      expect(res.status, htu).toBe(401);
      expect(res.challenge).toMatch(/^DPoP realm="orders", error="invalid_dpop_proof", /);
      expect(JSON.parse(res.body)).toMatchObject({ status: 401, code: 'invalid_dpop_proof' });
    }
    const ok = await ordersWithProof(port, here, 'https://api.example/orders', keyPair, token);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual([]);
  });

  it('an Ed25519 proof (alg "Ed25519", the RFC 9864 name oauth4webapi and dpop send) binds a token at /demo/token, which oauth4webapi then uses at /orders', async () => {
    const base = await start(name, { DPOP: 'required' });
    const keyPair = await dpop.generateKeyPair('Ed25519');
    const tokenUrl = `${base}/demo/token`;
    const proof = await dpop.generateProof(keyPair, tokenUrl, 'GET');
    expect(JSON.parse(Buffer.from(proof.split('.')[0] as string, 'base64url').toString())).toMatchObject({
      alg: 'Ed25519',
    });
    const minted = await fetch(`${tokenUrl}?scope=orders:read`, { headers: { DPoP: proof } });
    expect(minted.status).toBe(200);
    const token = (await minted.json()) as { access_token: string; token_type: string };
    expect(token.token_type).toBe('DPoP');
    const claims = JSON.parse(Buffer.from(token.access_token.split('.')[1] as string, 'base64url').toString());
    expect(claims.cnf).toEqual({ jkt: await dpop.calculateThumbprint(keyPair.publicKey) });
    // The default proof algorithms take Ed25519 beside EdDSA: oauth4webapi's proofs for this key pass.
    const response = await oauth.protectedResourceRequest(
      token.access_token,
      'GET',
      new URL(`${base}/orders`),
      new Headers(),
      null,
      { DPoP: oauth.DPoP({}, keyPair), [oauth.allowInsecureRequests]: true },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
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
      examplesDpop({ scope: 'orders:read', resource_metadata: `${base}/.well-known/oauth-protected-resource/mcp` }),
    ]);
  });
});

describe('express-mcp behind PUBLIC_URL', () => {
  it('/demo/token and POST /mcp take proofs for PUBLIC_URL only, never for the Host the client sent', async () => {
    const { configFromEnv } = (await import('../examples/express-mcp/config.js')) as Pick<
      ExampleModules,
      'configFromEnv'
    >;
    const { createApp } = (await import('../examples/express-mcp/app.js')) as {
      createApp(config: unknown): Promise<RequestListener>;
    };
    const publicUrl = 'https://mcp.example';
    const config = configFromEnv({ DEMO: '1', DPOP: 'required', PUBLIC_URL: publicUrl }) as object;
    const server = createServer(await createApp({ ...config, baseUrl: publicUrl }));
    servers.push(server);
    const local = `http://127.0.0.1:${await listen(server)}`;

    const keyPair = await dpop.generateKeyPair('ES256');
    const mint = async (origin: string) =>
      fetch(`${local}/demo/token?scope=orders:read`, {
        headers: { DPoP: await dpop.generateProof(keyPair, `${origin}/demo/token`, 'GET') },
      });
    const refused = await mint(local);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_dpop_proof' });
    const token = (await (await mint(publicUrl)).json()) as { access_token: string; token_type: string };
    expect(token.token_type).toBe('DPoP');

    const call = async (origin: string) =>
      fetch(`${local}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `DPoP ${token.access_token}`,
          DPoP: await dpop.generateProof(keyPair, `${origin}/mcp`, 'POST', undefined, token.access_token),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    const wrongHost = await call(local);
    expect(wrongHost.status).toBe(401);
    expect(await wrongHost.json()).toMatchObject({ code: 'invalid_dpop_proof' });
    expect((await call(publicUrl)).status).toBe(200);
  });
});
