/**
 * THE SAME app built on Express 5, Express 4, Koa 3, Koa 2, Fastify 5 and Hono
 * (with @auth-errors/fetch, on @hono/node-server) from the built adapters: same
 * routes, same guards, same renderer profiles (each under
 * its prefix, see contract-cases.ts), same fallback for errors the library does
 * not own. test/parity.test.ts sends the contract table to every app; any
 * difference is an adapter bug.
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { parse as parseForm } from 'node:querystring';
import { isDeepStrictEqual } from 'node:util';
import type { AuthErrorEvent, AuthInfo } from '@auth-errors/core';
import type { RenderOptions } from '@auth-errors/core/adapter';
import * as expressAdapter from '@auth-errors/express';
import * as fastifyAdapter from '@auth-errors/fastify';
import * as fetchAdapter from '@auth-errors/fetch';
import * as koaAdapter from '@auth-errors/koa';
import { getRequestListener } from '@hono/node-server';
import { bodyParser } from '@koa/bodyparser';
import { Router } from '@koa/router';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import Koa, { type Middleware } from 'koa';
import {
  AUDIENCE,
  DOWN_TOKEN,
  DOWN_USER,
  errorCases,
  type Fixtures,
  ISSUER,
  METADATA_OPTIONS,
  METADATA_URL,
  OPAQUE_PRINCIPAL,
  OPAQUE_TOKEN,
  PREFLIGHT_HEADERS,
  type ProfileName,
  profiles,
  SCOPED_USER,
  STALE_HEADERS,
  SUSPENDED_TOKEN,
  slugOf,
  TRUE_TOKEN,
  TRUE_USER,
  USERS,
} from './contract-cases.js';
import { close, listen } from './http.js';

const require = createRequire(import.meta.url);
/** express@4 and koa@2, installed under npm aliases; their APIs are typed as the current majors'. */
export const express4 = require('express4') as typeof express;
export const Koa2 = require('koa2') as typeof Koa;

/** `describe.each(expressVersions)`: a suite runs on both Express majors. */
export const expressVersions: readonly (readonly [string, typeof express])[] = [
  ['express 5', express],
  ['express 4', express4],
];
/** `describe.each(koaVersions)`: a suite runs on both Koa majors. */
export const koaVersions: readonly (readonly [string, typeof Koa])[] = [
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
];

export type Flavor = 'express5' | 'express4' | 'koa3' | 'koa2' | 'fastify5' | 'hono';
export const flavors: readonly Flavor[] = ['express5', 'express4', 'koa3', 'koa2', 'fastify5', 'hono'];

/** Basic verify: a principal, `true`, false, or a user store that fails and quotes the password. */
function verifyUser(user: string, password: string): object | boolean {
  if (user === DOWN_USER.user) throw new Error(`user store down while checking ${user}:${password}`);
  if (user === TRUE_USER.user) return expressAdapter.safeEqual(password, TRUE_USER.password);
  if (user === SCOPED_USER.user) return password === SCOPED_USER.password && SCOPED_USER.principal;
  const entry = Object.hasOwn(USERS, user) ? USERS[user as keyof typeof USERS] : undefined;
  // Compare even for an unknown user, so the time does not say which part was wrong.
  const ok = expressAdapter.safeEqual(password, entry?.password ?? '\u0000');
  return ok && entry !== undefined ? entry.principal : false;
}

/** Opaque-token verify: one good token, one accepted with `true`, one suspended, one whose check fails. */
function verifyOpaque(token: string): object | boolean {
  if (token === DOWN_TOKEN) throw new Error(`introspection failed for ${token}`);
  if (token === SUSPENDED_TOKEN) throw expressAdapter.forbidden({ detail: 'This account is suspended' });
  if (token === TRUE_TOKEN) return true;
  return token === OPAQUE_TOKEN ? OPAQUE_PRINCIPAL : false;
}

const isAdmin = (auth: AuthInfo) => ((auth.principal as { roles?: string[] }).roles ?? []).includes('admin');

/** The last value a route threw on purpose, and a copy of it as thrown. */
interface Thrown {
  value: unknown;
  snapshot: unknown;
}

const snapshotOf = (value: unknown) =>
  typeof value === 'object' && value !== null
    ? { ...value, message: (value as Error).message, stack: (value as Error).stack }
    : value;

function record(thrown: Thrown, value: unknown): unknown {
  thrown.value = value;
  thrown.snapshot = snapshotOf(value);
  return value;
}

