/**
 * The Redis replay store against a real redis-server (see redis-server.ts):
 * two app instances sharing one Redis accept a proof once between them; Redis
 * stopped mid-run is 503 with Retry-After, and the same instances recover
 * when it is back, without a restart. Express 5 servers on loopback.
 */
import { authErrors, jwtAuth } from '@auth-errors/express';
import { createRedisReplayStore } from '@auth-errors/redis';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  type ClientKey,
  clientKey,
  createIssuer,
  ISSUER,
  type Issuer,
  proof,
} from '../../../test/support/dpop.js';
import { header, type RawResponse, rawRequest, serve } from '../../../test/support/http.js';
import { type RedisServer, redisServer } from './redis-server.js';

const PUBLIC = 'https://api.example.com';
let redis: RedisServer;
let issuer: Issuer;
let key: ClientKey;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await redisServer();
  await redis.start();
  issuer = createIssuer();
  key = await clientKey();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis.stop();
});

/** One instance of the API: its own Redis connection, the shared Redis behind it. */
function instance(): Promise<number> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: false });
  client.on('error', () => {}); // outages are the test's subject; the store reports them as 503
  clients.push(client);
  const replayStore = createRedisReplayStore({ client, timeout: 300 });
  const app = express();
  const guard = jwtAuth({
    key: issuer.signer.verifyKey,
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    dpop: { mode: 'required', algorithms: ['ES256'], replayStore, publicUrl: PUBLIC },
  });
  app.get('/orders', guard, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(authErrors({ onError: () => {} }));
  return serve(app);
}

async function call(port: number, token: string, dpop: string): Promise<RawResponse> {
  return rawRequest(port, {
    path: '/orders',
    headers: [
      ['Authorization', `DPoP ${token}`],
      ['DPoP', dpop],
    ],
  });
}

describe('a replay store shared through Redis', () => {
  it('two instances, the same proof sent to both at once: exactly one 200', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const token = await issuer.token(key.jkt);
    for (let round = 0; round < 5; round++) {
      const dpop = await proof({ key, htm: 'GET', htu: `${PUBLIC}/orders`, token });
      const responses = await Promise.all([call(a, token, dpop), call(b, token, dpop)]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 401]);
      const refused = responses.find((r) => r.status === 401) as RawResponse;
      expect(JSON.parse(refused.body)).toMatchObject({
        code: 'invalid_dpop_proof',
        detail: 'The DPoP proof was already used',
      });
    }
  });

  it('Redis stopped mid-run: 503 with Retry-After, never a pass; back again: the same instances recover', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const token = await issuer.token(key.jkt);
    const fresh = () => proof({ key, htm: 'GET', htu: `${PUBLIC}/orders`, token });
    expect((await call(a, token, await fresh())).status).toBe(200);

    await redis.stop();
    for (const port of [a, b]) {
      const response = await call(port, token, await fresh());
      expect(response.status).toBe(503);
      expect(header(response, 'retry-after')).toBe('5');
      expect(header(response, 'www-authenticate')).toBeUndefined();
      expect(JSON.parse(response.body)).toMatchObject({ code: 'auth_unavailable' });
    }

    await redis.start();
    for (const port of [a, b]) {
      let status = 0;
      // ioredis reconnects on its own: a bounded number of tries, each with a fresh proof.
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await call(port, token, await fresh())).status;
        if (status !== 200) {
          expect(status).toBe(503);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(status).toBe(200);
    }
  });

  it('keys expire with the proof window, under the prefix', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    const store = createRedisReplayStore({ client, prefix: 'test:' });
    expect(await store.reserve('k1', 10_000)).toBe(true);
    expect(await store.reserve('k1', 10_000)).toBe(false);
    const ttl = await client.pttl('test:k1');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('options are checked at creation; an odd reply is an error, not a pass', async () => {
    expect(() => createRedisReplayStore({ client: {} as never })).toThrow(/"client"/);
    expect(() => createRedisReplayStore({ client: new Redis({ lazyConnect: true }), timeout: 0 })).toThrow(/"timeout"/);
    const odd = createRedisReplayStore({ client: { sendCommand: async () => 'QUEUED' } });
    await expect(odd.reserve('k', 1000)).rejects.toThrow(TypeError);
    const nodeRedis = createRedisReplayStore({
      client: { sendCommand: async (args: string[]) => (args[0] === 'SET' ? null : 'OK') },
    });
    expect(await nodeRedis.reserve('k', 1000)).toBe(false);
  });
});
