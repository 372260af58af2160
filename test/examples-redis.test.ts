/**
 * REDIS_URL in the examples that verify JWTs, against a real redis-server
 * (packages/redis/test/redis-server.ts): two instances of one example, two
 * createApp with the same configuration behind one PUBLIC_URL as behind a load
 * balancer, verifying tokens from one JWKS. With REDIS_URL, a DPoP proof
 * accepted at instance A is refused at instance B; without it each process
 * keeps its own record and B accepts the replay (the finding REDIS_URL
 * fixes). Redis down is 503 with Retry-After, never 200, and one log line
 * that does not show the URL; Redis back, the same instances answer 200.
 */
import * as dpop from 'dpop';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisServer, redisServer } from '../packages/redis/test/redis-server.js';
import { EXAMPLES, type ExampleName, listenerOf, load } from './support/example-apps.js';
import { header, type RawResponse, rawRequest, serve } from './support/http.js';
import { AUDIENCE, ISSUER, startJwks } from './support/jwks.js';

const PUBLIC_URL = 'https://api.example';

/** How a client calls an example's protected route with a DPoP-bound token. */
interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly audience: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string;
}

const ORDERS: Route = { method: 'GET', path: '/orders', audience: AUDIENCE, headers: [] };
const MCP: Route = {
  method: 'POST',
  path: '/mcp',
  audience: `${PUBLIC_URL}/mcp`,
  headers: [
    ['Content-Type', 'application/json'],
    ['Accept', 'application/json, text/event-stream'],
  ],
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
};

type Name = ExampleName | 'express-mcp';
const NAMES: readonly Name[] = [...EXAMPLES, 'express-mcp'];

let redis: RedisServer;
let jwks: Awaited<ReturnType<typeof startJwks>>;
beforeAll(async () => {
  redis = await redisServer();
  await redis.start();
  jwks = await startJwks();
});
afterAll(async () => {
  await redis?.stop();
  await jwks?.close();
});

// Each test's instances close their Redis connections when it ends (createApp's `signal`).
let instances = new AbortController();
afterEach(() => {
  instances.abort();
  instances = new AbortController();
  vi.restoreAllMocks();
});

/** One instance of the example, as server.js starts it from this environment; resolves with its port. */
async function instance(name: Name, env: Record<string, string>): Promise<number> {
  const dpopEnv = { DPOP: 'required', PUBLIC_URL, ...env };
  const options = { signal: instances.signal };
  if (name === 'express-mcp') {
    const config = await import('../examples/express-mcp/config.js');
    const { createApp } = await import('../examples/express-mcp/app.js');
    const configured = config.configFromEnv({ JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, ...dpopEnv });
    return serve(await createApp({ ...configured, baseUrl: config.baseUrl(configured, 0) }, options));
  }
  const example = await load(name);
  const idp = { JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, ...dpopEnv };
  return serve(await listenerOf(name, await example.createApp(example.configFromEnv(idp), options)));
}

interface Client {
  /** A fresh proof for the route, at PUBLIC_URL. */
  proof(): Promise<string>;
  call(port: number, proof: string): Promise<RawResponse>;
}

/** A client holding a DPoP key and an access token bound to it, signed by the JWKS both instances trust. */
async function client(route: Route): Promise<Client> {
  const keyPair = await dpop.generateKeyPair('ES256');
  const jkt = await dpop.calculateThumbprint(keyPair.publicKey);
  const token = await jwks.sign({ scope: 'orders:read', aud: route.audience, cnf: { jkt } }, { typ: 'at+jwt' });
  return {
    proof: () => dpop.generateProof(keyPair, `${PUBLIC_URL}${route.path}`, route.method, undefined, token),
    call: (port, proof) =>
      rawRequest(port, {
        method: route.method,
        path: route.path,
        headers: [['Authorization', `DPoP ${token}`], ['DPoP', proof], ...route.headers],
        ...(route.body === undefined ? {} : { body: route.body }),
      }),
  };
}

function expectReplayRefused(response: RawResponse): void {
  expect(response.status).toBe(401);
  expect(header(response, 'www-authenticate')).toMatch(
    /^DPoP realm="orders", error="invalid_dpop_proof", error_description="The DPoP proof was already used"/,
  );
  expect(JSON.parse(response.body)).toMatchObject({
    status: 401,
    code: 'invalid_dpop_proof',
    detail: 'The DPoP proof was already used',
  });
}

describe.each(NAMES)('%s with REDIS_URL', (name) => {
  const route = name === 'express-mcp' ? MCP : ORDERS;

  it('a proof accepted at instance A is 401 invalid_dpop_proof at instance B, and at A again', async () => {
    const [a, b] = await Promise.all([
      instance(name, { REDIS_URL: redis.url }),
      instance(name, { REDIS_URL: redis.url }),
    ]);
    const alice = await client(route);
    const proof = await alice.proof();
    expect((await alice.call(a, proof)).status).toBe(200);
    expectReplayRefused(await alice.call(b, proof));
    expectReplayRefused(await alice.call(a, proof));
    // A fresh proof is still welcome at either instance.
    expect((await alice.call(b, await alice.proof())).status).toBe(200);
  });

  it('without REDIS_URL, the same proof replayed at instance B gets 200: each process keeps its own record', async () => {
    const [a, b] = await Promise.all([instance(name, {}), instance(name, {})]);
    const alice = await client(route);
    const proof = await alice.proof();
    expect((await alice.call(a, proof)).status).toBe(200);
    expect((await alice.call(b, proof)).status).toBe(200);
    expectReplayRefused(await alice.call(a, proof));
  });

  it('Redis down: 503 with Retry-After, never 200, and a log line without the URL; Redis back: 200 again', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const port = await instance(name, { REDIS_URL: redis.url });
    const alice = await client(route);
    expect((await alice.call(port, await alice.proof())).status).toBe(200);

    await redis.stop();
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await alice.call(port, await alice.proof());
        expect(response.status).toBe(503);
        expect(header(response, 'retry-after')).toBe('5');
        expect(header(response, 'www-authenticate')).toBeUndefined();
        expect(JSON.parse(response.body)).toMatchObject({ status: 503, code: 'auth_unavailable' });
      }
    } finally {
      await redis.start();
    }
    // One line for the outage, from the store, however many requests it refused; none shows where Redis is.
    const lines = () => logged.mock.calls.map((args) => args.map(String).join(' '));
    expect(lines()).toEqual([
      expect.stringMatching(
        /^auth-errors: the DPoP replay store \(Redis\) is unavailable \(\w+\); DPoP requests get 503 until it answers$/,
      ),
    ]);

    // ioredis reconnects by itself: a bounded number of tries, each with a fresh proof.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await alice.call(port, await alice.proof())).status;
      if (status !== 200) {
        expect(status).toBe(503);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(status).toBe(200);
    expect(lines().slice(1)).toEqual([
      expect.stringMatching(/^auth-errors: the DPoP replay store \(Redis\) answers again after \d+ s$/),
    ]);
    for (const line of lines()) expect(line).not.toContain(String(redis.port));
  });
});