/**
 * The form-body method (RFC 6750 §2.2) everywhere but in @auth-errors/fetch, which refuses it: a Fetch
 * `Request` body is the application's to read (listed in test/parity.test.ts).
 */
function formMethods(kit: object): { body?: boolean } {
  return kit === expressAdapter || kit === koaAdapter || kit === fastifyAdapter ? { body: true } : {};
}

/** The guard chains of every protected route, written once against either adapter's kit. */
function routes<H>(
  kit: typeof expressAdapter | typeof koaAdapter | typeof fastifyAdapter | fetchAdapter.FetchAuth,
  f: Fixtures,
  thrown: Thrown,
): [string, H[]][] {
  const key = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] as ['ES256'] };
  const jwt = kit.jwtAuth({ key: f.signer.verifyKey, ...key });
  const basic = kit.basicAuth({ verify: verifyUser });
  // The key source is down on purpose: its own log (tested in packages/core/test/key-source.test.ts) stays quiet here.
  const down = { jwksUrl: `http://127.0.0.1:${f.closedPort}/.well-known/jwks.json`, jwks: { onEvent: () => {} } };
  const policyBug = new Error('policy bug');
  const chains: [string, unknown[]][] = [
    ['/public', []],
    ['/basic', [basic]],
    ['/realm', [kit.basicAuth({ realm: 'admin area', verify: () => false })]],
    ['/admin', [basic, kit.requireAuth(isAdmin)]],
    ['/bearer', [kit.bearerAuth({ verify: verifyOpaque })]],
    ['/query', [kit.bearerAuth({ verify: verifyOpaque, methods: { query: true } })]],
    ['/form', [kit.bearerAuth({ verify: verifyOpaque, methods: formMethods(kit) })]],
    ['/jwt', [jwt]],
    ['/jwt/keyobject', [kit.jwtAuth({ key: f.signer.publicKey as never, ...key })]],
    ['/jwt/jwk', [kit.jwtAuth({ key: f.signer.jwk as never, ...key })]],
    ['/jwt/hs', [kit.jwtAuth({ secret: f.hs.verifyKey, issuer: ISSUER, audience: AUDIENCE })]],
    ['/jwt/rfc9068', [kit.jwtAuth({ key: f.signer.verifyKey, ...key, profile: 'rfc9068' })]],
    ['/jwt/read', [jwt, kit.requireScopes('orders:read')]],
    ['/jwt/many', [jwt, kit.requireScopes(['orders:read', 'orders:write'], 'orders:admin')]],
    ['/jwt/policy', [jwt, kit.requireAuth(() => 'yes' as never)]],
    [
      '/jwt/policy-bug',
      [
        jwt,
        kit.requireAuth(() => {
          throw record(thrown, policyBug);
        }),
      ],
    ],
    ['/jwt/stepup', [jwt, kit.requireStepUp({ acrValues: ['urn:high'] })]],
    ['/jwt/fresh', [jwt, kit.requireStepUp({ maxAge: 300 })]],
    ['/jwt/stepup-both', [jwt, kit.requireStepUp({ acrValues: ['urn:gold', 'urn:silver'], maxAge: 60 })]],
    ['/jwks', [kit.jwtAuth({ ...down, issuer: ISSUER, audience: AUDIENCE })]],
    ['/jwks-42', [kit.jwtAuth({ ...down, issuer: ISSUER, audience: AUDIENCE, retryAfter: 42 })]],
    ['/unguarded', [kit.requireScopes('orders:read')]],
  ];
  return chains as [string, H[]][];
}

/** What every route answers once its chain let the request through, whatever the method: a preflight must never get it. */
function success(route: string, _method: string, auth: AuthInfo | undefined) {
  return { status: 200, headers: {}, body: { route, auth: auth ?? null } };
}

/** A CORS preflight, as the apps' CORS layer (mounted before every route) recognises it. */
const isPreflight = (method: string, requestMethod: unknown) => method === 'OPTIONS' && requestMethod !== undefined;

const errorsBySlug = new Map(errorCases.map((c) => [slugOf(c), c.error]));

/** The value the route `/throw/<slug>` throws (a promise for the cases that make it asynchronously). */
function thrownBy(slug: string, f: Fixtures): unknown {
  const make = errorsBySlug.get(slug);
  if (make === undefined) throw new Error(`no error case ${slug}`);
  return make(f);
}

