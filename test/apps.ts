/**
 * THE SAME app built four ways (Express 5, Express 4, Koa 3, Koa 2) from the
 * built adapters: same routes, same guards, same renderer options, same
 * fallback for errors the library does not own. The parity suite sends one
 * table of requests to all four; any difference is an adapter bug.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { type AuthErrorEvent, type AuthInfo, type RenderOptions, safeEqual } from '@auth-errors/core/adapter';
import * as expressAdapter from '@auth-errors/express';
import * as koaAdapter from '@auth-errors/koa';
import { Router } from '@koa/router';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import createError from 'http-errors';
import { SignJWT } from 'jose';
import Koa, { type Middleware } from 'koa';

const require = createRequire(import.meta.url);
/** express@4 and koa@2, installed under npm aliases; their APIs are typed as the current majors'. */
const express4 = require('express4') as typeof express;
const Koa2 = require('koa2') as typeof Koa;

export type Flavor = 'express5' | 'express4' | 'koa3' | 'koa2';
export const flavors: readonly Flavor[] = ['express5', 'express4', 'koa3', 'koa2'];

export const ISSUER = 'https://as.example';
export const AUDIENCE = 'https://rs.example';
export const TYPE_BASE = 'https://rs.example/problems/';

/** Renderer options shared by every app: an API that accepts Basic and Bearer. */
function renderOptions(events: AuthErrorEvent[]): RenderOptions {
  return { schemes: ['Basic', 'Bearer'], typeBase: TYPE_BASE, onError: (event) => events.push(event) };
}

const USERS: Readonly<Record<string, { password: string; roles: string[] }>> = {
  alice: { password: 'wonderland', roles: [] },
  admin: { password: 'correct horse battery staple', roles: ['admin'] },
};

/** Basic verify: constant-time password check; a principal `{ user, roles }` or false. */
function verifyUser(user: string, password: string): { user: string; roles: string[] } | false {
  const entry = Object.hasOwn(USERS, user) ? USERS[user] : undefined;
  // Compare even for an unknown user, so the time does not say which part was wrong.
  const ok = safeEqual(password, entry?.password ?? '\u0000');
  return ok && entry !== undefined ? { user, roles: entry.roles } : false;
}

export const OPAQUE_TOKEN = 'opaque-good-token';
/** Opaque-token verify: one good token; `explode` makes the check itself fail (503). */
function verifyOpaque(token: string): { sub: string; scope: string } | false {
  if (token === 'explode') throw new Error('token introspection endpoint is down');
  return token === OPAQUE_TOKEN ? { sub: 'service-1', scope: 'orders:read' } : false;
}

const isAdmin = (auth: AuthInfo) => ((auth.principal as { roles?: string[] }).roles ?? []).includes('admin');

/** Keys, tokens and a closed port, made once and shared by the four apps. */
export interface Fixtures {
  readonly publicKeyPem: string;
  /** A loopback port nothing listens on: the JWKS route's key source is down. */
  readonly closedPort: number;
  readonly tokens: Readonly<Record<TokenName, string>>;
}

export type TokenName =
  | 'read'
  | 'noScope'
  | 'lowAcr'
  | 'expired'
  | 'expiredNoScope'
  | 'wrongIssuer'
  | 'wrongAudience'
  | 'badSignature'
  | 'hs256'
  | 'notYetValid'
  | 'noExp'
  | 'dpopBound';

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createFixtures(): Promise<Fixtures> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, key: KeyObject | Uint8Array = privateKey, alg = 'ES256') => {
    const { exp = now + 3600, ...rest } = claims;
    const jwt = new SignJWT({ sub: 'user-1', scope: 'orders:read', acr: 'urn:high', ...rest })
      .setProtectedHeader({ alg, typ: 'at+jwt' })
      .setIssuer((rest.iss as string | undefined) ?? ISSUER)
      .setAudience((rest.aud as string | undefined) ?? AUDIENCE)
      .setIssuedAt(now);
    if (exp !== null) jwt.setExpirationTime(exp as number);
    return jwt.sign(key);
  };
  const tokens: Record<TokenName, string> = {
    read: await sign({}),
    noScope: await sign({ scope: 'profile' }),
    lowAcr: await sign({ acr: 'urn:low' }),
    expired: await sign({ exp: now - 3600 }),
    expiredNoScope: await sign({ exp: now - 3600, scope: 'profile' }),
    wrongIssuer: await sign({ iss: 'https://as.example/' }),
    wrongAudience: await sign({ aud: 'https://other.example' }),
    badSignature: await sign({}, other),
    hs256: await sign({}, new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!'), 'HS256'),
    notYetValid: await sign({ nbf: now + 600 }),
    noExp: await sign({ exp: null }),
    dpopBound: await sign({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }),
  };
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    closedPort: await closedPort(),
    tokens,
  };
}

/** The guard chains of every protected route, written once against either adapter's kit. */
function routes<H>(kit: typeof expressAdapter | typeof koaAdapter, fixtures: Fixtures): [string, H[]][] {
  const jwtOptions = { key: fixtures.publicKeyPem, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] };
  const basicGuard = kit.basicAuth({ verify: verifyUser });
  const jwtGuard = kit.jwtAuth(jwtOptions);
  const chains: [string, unknown[]][] = [
    ['/public', []],
    ['/basic', [basicGuard]],
    ['/admin', [basicGuard, kit.requireAuth(isAdmin)]],
    ['/bearer', [kit.bearerAuth({ verify: verifyOpaque })]],
    ['/query', [kit.bearerAuth({ verify: verifyOpaque, methods: { query: true } })]],
    ['/jwt', [jwtGuard]],
    ['/jwt/read', [jwtGuard, kit.requireScopes('orders:read')]],
    ['/jwt/stepup', [jwtGuard, kit.requireStepUp({ acrValues: ['urn:high'] })]],
    [
      '/jwks',
      [
        kit.jwtAuth({
          jwksUrl: `http://127.0.0.1:${fixtures.closedPort}/.well-known/jwks.json`,
          issuer: ISSUER,
          audience: AUDIENCE,
        }),
      ],
    ],
  ];
  return chains as [string, H[]][];
}

