/**
 * A preflight look-alike never skips authentication (rule 62). An
 * unauthenticated `OPTIONS` with `Access-Control-Request-Method` used to pass
 * every guard and check, and the adapters then called the next handler: on a
 * route that matches every method (`app.all`, `router.all`, guards mounted for
 * a whole path) the protected handler answered 200 and its side effect ran.
 * Now a guard or check that sees a preflight ends it: 204, no body, no
 * challenge, the headers an earlier CORS layer set kept, nothing after it
 * called. Each app is the wiring an application really uses, on every adapter.
 */
import * as expressAdapter from '@auth-errors/express';
import * as fastifyAdapter from '@auth-errors/fastify';
import * as fetchAdapter from '@auth-errors/fetch';
import * as koaAdapter from '@auth-errors/koa';
import { getRequestListener } from '@hono/node-server';
import Router from '@koa/router';
import express, { type RequestHandler } from 'express';
import Fastify from 'fastify';
import { Hono, type MiddlewareHandler } from 'hono';
import { SignJWT } from 'jose';
import Koa, { type Middleware } from 'koa';
import { describe, expect, it } from 'vitest';
import { express4, Koa2 } from './support/apps.js';
import { BEARER } from './support/contract-cases.js';
import { basic, header, headerLines, type RawResponse, rawRequest, serve } from './support/http.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const JWT = { secret: SECRET, issuer: 'https://as.example', audience: 'https://rs.example' } as const;
const verifyUser = (user: string, password: string) => user === 'admin' && password === 'secret';

const PREFLIGHT = [
  ['Origin', 'https://app.example'],
  ['Access-Control-Request-Method', 'GET'],
  ['Access-Control-Request-Headers', 'authorization'],
] as const;
/** What the application's CORS layer, mounted first, sets on a preflight before it lets the request on. */
const CORS_HEADERS = {
  'access-control-allow-origin': 'https://app.example',
  'access-control-allow-methods': 'GET, POST',
  'access-control-allow-headers': 'authorization',
};
const isPreflight = (method: string, has: (name: string) => boolean) =>
  method === 'OPTIONS' && has('access-control-request-method');

async function token(scope: string): Promise<string> {
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(JWT.issuer)
    .setAudience(JWT.audience)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

/** How many times a protected handler ran: its side effect. */
interface Effects {
  count: number;
}

/**
 * One app per adapter with three protected paths, each answering every method:
 * `/api/export` (JWT guard, then a scope check), `/admin/report` (Basic guard
 * and a policy mounted for the whole `/admin` path, then a router) and
 * `/unguarded` (a scope check alone).
 */
type Build = (effects: Effects) => Promise<Parameters<typeof serve>[0]>;

function expressApp(make: typeof express): Build {
  return async (effects) => {
    const { authErrors, basicAuth, jwtAuth, requireAuth, requireScopes } = expressAdapter;
    const app = make();
    const cors: RequestHandler = (req, res, next) => {
      if (isPreflight(req.method, (name) => req.get(name) !== undefined)) res.set(CORS_HEADERS);
      next(); // a CORS layer with preflightContinue: the preflight goes on
    };
    const handler: RequestHandler = (_req, res) => {
      effects.count += 1;
      res.json({ secret: 'protected data' });
    };
    app.use(cors);
    app.all('/api/export', jwtAuth(JWT), requireScopes('export'), handler);
    const router = make.Router();
    router.all('/report', handler);
    app.use(
      '/admin',
      basicAuth({ verify: verifyUser }),
      requireAuth(() => true),
      router,
    );
    app.all('/unguarded', requireScopes('export'), handler);
    app.use(authErrors());
    return app as unknown as Parameters<typeof serve>[0];
  };
}

function koaApp(make: typeof Koa): Build {
  return async (effects) => {
    const { authErrors, basicAuth, jwtAuth, requireAuth, requireScopes } = koaAdapter;
    const app = new make();
    app.use(authErrors());
    app.use(async (ctx, next) => {
      if (isPreflight(ctx.method, (name) => ctx.get(name) !== '')) ctx.set(CORS_HEADERS);
      await next();
    });
    const handler: Middleware = (ctx) => {
      effects.count += 1;
      ctx.body = { secret: 'protected data' };
    };
    const router = new Router();
    router.all('/api/export', jwtAuth(JWT), requireScopes('export'), handler);
    router.all('/unguarded', requireScopes('export'), handler);
    // Guards for a whole part of the app, before its router: koa-mount style.
    const admin = new Router({ prefix: '/admin' });
    admin.use(
      basicAuth({ verify: verifyUser }),
      requireAuth(() => true),
    );
    admin.all('/report', handler);
    app.use(router.routes());
    app.use(admin.routes());
    return app.callback();
  };
}

const fastifyApp: Build = async (effects) => {
  const { authErrors, basicAuth, jwtAuth, requireAuth, requireScopes } = fastifyAdapter;
  const app = Fastify();
  await app.register(authErrors);
  app.addHook('onRequest', async (request, reply) => {
    if (isPreflight(request.method, (name) => request.headers[name] !== undefined)) reply.headers(CORS_HEADERS);
  });
  const handler = async () => {
    effects.count += 1;
    return { secret: 'protected data' };
  };
  app.all('/api/export', { onRequest: [jwtAuth(JWT), requireScopes('export')] }, handler);
  app.all('/unguarded', { onRequest: [requireScopes('export')] }, handler);
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', basicAuth({ verify: verifyUser }));
      admin.addHook(
        'onRequest',
        requireAuth(() => true),
      );
      admin.all('/report', handler);
    },
    { prefix: '/admin' },
  );
  await app.ready();
  return app.routing;
};