/** The app's own fallback for what auth-errors passes on: reports what it received, answers JSON. */
function fallbackBody(err: unknown, thrown: Thrown, untouched: boolean): { status: number; body: unknown } {
  const status = (err as { status?: unknown } | undefined)?.status;
  return {
    status: typeof status === 'number' ? status : 500,
    body: {
      fallback: true,
      identical: err === thrown.value,
      unchanged: isDeepStrictEqual(snapshotOf(err), thrown.snapshot),
      untouched,
      message: (err as Error | undefined)?.message,
    },
  };
}

export interface RunningApp {
  readonly flavor: Flavor;
  readonly port: number;
  /** onError events of the last request(s); clear before each request. */
  readonly events: AuthErrorEvent[];
  close(): Promise<void>;
}

function optionsOf(name: ProfileName, events: AuthErrorEvent[]): RenderOptions {
  const { options } = profiles[name];
  if (name === 'logged') return options;
  return { ...options, onError: (event) => events.push(event) };
}

const profileNames = Object.keys(profiles) as ProfileName[];

/** The profile a path is under: the one whose prefix it starts with, else `app`. */
function profileOf(path: string): ProfileName {
  return (
    profileNames.find((name) => profiles[name].prefix !== '' && path.startsWith(`${profiles[name].prefix}/`)) ?? 'app'
  );
}

function buildExpress(
  make: typeof express,
  f: Fixtures,
  events: AuthErrorEvent[],
): (req: unknown, res: unknown) => void {
  const thrown: Thrown = { value: undefined, snapshot: undefined };
  const app = make();
  const metadata = expressAdapter.resourceMetadata(METADATA_OPTIONS);
  if (metadata.url !== METADATA_URL) throw new Error(`resourceMetadata serves ${metadata.url}`);
  app.use(metadata);
  // The application's CORS layer, first, letting preflights on as cors({ preflightContinue: true }) does.
  app.use((req, res, next) => {
    if (isPreflight(req.method, req.headers['access-control-request-method'])) res.set(PREFLIGHT_HEADERS);
    next();
  });
  app.use(make.urlencoded({ extended: false }));
  for (const name of profileNames) {
    const router = make.Router();
    for (const [path, chain] of routes<RequestHandler>(expressAdapter, f, thrown)) {
      router.all(path, ...chain, (req, res) => {
        const { status, headers, body } = success(path, req.method, expressAdapter.authOf(req));
        res.status(status).set(headers);
        if (body === undefined) res.end();
        else res.json(body);
      });
    }
    router.all('/stale', (_req, res) => {
      res.set(STALE_HEADERS);
      throw expressAdapter.forbidden();
    });
    router.all('/vary', (_req, res) => {
      res.vary('Origin');
      throw expressAdapter.credentialsRequired({ scheme: 'Bearer' });
    });
    router.all('/throw/:slug', (req, _res, next) => {
      const value = thrownBy(String(req.params.slug), f);
      // Express 4 does not catch a rejected promise: hand an asynchronous failure to next().
      if (value instanceof Promise) return void value.then((error) => next(record(thrown, error)));
      throw record(thrown, value);
    });
    router.use(expressAdapter.authErrors(optionsOf(name, events)));
    app.use(profiles[name].prefix || '/', router);
  }
  const fallback: ErrorRequestHandler = (err, _req, res, _next) => {
    const untouched = res.statusCode === 200 && res.getHeaderNames().every((n) => n === 'x-powered-by');
    const { status, body } = fallbackBody(err, thrown, untouched);
    res.status(status).json(body);
  };
  app.use(fallback);
  return app as unknown as (req: unknown, res: unknown) => void;
}

