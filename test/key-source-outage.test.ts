/**
 * A 15-minute identity-provider outage over HTTP, on Express 5 and Koa 3: one
 * key source from createRemoteKeySource shared by two jwtAuth guards (two
 * audiences), a route that calls jose's jwtVerify with it directly, and a
 * /healthz route that shows keySource.health(). The JWKS is served by the test
 * and fails from minute 5 to minute 20 (HTTP 500, a hang, a closed port); the
 * key source runs on its defaults (10 min cache age, 30 s cooldown, 24 h
 * maxStale) except a short fetch timeout. Date is faked (the key source reads
 * Date.now() only) and stands still while a fetch is in flight, so 25 minutes
 * pass in seconds; the fetches and their timeouts run in real time.
 */
import { once } from 'node:events';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AuthErrorEvent,
  createKeySourceLogger,
  createRemoteKeySource,
  type KeySource,
  type KeySourceEvent,
} from '@auth-errors/core';
import * as expressAdapter from '@auth-errors/express';
import * as koaAdapter from '@auth-errors/koa';
import { Router } from '@koa/router';
import express from 'express';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';
import Koa from 'koa';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';

const ISSUER = 'https://issuer.outage.invalid';
const ORDERS = 'https://orders.outage.invalid';
const INVOICES = 'https://invoices.outage.invalid';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.UTC(2030, 0, 1);
/** Short, so that a hanging provider costs little real time; generous enough for a loaded machine. */
const TIMEOUT = 250;

type Fault = 'status500' | 'hang' | 'refused';
type Flavor = 'express5' | 'koa3';

interface Signer {
  readonly jwk: JWK;
  readonly privateKey: CryptoKey;
}