/** What every successful route answers; a CORS preflight that got through gets 204. */
function success(route: string, method: string, auth: AuthInfo | undefined): { status: number; body?: unknown } {
  if (method === 'OPTIONS') return { status: 204 };
  const principal = auth?.principal as { user?: string; sub?: string } | undefined;
  return { status: 200, body: { route, user: principal?.user ?? principal?.sub ?? null } };
}

/** Headers a route sets before it fails: the content ones must go, CORS must stay. */
export const STALE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Language': 'de',
  'Content-Disposition': 'attachment; filename="orders.csv"',
  ETag: '"v1"',
  'WWW-Authenticate': 'Basic realm="stale"',
  'Retry-After': '120',
  'Access-Control-Allow-Origin': 'https://app.example',
};

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': 'https://app.example',
  'access-control-allow-methods': 'GET',
  'access-control-allow-headers': 'authorization',
};

/** An error the library does not own: `/throw/500` throws it and the app's fallback must receive this very object. */
export interface Foreign {
  /** The last value a route threw on purpose. */
  thrown: unknown;
}

/** The app's own fallback for errors auth-errors passes on: records identity, answers JSON. */
function fallbackBody(err: unknown, foreign: Foreign): { status: number; body: unknown } {
  const status = (err as { status?: unknown }).status;
  return {
    status: typeof status === 'number' ? status : 500,
    body: { fallback: true, identical: err === foreign.thrown, message: (err as Error).message },
  };
}

export interface RunningApp {
  readonly flavor: Flavor;
  readonly port: number;
  /** onError events of the last request(s); clear before each request. */
  readonly events: AuthErrorEvent[];
  readonly foreign: Foreign;
  close(): Promise<void>;
}

function buildExpress(
  make: typeof express,
  fixtures: Fixtures,
  events: AuthErrorEvent[],
  foreign: Foreign,
): (req: unknown, res: unknown) => void {
  const app = make();
  for (const [path, chain] of routes<RequestHandler>(expressAdapter, fixtures)) {
    app.all(path, ...chain, (req, res) => {
      // express-oauth2-jwt-bearer (loaded by other tests) declares its own req.auth type.
      const { status, body } = success(path, req.method, expressAdapter.authOf(req));
      if (status === 204) res.set(PREFLIGHT_HEADERS).status(204).end();
      else res.status(status).json(body);
    });
  }
  app.all('/throw/401', () => {
    throw createError(401);
  });
  app.all('/stale', (_req, res) => {
    res.set(STALE_HEADERS);
    throw expressAdapter.forbidden();
  });
  app.all('/throw/404', () => {
    foreign.thrown = createError(404, 'No such order');
    throw foreign.thrown;
  });
  app.all('/throw/500', () => {
    foreign.thrown = new Error('boom');
    throw foreign.thrown;
  });
  app.use(expressAdapter.authErrors(renderOptions(events)));
  const fallback: ErrorRequestHandler = (err, _req, res, _next) => {
    const { status, body } = fallbackBody(err, foreign);
    res.status(status).json(body);
  };
  app.use(fallback);
  return app as unknown as (req: unknown, res: unknown) => void;
}

function buildKoa(make: typeof Koa, fixtures: Fixtures, events: AuthErrorEvent[], foreign: Foreign): Koa {
  const app = new make();
  // The application's own error layer, outside auth-errors: it must see foreign errors unchanged.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const { status, body } = fallbackBody(err, foreign);
      ctx.status = status;
      ctx.body = body;
    }
  });
  app.use(koaAdapter.authErrors(renderOptions(events)));
  const router = new Router();
  for (const [path, chain] of routes<Middleware>(koaAdapter, fixtures)) {
    router.all(path, ...chain, (ctx) => {
      const { status, body } = success(path, ctx.method, koaAdapter.authOf(ctx));
      if (status === 204) ctx.set(PREFLIGHT_HEADERS);
      ctx.status = status;
      if (body !== undefined) ctx.body = body;
    });
  }
  router.all('/throw/401', () => {
    throw createError(401);
  });
  router.all('/stale', (ctx) => {
    ctx.set(STALE_HEADERS);
    throw koaAdapter.forbidden();
  });
  router.all('/throw/404', (ctx) => {
    try {
      ctx.throw(404, 'No such order');
    } catch (err) {
      foreign.thrown = err;
      throw err;
    }
  });
  router.all('/throw/500', () => {
    foreign.thrown = new Error('boom');
    throw foreign.thrown;
  });
  app.use(router.routes());
  return app;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

export async function startApp(flavor: Flavor, fixtures: Fixtures): Promise<RunningApp> {
  const events: AuthErrorEvent[] = [];
  const foreign: Foreign = { thrown: undefined };
  let server: Server;
  switch (flavor) {
    case 'express5':
      server = createServer(buildExpress(express, fixtures, events, foreign));
      break;
    case 'express4':
      server = createServer(buildExpress(express4, fixtures, events, foreign));
      break;
    case 'koa3':
      server = createServer(buildKoa(Koa, fixtures, events, foreign).callback());
      break;
    case 'koa2':
      server = createServer(buildKoa(Koa2, fixtures, events, foreign).callback());
      break;
  }
  const port = await listen(server);
  return {
    flavor,
    port,
    events,
    foreign,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
