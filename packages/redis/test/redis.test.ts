/**
 * The Redis replay store against a real redis-server (see redis-server.ts):
 * two app instances sharing one Redis accept a proof once between them; Redis
 * stopped mid-run is 503 with Retry-After, and the same instances recover
 * when it is back, without a restart. Each proof key holds at most its share
 * (docs/conformance.md rule 70), checked in the same atomic script, through
 * ioredis and node-redis alike; a key flooding a Redis of bounded memory gets
 * 429 while another key keeps getting 200. Express 5 servers on loopback.
 *
 * DPOP_FLOOD_REPORT=1 prints the flood's figures.
 */

import type { ReplayStore } from '@auth-errors/core';
import { authErrors, jwtAuth } from '@auth-errors/express';
import { createRedisReplayStore, type IoRedisLike, type NodeRedisLike } from '@auth-errors/redis';
import express from 'express';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AUDIENCE,
  type ClientKey,
  clientKey,
  createIssuer,
  ISSUER,
  type Issuer,
  proof,
} from '../../../test/support/dpop.js';
import { FLOOD_PROOFS, floodAndCall, OTHER_REQUESTS } from '../../../test/support/dpop-flood.js';
import { header, type RawResponse, rawRequest, serve } from '../../../test/support/http.js';
import { type RedisServer, redisServer } from './redis-server.js';

const PUBLIC = 'https://api.example.com';
let redis: RedisServer;
let issuer: Issuer;
let key: ClientKey;
const clients: Redis[] = [];
const closers: (() => void)[] = [];
/** Owners as the guard names them: proof-key thumbprints. */
const OWNER = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const OTHER = 'mZ3tTpgsAcKcgJMEjSRd2TfvU-2e-yS6hXt5f0h2l1U';

beforeAll(async () => {
  redis = await redisServer();
  await redis.start();
  issuer = createIssuer();
  key = await clientKey();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  for (const close of closers) close();
  await redis.stop();
});

/** One instance of the API: its own Redis connection, the shared Redis behind it. */
function instance(options: { maxEntriesPerOwner?: number } = {}): Promise<number> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50, lazyConnect: false });
  client.on('error', () => {}); // outages are the test's subject; the store reports them as 503
  clients.push(client);
  const replayStore = createRedisReplayStore({ client, timeout: 300, ...options });
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
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
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
    // Each instance's store: one line when Redis goes, one when it is back; none per refused request, none
    // from the renderer, and never the address.
    const lines = logged.mock.calls.map((args) => args.map(String).join(' '));
    logged.mockRestore();
    const down =
      /^auth-errors: the DPoP replay store \(Redis\) is unavailable \(\w+\); DPoP requests get 503 until it answers$/;
    const back = /^auth-errors: the DPoP replay store \(Redis\) answers again after \d+ s$/;
    expect(lines.filter((line) => down.test(line))).toHaveLength(2);
    expect(lines.filter((line) => back.test(line))).toHaveLength(2);
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain(String(redis.port));
  });

  it('keys expire with the proof window, under the prefix; so does the owner count', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    const store = createRedisReplayStore({ client, prefix: 'test:' });
    expect(await store.reserve('k1', 10_000, OWNER)).toBe(true);
    expect(await store.reserve('k1', 10_000, OWNER)).toBe(false);
    for (const name of ['test:k1', `test:owner:${OWNER}`]) {
      const ttl = await client.pttl(name);
      expect(ttl, name).toBeGreaterThan(0);
      expect(ttl, name).toBeLessThanOrEqual(10_000);
    }
  });

  it('options are checked at creation; an odd reply is an error, not a pass', async () => {
    expect(() => createRedisReplayStore({ client: {} as never })).toThrow(/"client"/);
    expect(() => createRedisReplayStore({ client: new Redis({ lazyConnect: true }), timeout: 0 })).toThrow(/"timeout"/);
    for (const maxEntriesPerOwner of [0, 1.5, '10']) {
      expect(() =>
        createRedisReplayStore({
          client: new Redis({ lazyConnect: true }),
          maxEntriesPerOwner: maxEntriesPerOwner as number,
        }),
      ).toThrow('auth-errors: option "maxEntriesPerOwner" must be a positive integer');
    }
    for (const reply of ['QUEUED', 'OK', null, 2, 0.5, '-5']) {
      const odd = createRedisReplayStore({ client: { sendCommand: async () => reply } });
      await expect(odd.reserve('k', 1000, OWNER), String(reply)).rejects.toThrow(TypeError);
    }
    const store = createRedisReplayStore({ client: { sendCommand: async () => 1 } });
    await expect(store.reserve('k', 1000, undefined as never)).rejects.toThrow(TypeError);
  });
});

