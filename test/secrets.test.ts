/**
 * Secrets hygiene: across every row of the contract, nothing the library
 * returns (status line, headers, body) or logs by default (stderr, console)
 * contains the token, the password or the Authorization value, even when a
 * verify callback fails with an error whose message quotes them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as expressAdapter from '@auth-errors/express';
import * as koaAdapter from '@auth-errors/koa';
import { Router } from '@koa/router';
import express from 'express';
import Koa from 'koa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RawRequest, rawRequest } from './raw-http.js';

const PASSWORD = 'pw-Sup3r-Secret-Value';
const TOKEN = 'tok-VerySecretBearerToken-0123456789';
const DOWN_TOKEN = 'tok-DownstreamOutage-9876543210';
const SECRETS = [PASSWORD, TOKEN, DOWN_TOKEN, Buffer.from(`alice:${PASSWORD}`).toString('base64')];

// The checks fail in ways that quote the secrets, as careless code does.
const verifyUser = (user: string, password: string) => {
  if (password === PASSWORD) throw new Error(`user store down while checking ${user}:${password}`);
  return user === 'alice' && password === 'right' ? { user, roles: [] as string[] } : false;
};
const verifyToken = (token: string) => {
  if (token === DOWN_TOKEN) throw new Error(`introspection failed for ${token}`);
  return token === TOKEN ? { sub: 'svc', scope: 'read' } : false;
};

function chains<H>(kit: typeof expressAdapter | typeof koaAdapter): [string, H[]][] {
  const bearer = kit.bearerAuth({ verify: verifyToken, methods: { query: true } });
  return [
    ['/basic', [kit.basicAuth({ verify: verifyUser })]],
    ['/bearer', [bearer]],
    ['/scoped', [bearer, kit.requireScopes('write')]],
    ['/policy', [bearer, kit.requireAuth(() => false)]],
    ['/stepup', [bearer, kit.requireStepUp({ acrValues: ['urn:high'], maxAge: 60 })]],
  ] as [string, H[]][];
}

function expressApp(): Server {
  const app = express();
  for (const [path, chain] of chains<express.RequestHandler>(expressAdapter)) {
    app.get(path, ...chain, (_req, res) => res.json({ ok: true }));
  }
  app.use(expressAdapter.authErrors({ schemes: ['Basic', 'Bearer'] }));
  return createServer(app);
}

function koaApp(): Server {
  const app = new Koa();
  const router = new Router();
  for (const [path, chain] of chains<Koa.Middleware>(koaAdapter)) {
    router.get(path, ...chain, (ctx) => {
      ctx.body = { ok: true };
    });
  }
  app.use(koaAdapter.authErrors({ schemes: ['Basic', 'Bearer'] }));
  app.use(router.routes());
  return createServer(app.callback());
}

const basic = (password: string) => `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
const requests: [string, RawRequest][] = [
  ['credentials_required', { path: '/bearer' }],
  [
    'invalid_request: header + query',
    { path: `/bearer?access_token=${TOKEN}`, headers: [['Authorization', `Bearer ${TOKEN}`]] },
  ],
  [
    'invalid_request: duplicate fields',
    {
      path: '/bearer',
      headers: [
        ['Authorization', `Bearer ${TOKEN}`],
        ['Authorization', `Bearer ${TOKEN}`],
      ],
    },
  ],
  ['invalid_token: unknown token', { path: '/bearer', headers: [['Authorization', `Bearer ${TOKEN}x`]] }],
  ['invalid_token: malformed', { path: '/bearer', headers: [['Authorization', `Bearer ${TOKEN} "${PASSWORD}"`]] }],
  ['invalid_credentials', { path: '/basic', headers: [['Authorization', basic(`${PASSWORD}-wrong`)]] }],
  ['insufficient_scope', { path: '/scoped', headers: [['Authorization', `Bearer ${TOKEN}`]] }],
  ['forbidden', { path: `/policy?access_token=${TOKEN}` }],
  ['insufficient_user_authentication', { path: '/stepup', headers: [['Authorization', `Bearer ${TOKEN}`]] }],
  ['auth_unavailable: basic verify throws', { path: '/basic', headers: [['Authorization', basic(PASSWORD)]] }],
  ['auth_unavailable: bearer verify throws', { path: '/bearer', headers: [['Authorization', `Bearer ${DOWN_TOKEN}`]] }],
];

describe.each([
  ['express', expressApp],
  ['koa', koaApp],
])('%s: secrets never leave in a response or a log line', (_name, build) => {
  let server: Server;
  let port: number;
  let logged: string[];
  beforeAll(async () => {
    server = build();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    logged = [];
    const capture = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
      return true;
    };
    for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const)
      vi.spyOn(console, method).mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(requests)('%s', async (name, request) => {
    const res = await rawRequest(port, request);
    expect(res.status).toBeGreaterThanOrEqual(400);
    const text = [String(res.status), ...res.headers.map(([n, v]) => `${n}: ${v}`), res.body, ...logged].join('\n');
    for (const secret of SECRETS) expect(text.includes(secret), `${name} leaked ${secret}`).toBe(false);
    if (name.startsWith('auth_unavailable')) {
      // The outage is logged once, by class name only: proof that the capture works.
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^auth-errors: auth_unavailable \(503\) for GET \/(basic|bearer): Error$/);
    } else {
      expect(logged).toEqual([]);
    }
  });
});