const honoApp: Build = async (effects) => {
  const auth = fetchAdapter.authErrors();
  const gate =
    (g: fetchAdapter.Gate): MiddlewareHandler =>
    async (c, next) =>
      (await g(c.req.raw)) ?? next();
  const app = new Hono();
  // On c.res.headers, as Hono's own cors() sets them: Hono merges those into a Response a later
  // middleware returns, and drops what c.header() prepared before any response existed.
  app.use(async (c, next) => {
    if (isPreflight(c.req.method, (name) => c.req.header(name) !== undefined)) {
      for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
    }
    await next();
  });
  const handler = (c: { json(body: unknown): Response }) => {
    effects.count += 1;
    return c.json({ secret: 'protected data' });
  };
  app.all('/api/export', gate(auth.jwtAuth(JWT)), gate(auth.requireScopes('export')), handler);
  app.all('/unguarded', gate(auth.requireScopes('export')), handler);
  app.use('/admin/*', gate(auth.basicAuth({ verify: verifyUser })), gate(auth.requireAuth(() => true)));
  app.all('/admin/report', handler);
  return getRequestListener(app.fetch);
};

/** A bare Fetch handler (Bun.serve, a Worker, a Next.js route): the gates chained with `??`, no framework. */
const fetchGateApp: Build = async (effects) => {
  const auth = fetchAdapter.authErrors();
  const bearer = auth.jwtAuth(JWT);
  const canExport = auth.requireScopes('export');
  const basicGuard = auth.basicAuth({ verify: verifyUser });
  const protectedData = () => {
    effects.count += 1;
    return Response.json({ secret: 'protected data' });
  };
  const route = auth.handle(async (request: Request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/export') return (await bearer(request)) ?? (await canExport(request)) ?? protectedData();
    if (pathname === '/unguarded') return (await canExport(request)) ?? protectedData();
    if (pathname === '/admin/report') return (await basicGuard(request)) ?? protectedData();
    return new Response(null, { status: 404 });
  });
  return getRequestListener(route);
};

const apps: readonly (readonly [string, Build, { cors: boolean }])[] = [
  ['Express 5', expressApp(express), { cors: true }],
  ['Express 4', expressApp(express4), { cors: true }],
  ['Koa 3', koaApp(Koa), { cors: true }],
  ['Koa 2', koaApp(Koa2), { cors: true }],
  ['Fastify 5', fastifyApp, { cors: true }],
  ['Hono (Fetch gates)', honoApp, { cors: true }],
  ['a bare Fetch handler', fetchGateApp, { cors: false }],
];

function expectPreflightEnded(res: RawResponse, cors: boolean): void {
  expect(res.status).toBe(204);
  expect(res.rawBody.length).toBe(0);
  expect(headerLines(res, 'www-authenticate')).toEqual([]);
  expect(header(res, 'content-type')).toBeUndefined();
  expect(header(res, 'content-length')).toBeUndefined();
  for (const [name, value] of Object.entries(CORS_HEADERS)) expect(header(res, name)).toBe(cors ? value : undefined);
}

describe.each(apps)('%s: a CORS preflight never reaches a protected handler (rule 62)', (_name, build, { cors }) => {
  for (const path of ['/api/export', '/admin/report', '/unguarded']) {
    it(`OPTIONS ${path} with Access-Control-Request-Method: 204, no body, the CORS headers kept, the handler not run`, async () => {
      const effects = { count: 0 };
      const port = await serve(await build(effects));
      const res = await rawRequest(port, { method: 'OPTIONS', path, headers: PREFLIGHT });
      expectPreflightEnded(res, cors);
      expect(effects.count).toBe(0);
    });
  }

  it('a preflight look-alike with only Access-Control-Request-Method (no Origin) is ended alike', async () => {
    const effects = { count: 0 };
    const port = await serve(await build(effects));
    const res = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/api/export',
      headers: [['Access-Control-Request-Method', 'DELETE']],
    });
    expect([res.status, res.rawBody.length, effects.count]).toEqual([204, 0, 0]);
  });

  it('a preflight with valid credentials is still ended: a preflight is never a request to the handler', async () => {
    const effects = { count: 0 };
    const port = await serve(await build(effects));
    const bearer = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/api/export',
      headers: [...PREFLIGHT, ['Authorization', `Bearer ${await token('export')}`]],
    });
    const basicCredentials = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/admin/report',
      headers: [...PREFLIGHT, ['Authorization', basic('admin', 'secret')]],
    });
    expect([bearer.status, basicCredentials.status, effects.count]).toEqual([204, 204, 0]);
  });

  it('OPTIONS without Access-Control-Request-Method is no preflight: it is challenged, and the handler does not run', async () => {
    const effects = { count: 0 };
    const port = await serve(await build(effects));
    const res = await rawRequest(port, {
      method: 'OPTIONS',
      path: '/api/export',
      headers: [['Origin', 'https://app.example']],
    });
    expect(res.status).toBe(401);
    expect(headerLines(res, 'www-authenticate')).toEqual([BEARER]);
    expect(effects.count).toBe(0);
  });

  it('the same routes still serve an authenticated GET (the guards are really on them)', async () => {
    const effects = { count: 0 };
    const port = await serve(await build(effects));
    const get = await rawRequest(port, {
      path: '/api/export',
      headers: [['Authorization', `Bearer ${await token('export')}`]],
    });
    const admin = await rawRequest(port, {
      path: '/admin/report',
      headers: [['Authorization', basic('admin', 'secret')]],
    });
    expect([get.status, JSON.parse(get.body), admin.status, effects.count]).toEqual([
      200,
      { secret: 'protected data' },
      200,
      2,
    ]);
  });
});