function buildKoa(make: typeof Koa, f: Fixtures, events: AuthErrorEvent[]): Koa {
  const thrown: Thrown = { value: undefined, snapshot: undefined };
  const app = new make();
  // The application's own error layer, outside auth-errors: it must see foreign errors unchanged.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const untouched = ctx.status === 404 && Object.keys(ctx.response.headers).length === 0;
      const { status, body } = fallbackBody(err, thrown, untouched);
      ctx.status = status;
      ctx.body = body;
    }
  });
  const metadata = koaAdapter.resourceMetadata(METADATA_OPTIONS);
  if (metadata.url !== METADATA_URL) throw new Error(`resourceMetadata serves ${metadata.url}`);
  app.use(metadata);
  app.use(async (ctx, next) => {
    if (isPreflight(ctx.method, ctx.headers['access-control-request-method'])) ctx.set(PREFLIGHT_HEADERS);
    await next();
  });
  app.use(bodyParser());
  for (const name of profileNames) {
    const prefix = profiles[name].prefix;
    const router = new Router(prefix ? { prefix } : {});
    for (const [path, chain] of routes<Middleware>(koaAdapter, f, thrown)) {
      router.all(path, ...chain, (ctx) => {
        const { status, headers, body } = success(path, ctx.method, koaAdapter.authOf(ctx));
        ctx.status = status;
        ctx.set(headers);
        if (body !== undefined) ctx.body = body;
      });
    }
    router.all('/stale', (ctx) => {
      ctx.set(STALE_HEADERS);
      throw koaAdapter.forbidden();
    });
    router.all('/vary', (ctx) => {
      ctx.vary('Origin');
      throw koaAdapter.credentialsRequired({ scheme: 'Bearer' });
    });
    router.all('/throw/:slug', async (ctx) => {
      throw record(thrown, await thrownBy(String(ctx.params.slug), f));
    });
    const render = koaAdapter.authErrors(optionsOf(name, events));
    const dispatch = router.routes() as Middleware;
    app.use((ctx, next) => (profileOf(ctx.path) === name ? render(ctx, () => dispatch(ctx, next)) : next()));
  }
  return app;
}

/** A guard or check of @auth-errors/fetch as Hono middleware: the Response it returns ends the request. */
const honoGate =
  (gate: fetchAdapter.Gate): MiddlewareHandler =>
  async (c, next) =>
    (await gate(c.req.raw)) ?? next();

/** JSON as Express and Koa send it (with charset and Content-Length, which HEAD keeps). */
function honoJson(c: Context, status: number, headers: Record<string, string>, body: unknown): Response {
  if (body === undefined) return c.body(null, status as 204, headers);
  const text = JSON.stringify(body);
  const length = String(Buffer.byteLength(text));
  return c.body(text, status as 200, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': length,
  });
}

function buildHono(f: Fixtures, events: AuthErrorEvent[]): Hono {
  const thrown: Thrown = { value: undefined, snapshot: undefined };
  const app = new Hono();
  const metadata = fetchAdapter.authErrors().resourceMetadata(METADATA_OPTIONS);
  if (metadata.url !== METADATA_URL) throw new Error(`resourceMetadata serves ${metadata.url}`);
  app.use(honoGate(metadata));
  // On c.res.headers, as Hono's own cors() sets them: Hono merges those into a Response a gate returns.
  app.use(async (c, next) => {
    if (isPreflight(c.req.method, c.req.header('access-control-request-method'))) {
      for (const [name, value] of Object.entries(PREFLIGHT_HEADERS)) c.res.headers.set(name, value);
    }
    await next();
  });
  for (const name of profileNames) {
    const auth = fetchAdapter.authErrors(optionsOf(name, events) as fetchAdapter.AuthErrorsOptions);
    const answer = (err: unknown, c: Context): Response => {
      const problem = auth.renderError(err, c.req.raw);
      if (problem) return problem;
      const { status, body } = fallbackBody(err, thrown, !c.finalized);
      return honoJson(c, status, {}, body);
    };
    const routed = new Hono();
    // Hono hands only Error instances to onError: anything else thrown (a string) reaches this middleware.
    routed.use(async (c, next) => {
      try {
        await next();
      } catch (err) {
        c.res = answer(err, c);
      }
    });
    // What the authentication requires of a success: Cache-Control: private after a query token.
    routed.use(async (c, next) => {
      await next();
      c.res = await auth.handle(() => c.res)(c.req.raw);
    });
    for (const [path, chain] of routes<fetchAdapter.Gate>(auth, f, thrown)) {
      const handlers: MiddlewareHandler[] = chain.map(honoGate);
      handlers.push(async (c) => {
        const { status, headers, body } = success(path, c.req.method, auth.authOf(c.req.raw));
        return honoJson(c, status, headers, body);
      });
      routed.all(path, ...(handlers as [MiddlewareHandler]));
    }
    routed.all('/stale', (c) => {
      for (const [header, value] of Object.entries(STALE_HEADERS)) c.header(header, value);
      throw fetchAdapter.forbidden();
    });
    routed.all('/vary', (c) => {
      c.header('Vary', 'Origin');
      throw fetchAdapter.credentialsRequired({ scheme: 'Bearer' });
    });
    routed.all('/throw/:slug', async (c) => {
      throw record(thrown, await thrownBy(c.req.param('slug'), f));
    });
    routed.onError(answer);
    app.route(profiles[name].prefix || '/', routed);
  }
  return app;
}