/** The same store answers alike through ioredis's `call` and node-redis's `sendCommand`. */
type Connected = [name: string, client: IoRedisLike | NodeRedisLike, admin: Redis];
async function clientsOf(): Promise<[Connected, Connected]> {
  const io = new Redis(redis.url);
  clients.push(io);
  const nodeRedis = createClient({ url: redis.url });
  await nodeRedis.connect();
  closers.push(() => nodeRedis.destroy());
  const admin = new Redis(redis.url);
  clients.push(admin);
  return [
    ['ioredis', io, admin],
    ['node-redis', nodeRedis as unknown as NodeRedisLike, admin],
  ];
}

describe('rule 70: one key holds at most its share of Redis', () => {
  it('over its share a key is refused, with the seconds until its oldest proof expires; other keys are not', async () => {
    for (const [name, client, admin] of await clientsOf()) {
      const prefix = `share-${name}:`;
      const store = createRedisReplayStore({ client, prefix, maxEntriesPerOwner: 3 });
      expect(await store.reserve('a', 4000, OWNER)).toBe(true);
      expect(await store.reserve('b', 60_000, OWNER)).toBe(true);
      expect(await store.reserve('c', 60_000, OWNER)).toBe(true);
      expect(await store.reserve('d', 60_000, OWNER), name).toEqual({ retryAfter: 4 });
      expect(await admin.exists(`${prefix}d`)).toBe(0); // refused: nothing recorded
      expect(await store.reserve('b', 60_000, OWNER)).toBe(false); // a replay stays a replay
      for (let i = 0; i < 3; i++) expect(await store.reserve(`o${i}`, 60_000, OTHER)).toBe(true);
      // Once the oldest proof expires (Redis's clock), the key has room again.
      await admin.pexpire(`${prefix}owner:${OWNER}`, 60_000);
      await admin.zadd(`${prefix}owner:${OWNER}`, Date.now() - 1, `${prefix}a`);
      expect(await store.reserve('d', 60_000, OWNER), name).toBe(true);
    }
  });

  it('Redis forgot the script (SCRIPT FLUSH, a restart): the next reserve sends it again', async () => {
    for (const [name, client, admin] of await clientsOf()) {
      const store = createRedisReplayStore({ client, prefix: `flush-${name}:` });
      expect(await store.reserve('a', 10_000, OWNER)).toBe(true);
      await admin.script('FLUSH');
      expect(await store.reserve('b', 10_000, OWNER), name).toBe(true);
      expect(await store.reserve('b', 10_000, OWNER), name).toBe(false);
    }
  });

  it('atomic across instances: two clients racing for one key with a share of 20 record exactly 20', async () => {
    const [[, io], [, nodeRedis]] = await clientsOf();
    const stores = [io, nodeRedis].map((client) =>
      createRedisReplayStore({ client, prefix: 'race:', maxEntriesPerOwner: 20 }),
    );
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (stores[i % 2] as ReplayStore).reserve(`p${i}`, 60_000, OWNER)),
    );
    expect(answers.filter((answer) => answer === true)).toHaveLength(20);
    expect(answers.filter((answer) => typeof answer === 'object')).toHaveLength(180);
  });
});

describe('rule 70: a key flooding unique proofs cannot lock others out of a Redis with bounded memory', () => {
  it('the flooder gets its share then 429; the other key gets 200 throughout (maxmemory, noeviction)', async () => {
    const admin = new Redis(redis.url);
    clients.push(admin);
    await admin.flushall();
    // Room for a few hundred proofs more: a store without a share per key fills it, and every write is then OOM (503).
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    await admin.config('SET', 'maxmemory', String(used + 128 * 1024));
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    try {
      const port = await instance({ maxEntriesPerOwner: SHARE });
      const result = await floodAndCall(issuer, `${PUBLIC}/orders`, (token, dpop) => call(port, token, dpop));
      if (process.env.DPOP_FLOOD_REPORT) console.log(`Redis, maxmemory used + 128 KiB: ${result.summary}`);
      expect(result.floodLeft, 'the other key finished during the flood').toBeGreaterThan(0);
      expect(result.otherStatuses).toEqual(Array(OTHER_REQUESTS).fill(200));
      expect(result.flood.filter((r) => r.status === 200)).toHaveLength(SHARE);
      const refused = result.flood.filter((r) => r.status === 429);
      expect(refused).toHaveLength(FLOOD_PROOFS - SHARE);
      const sample = refused[refused.length - 1] as RawResponse;
      expect(Number(header(sample, 'retry-after'))).toBeGreaterThanOrEqual(50);
      expect(Number(header(sample, 'retry-after'))).toBeLessThanOrEqual(60);
      expect(header(sample, 'www-authenticate')).toBeUndefined();
      expect(header(sample, 'cache-control')).toBe('no-store');
      expect(JSON.parse(sample.body)).toMatchObject({ status: 429, code: 'too_many_requests' });
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  });
});

const SHARE = 50;