async function signer(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/** A token for both audiences, valid for 2 hours of fake time. */
function sign(key: Signer): Promise<string> {
  return new SignJWT({ scope: 'orders:read' })
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid as string, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience([ORDERS, INVOICES])
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(key.privateKey);
}

/** The identity provider: its JWKS, a fault switch, and a closed port for "refused". */
function startIdp() {
  let keys: JWK[] = [];
  let fault: Fault | undefined;
  let port = 0;
  const pending = new Set<ServerResponse>();
  const server = createServer((_req, res) => {
    pending.add(res);
    res.on('close', () => pending.delete(res));
    if (fault === 'hang') return;
    if (fault === 'status500') res.writeHead(500).end('down');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  const listen = async () => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  };
  const close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return {
    listen,
    url: () => `http://127.0.0.1:${port}/jwks.json`,
    setKeys: (next: JWK[]) => {
      keys = next;
    },
    setFault: async (next: Fault | undefined) => {
      for (const res of pending) res.socket?.destroy();
      if (next === 'refused' && fault !== 'refused') await close();
      if (next !== 'refused' && fault === 'refused') await listen();
      fault = next;
    },
    stop: async () => {
      if (fault !== 'refused') await close();
    },
  };
}

/** The bearer token of a request, for the route that calls jose itself. */
const bearerOf = (header: string | undefined) => header?.replace(/^Bearer /, '') ?? '';

function buildApp(flavor: Flavor, keys: KeySource, events: AuthErrorEvent[]): RequestListener {
  const guard = (audience: string) => ({ keySource: keys, issuer: ISSUER, audience, algorithms: ['RS256'] });
  const direct = (authorization: string | undefined) =>
    jwtVerify(bearerOf(authorization), keys, { issuer: ISSUER, audience: ORDERS, algorithms: ['RS256'] });
  // A readiness probe: fail only when no key set can be used at all.
  const healthz = () => {
    const jwks = keys.health();
    return { status: jwks.status === 'unavailable' ? 503 : 200, body: { status: jwks.status, jwks } };
  };
  const renderOptions = { onError: (event: AuthErrorEvent) => events.push(event) };
  if (flavor === 'express5') {
    const app = express();
    app.get('/healthz', (_req, res) => {
      const { status, body } = healthz();
      res.status(status).json(body);
    });
    app.get('/orders', expressAdapter.jwtAuth(guard(ORDERS)), (_req, res) => res.json({ ok: true }));
    app.get('/invoices', expressAdapter.jwtAuth(guard(INVOICES)), (_req, res) => res.json({ ok: true }));
    app.get('/direct', (req, res, next) => {
      direct(req.headers.authorization).then(() => res.json({ ok: true }), next);
    });
    app.use(expressAdapter.authErrors(renderOptions));
    return app;
  }
  const app = new Koa();
  const router = new Router();
  router.get('/healthz', (ctx) => {
    const { status, body } = healthz();
    ctx.status = status;
    ctx.body = body;
  });
  router.get('/orders', koaAdapter.jwtAuth(guard(ORDERS)), (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/invoices', koaAdapter.jwtAuth(guard(INVOICES)), (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/direct', async (ctx) => {
    await direct(ctx.get('authorization'));
    ctx.body = { ok: true };
  });
  app.use(koaAdapter.authErrors(renderOptions));
  app.use(router.routes());
  return app.callback();
}

const idp = startIdp();
let k1: Signer;
let kNew: Signer;
let tokenK1: string;
let fetchSpy: MockInstance<typeof fetch>;
const summary: Record<string, unknown>[] = [];

beforeAll(async () => {
  [k1, kNew] = await Promise.all([signer('k1'), signer('k-new')]);
  await idp.listen();
  await (await fetch(idp.url())).text(); // the first fetch of a process loads undici: keep that out of the timeouts
});

afterAll(async () => {
  await idp.stop();
  console.log(`key-source-outage: 15-minute outage over HTTP ${JSON.stringify(summary)}`);
});

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  idp.setKeys([k1.jwk]);
  await idp.setFault(undefined);
  tokenK1 = await sign(k1);
  fetchSpy = vi.spyOn(globalThis, 'fetch');
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe.each(['express5', 'koa3'] as const)('%s: one shared key source through a 15-minute outage', (flavor) => {
  it.each(['status500', 'hang', 'refused'] as const)('%s', async (fault) => {
    const keyEvents: KeySourceEvent[] = [];
    const errors: AuthErrorEvent[] = [];
    const lines: { at: number; text: string }[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => lines.push({ at: Date.now() - T0, text }));
    let wake: (() => void) | undefined;
    const log = createKeySourceLogger('idp.outage.invalid');
    const keys = createRemoteKeySource(idp.url(), {
      timeoutDuration: TIMEOUT,
      onEvent: (event) => {
        keyEvents.push(event);
        log(event);
        wake?.();
      },
    });
    const ended = () => keyEvents.filter((e) => e.type === 'fetched' || e.type === 'failed').length;
    const started = () => new Set(fetchSpy.mock.calls.map(([, init]) => init?.signal)).size;
    /** Time stands still while a fetch is in flight. */
    const settle = async () => {
      while (ended() < started()) await new Promise<void>((resolve) => (wake = resolve));
    };

    const app: Server = createServer(buildApp(flavor, keys, errors));
    app.listen(0, '127.0.0.1');
    await once(app, 'listening');
    const agent = request(`http://127.0.0.1:${(app.address() as AddressInfo).port}`);
    const get = (path: string, token = tokenK1) => agent.get(path).set('Authorization', `Bearer ${token}`);

    const statuses = new Map<number, number>();
    const health = new Set<string>();
    let requests = 0;
    try {
      for (let t = 0; t <= 25 * MINUTE; t += 10 * SECOND) {
        vi.setSystemTime(T0 + t);
        if (t === 5 * MINUTE) await idp.setFault(fault);
        if (t === 20 * MINUTE) {
          idp.setKeys([k1.jwk, kNew.jwk]); // back, with a key published during the outage
          await idp.setFault(undefined);
        }
        // Four requests at once, over both guards and the direct jose call, all with a known key.
        const all = await Promise.all([get('/orders'), get('/invoices'), get('/orders'), get('/direct')]);
        for (const res of all) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        requests += all.length;
        const probe = await agent.get('/healthz');
        expect(probe.status).toBe(200);
        health.add(probe.body.status);
        await settle();

        if (t === 15 * MINUTE) {
          // A kid the cached set lacks: it may exist at the provider, so 503 with Retry-After, never 401;
          // on the guards and on the direct jose call alike.
          const tokenNew = await sign(kNew);
          for (const path of ['/orders', '/direct']) {
            const res = await get(path, tokenNew);
            expect(res.status, path).toBe(503);
            expect(res.headers['retry-after']).toBe('5');
            expect(res.headers['www-authenticate']).toBeUndefined();
            expect(JSON.parse(res.text)).toMatchObject({ status: 503, code: 'auth_unavailable' });
          }
          expect(probe.body).toMatchObject({ status: 'stale', jwks: { age: 15 * MINUTE, keys: 1 } });
          await settle();
        }
      }
      // Recovered without a restart: the key published during the outage verifies.
      expect((await get('/invoices', await sign(kNew))).status).toBe(200);
    } finally {
      app.closeAllConnections();
      app.close();
    }

    expect(statuses).toEqual(new Map([[200, requests]]));
    expect([...health]).toEqual(['ok', 'stale']);
    expect(keys.health()).toMatchObject({ status: 'ok', failures: 0, keys: 2 });
    const failed = keyEvents.filter((e) => e.type === 'failed');
    // One fetch per backoff interval (1, 2, 4, 8, 16 s, then the 30 s cooldown), however many requests.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThanOrEqual(5 + Math.ceil((12.5 * MINUTE) / (30 * SECOND)));
    expect(started()).toBe(ended());
    // One log line when it goes down, at most one a minute while it stays down, one when it recovers.
    const texts = lines.map((line) => line.text);
    expect(texts[0]).toMatch(/^auth-errors: JWKS at idp\.outage\.invalid is unavailable \(/);
    expect(texts.at(-1)).toMatch(/^auth-errors: JWKS at idp\.outage\.invalid recovered after /);
    for (let i = 1; i < lines.length - 1; i += 1) {
      expect((lines[i] as { at: number }).at - (lines[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(MINUTE);
    }
    expect(lines.length).toBeLessThanOrEqual(2 + 13);
    summary.push({
      flavor,
      fault,
      requests,
      failed: requests - (statuses.get(200) ?? 0),
      fetches: started(),
      failedFetches: failed.length,
      reason: failed[0]?.type === 'failed' ? failed[0].reason : undefined,
      logLines: lines.length,
      health: [...health],
    });
  });
});