/**
 * Fastify: each profile an encapsulated plugin under its prefix with its own authErrors; the
 * application's fallback is its own setErrorHandler, which authErrors leaves in place (rule 65).
 * Guards run in onRequest, before the body is read, except on /form, whose token is in the body.
 */
async function buildFastify(f: Fixtures, events: AuthErrorEvent[]): Promise<FastifyInstance['routing']> {
  const thrown: Thrown = { value: undefined, snapshot: undefined };
  const app = Fastify();
  // Parsed as Express's urlencoded({ extended: false }) parses it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseForm(body as string)),
  );
  const metadata = fastifyAdapter.resourceMetadata(METADATA_OPTIONS);
  if (metadata.url !== METADATA_URL) throw new Error(`resourceMetadata serves ${metadata.url}`);
  app.addHook('onRequest', metadata);
  app.addHook('onRequest', async (request, reply) => {
    if (isPreflight(request.method, request.headers['access-control-request-method'])) reply.headers(PREFLIGHT_HEADERS);
  });
  app.setErrorHandler((err, _request, reply) => {
    const untouched = reply.statusCode === 200 && Object.keys(reply.getHeaders()).length === 0;
    const { status, body } = fallbackBody(err, thrown, untouched);
    return reply.code(status).send(body);
  });
  for (const name of profileNames) {
    const profile = async (scope: FastifyInstance) => {
      await scope.register(fastifyAdapter.authErrors, optionsOf(name, events) as fastifyAdapter.AuthErrorsOptions);
      for (const [path, chain] of routes<fastifyAdapter.AuthHook>(fastifyAdapter, f, thrown)) {
        const hooks = path === '/form' ? { preValidation: chain } : { onRequest: chain };
        scope.all(path, hooks, async (request, reply) => {
          const { status, headers, body } = success(path, request.method, fastifyAdapter.authOf(request));
          return reply.code(status).headers(headers).send(body);
        });
      }
      scope.all('/stale', async (_request, reply) => {
        reply.headers(STALE_HEADERS);
        throw fastifyAdapter.forbidden();
      });
      scope.all('/vary', async (_request, reply) => {
        reply.header('vary', 'Origin');
        throw fastifyAdapter.credentialsRequired({ scheme: 'Bearer' });
      });
      scope.all<{ Params: { slug: string } }>('/throw/:slug', async (request) => {
        throw record(thrown, await thrownBy(request.params.slug, f));
      });
    };
    await app.register(profile, { prefix: profiles[name].prefix });
  }
  await app.ready();
  return app.routing; // the request listener Fastify's own server uses
}

export async function startApp(flavor: Flavor, fixtures: Fixtures): Promise<RunningApp> {
  const events: AuthErrorEvent[] = [];
  let server: Server;
  switch (flavor) {
    case 'express5':
      server = createServer(buildExpress(express, fixtures, events));
      break;
    case 'express4':
      server = createServer(buildExpress(express4, fixtures, events));
      break;
    case 'koa3':
      server = createServer(buildKoa(Koa, fixtures, events).callback());
      break;
    case 'koa2':
      server = createServer(buildKoa(Koa2, fixtures, events).callback());
      break;
    case 'fastify5':
      server = createServer(await buildFastify(fixtures, events));
      break;
    case 'hono':
      server = createServer(getRequestListener(buildHono(fixtures, events).fetch));
      break;
  }
  const port = await listen(server);
  return { flavor, port, events, close: () => close(server) };
}

/** The four apps, started once for a file: `beforeAll(apps.start)`, `afterAll(apps.stop)`. */
export function fourApps() {
  const running = new Map<Flavor, RunningApp>();
  let fixtures: Fixtures | undefined;
  return {
    async start(f: Fixtures): Promise<void> {
      fixtures = f;
      for (const flavor of flavors) running.set(flavor, await startApp(flavor, f));
    },
    get(flavor: Flavor): RunningApp {
      const app = running.get(flavor);
      if (app === undefined) throw new Error(`${flavor} is not running`);
      return app;
    },
    get fixtures(): Fixtures {
      if (fixtures === undefined) throw new Error('the apps are not started');
      return fixtures;
    },
    async stop(): Promise<void> {
      await Promise.all([...running.values()].map((app) => app.close()));
    },
  };
}
