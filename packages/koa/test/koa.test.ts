/**
 * Koa-specific behaviour of `koaAuth.authErrors()` and the guards, on Koa 3 and Koa 2:
 * ctx.throw(401/403) rendered inside the chain (rule 60), the exact
 * problem media type (rule 1), HEAD (rule 13), pass-through of foreign errors,
 * responses already sent, quiet logs for expected failures, option checks.
 * Rule numbers refer to docs/conformance.md.
 */

import * as koaAuth from '@auth-errors/koa';
import { bodyParser } from '@koa/bodyparser';
import createError from 'http-errors';
import type { Middleware } from 'koa';
import { describe, expect, it, vi } from 'vitest';
import {
  basic,
  FORBIDDEN,
  header,
  headerLines,
  koaVersions,
  PROBLEM,
  rawRequest,
  serve,
  TYPE_BASE,
  UNAUTHORIZED,
} from './helpers.js';

const verifyAlice = (user: string, password: string) =>
  user === 'alice' && koaAuth.safeEqual(password, 'wonderland') ? { user, roles: ['reader'] } : false;

describe.each(koaVersions)('%s', (_name, Koa) => {
  /** authErrors() first, then `route`; `outer` (if given) sits outside authErrors, like an app's own error layer. */
  function app(route: Middleware, options?: Parameters<typeof koaAuth.authErrors>[0], outer?: Middleware) {
    const koa = new Koa();
    if (outer) koa.use(outer);
    koa.use(koaAuth.authErrors(options));
    koa.use(route);
    return koa;
  }

  describe('ctx.throw(401) and ctx.throw(403) (rule 60)', () => {
    it('ctx.throw(401) is a 401 problem with the Bearer challenge, not Koa’s text/plain', async () => {
      const port = await serve(app((ctx) => ctx.throw(401)));
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual(['Bearer realm="api"']);
      expect(header(res, 'content-type')).toBe(PROBLEM);
      expect(header(res, 'cache-control')).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
    });

    it('without authErrors the same throw loses the challenge and becomes text/plain (the trap)', async () => {
      const koa = new Koa();
      koa.use((ctx) => ctx.throw(401));
      const port = await serve(koa);
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(header(res, 'content-type')).toMatch(/^text\/plain/);
    });

    it('ctx.throw(401) offers every configured scheme, Basic first, one per line', async () => {
      const port = await serve(app((ctx) => ctx.throw(401), { schemes: ['Basic', 'Bearer'], realm: 'shop' }));
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual([
        'Basic realm="shop", charset="UTF-8"',
        'Bearer realm="shop"',
      ]);
      expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
    });

    it('ctx.throw(403) is a 403 problem with no challenge, and the message is not echoed', async () => {
      const port = await serve(app((ctx) => ctx.throw(403, 'user 42 is not in group finance')));
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(403);
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(header(res, 'content-type')).toBe(PROBLEM);
      expect(header(res, 'cache-control')).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual(FORBIDDEN);
    });

    it('a bare http-errors 401 thrown from a route (createError) is rendered too', async () => {
      const port = await serve(
        app(() => {
          throw createError(401, 'no session');
        }),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect([res.status, headerLines(res, 'www-authenticate')]).toEqual([401, ['Bearer realm="api"']]);
      expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
    });

    it('a 401 that brings its own Basic challenge (koa-basic-auth) keeps the Basic scheme', async () => {
      const port = await serve(
        app((ctx) => ctx.throw(401, { headers: { 'WWW-Authenticate': 'Basic realm="Secure Area"' } })),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual(['Basic realm="api", charset="UTF-8"']);
      expect(header(res, 'content-type')).toBe(PROBLEM);
      expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
    });

    it('a guard error still carries its challenge when authErrors is missing (err.headers)', async () => {
      const koa = new Koa();
      koa.use(koaAuth.bearerAuth({ verify: () => false }));
      const port = await serve(koa);
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual(['Bearer realm="api"']);
    });
  });

  describe('Content-Type is exactly application/problem+json (rule 1)', () => {
    it('even when the route set a type and a body before throwing', async () => {
      const port = await serve(
        app((ctx) => {
          ctx.type = 'text/html';
          ctx.body = '<p>half a page</p>';
          ctx.throw(401);
        }),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(401);
      expect(header(res, 'content-type')).toBe(PROBLEM);
      expect(res.body).toBe(JSON.stringify(UNAUTHORIZED));
      expect(header(res, 'content-length')).toBe(String(Buffer.byteLength(res.body)));
    });

    it('even when the route set a JSON object body before throwing', async () => {
      const port = await serve(
        app((ctx) => {
          ctx.body = { partial: true };
          ctx.throw(403);
        }),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(403);
      expect(header(res, 'content-type')).toBe(PROBLEM);
      expect(JSON.parse(res.body)).toEqual(FORBIDDEN);
    });

    it('is application/json, exactly, for a client that accepts only that', async () => {
      const port = await serve(app((ctx) => ctx.throw(401)));
      const res = await rawRequest(port, { path: '/x', headers: [['Accept', 'application/json']] });
      expect(header(res, 'content-type')).toBe('application/json');
      expect(headerLines(res, 'vary')).toEqual(['Accept']);
      expect(JSON.parse(res.body)).toEqual(UNAUTHORIZED);
    });

    it('keeps a Vary the route already set and adds Accept', async () => {
      const port = await serve(
        app((ctx) => {
          ctx.vary('Origin');
          ctx.throw(401);
        }),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect(header(res, 'vary')).toBe('Origin, Accept');
    });
  });

  describe('HEAD (rule 13)', () => {
    it('ctx.throw(401) on HEAD: same status and headers as GET, no body bytes', async () => {
      const port = await serve(app((ctx) => ctx.throw(401), { schemes: ['Basic', 'Bearer'] }));
      const get = await rawRequest(port, { path: '/x' });
      const head = await rawRequest(port, { method: 'HEAD', path: '/x' });
      expect(head.status).toBe(401);
      expect(headerLines(head, 'www-authenticate')).toEqual(headerLines(get, 'www-authenticate'));
      expect(headerLines(head, 'www-authenticate')).toHaveLength(2);
      expect(header(head, 'content-type')).toBe(PROBLEM);
      expect(header(head, 'content-length')).toBe(header(get, 'content-length'));
      expect(head.rawBody.length).toBe(0);
    });

    it('a guard failure on HEAD: 400 challenge, no body bytes', async () => {
      const port = await serve(app(koaAuth.bearerAuth({ verify: () => false })));
      const head = await rawRequest(port, {
        method: 'HEAD',
        path: '/x',
        headers: [
          ['Authorization', 'Bearer a'],
          ['Authorization', 'Bearer b'],
        ],
      });
      expect(head.status).toBe(400);
      expect(headerLines(head, 'www-authenticate')).toEqual([
        'Bearer realm="api", error="invalid_request", error_description="The request has more than one Authorization header field"',
      ]);
      expect(head.rawBody.length).toBe(0);
    });
  });

  describe('errors that are not auth failures pass through untouched', () => {
    const foreign: [string, () => unknown][] = [
      ['a plain Error', () => new Error('database down')],
      ['ctx.throw(404)', () => createError(404)],
      ['ctx.throw(400) with a message', () => createError(400, 'quantity must be positive')],
      ['an http-errors 500', () => createError(500)],
      ['a 407 (proxy auth is not ours)', () => createError(407)],
      ['a thrown string', () => 'just a string'],
      ['an object with status 404', () => ({ status: 404, message: 'nope' })],
    ];

    it.each(foreign)('%s is rethrown as the very same value, with nothing written', async (_label, make) => {
      const thrown = make();
      const before = typeof thrown === 'object' && thrown !== null ? { ...thrown } : thrown;
      let seen: { value: unknown; headers: string[]; status: number } | undefined;
      const outer: Middleware = async (ctx, next) => {
        try {
          await next();
        } catch (err) {
          seen = { value: err, headers: Object.keys(ctx.response.headers), status: ctx.status };
          ctx.status = 599;
          ctx.body = 'outer';
        }
      };
      const port = await serve(
        app(
          () => {
            throw thrown;
          },
          { schemes: ['Basic', 'Bearer'] },
          outer,
        ),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect(seen?.value).toBe(thrown);
      if (typeof thrown === 'object' && thrown !== null) expect({ ...thrown }).toEqual(before);
      expect(seen?.headers).toEqual([]);
      expect(seen?.status).toBe(404); // Koa's untouched default
      expect([res.status, res.body, headerLines(res, 'www-authenticate')]).toEqual([599, 'outer', []]);
    });

    it('a plain Error still reaches Koa’s default handler: 500 text/plain, one app "error" event', async () => {
      const koa = new Koa();
      const events: unknown[] = [];
      koa.on('error', (err) => events.push(err));
      const boom = new Error('database down');
      koa.use(koaAuth.authErrors());
      koa.use(() => {
        throw boom;
      });
      const port = await serve(koa);
      const res = await rawRequest(port, { path: '/x' });
      expect(res.status).toBe(500);
      expect(header(res, 'content-type')).toMatch(/^text\/plain/);
      expect(res.body).toBe('Internal Server Error');
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(events).toEqual([boom]);
    });

    it('ctx.throw(404) still reaches Koa’s default handler as 404 Not Found', async () => {
      const port = await serve(app((ctx) => ctx.throw(404)));
      const res = await rawRequest(port, { path: '/x' });
      expect([res.status, res.body]).toEqual([404, 'Not Found']);
      expect(header(res, 'content-type')).toMatch(/^text\/plain/);
    });

    it('an auth failure does not emit the app "error" event', async () => {
      const koa = new Koa();
      const events: unknown[] = [];
      koa.on('error', (err) => events.push(err));
      koa.use(koaAuth.authErrors());
      koa.use((ctx) => ctx.throw(401));
      const port = await serve(koa);
      expect((await rawRequest(port, { path: '/x' })).status).toBe(401);
      expect(events).toEqual([]);
    });
  });

  describe('a response whose headers are already sent is never rewritten', () => {
    it('ctx.throw(401) after writeHead(200) + a partial body: rethrown, the client sees the 200 as written', async () => {
      let seen: unknown;
      const thrown = createError(401);
      const outer: Middleware = async (ctx, next) => {
        try {
          await next();
        } catch (err) {
          seen = err;
          ctx.res.end('tail');
        }
      };
      const port = await serve(
        app(
          (ctx) => {
            ctx.respond = true;
            ctx.res.writeHead(200, { 'content-type': 'text/plain' });
            ctx.res.write('partial ');
            throw thrown;
          },
          undefined,
          outer,
        ),
      );
      const res = await rawRequest(port, { path: '/x' });
      expect(seen).toBe(thrown);
      expect(res.status).toBe(200);
      expect(header(res, 'content-type')).toBe('text/plain');
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(res.body).toBe('partial tail');
    });

    it('ctx.throw(401) after the response ended: Koa reports it with headerSent, the client keeps the 200', async () => {
      const koa = new Koa();
      const events: { headerSent?: boolean }[] = [];
      koa.on('error', (err) => events.push(err));
      koa.use(koaAuth.authErrors());
      koa.use((ctx) => {
        ctx.res.writeHead(200, { 'content-type': 'text/plain' });
        ctx.res.end('done');
        ctx.throw(401);
      });
      const port = await serve(koa);
      const res = await rawRequest(port, { path: '/x' });
      expect([res.status, res.body, headerLines(res, 'www-authenticate')]).toEqual([200, 'done', []]);
      await vi.waitFor(() => expect(events).toHaveLength(1));
      expect(events[0]?.headerSent).toBe(true);
    });
  });

  describe('logging: expected 4xx failures write nothing to stderr', () => {
    async function capture(run: () => Promise<void>): Promise<unknown[][]> {
      const calls: unknown[][] = [];
      const write = vi.spyOn(process.stderr, 'write').mockImplementation((...args: unknown[]) => {
        calls.push(['stderr', ...args]);
        return true;
      });
      const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        calls.push(['console.error', ...args]);
      });
      const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
        calls.push(['console.warn', ...args]);
      });
      try {
        await run();
      } finally {
        write.mockRestore();
        error.mockRestore();
        warn.mockRestore();
      }
      return calls;
    }

    function guardedApp() {
      const koa = new Koa();
      koa.use(koaAuth.authErrors({ schemes: ['Basic', 'Bearer'] }));
      koa.use(async (ctx, next) => {
        if (ctx.path === '/throw401') ctx.throw(401);
        if (ctx.path === '/throw403') ctx.throw(403);
        await next();
      });
      koa.use(async (ctx, next) => {
        if (ctx.path === '/basic') return koaAuth.basicAuth({ verify: verifyAlice })(ctx, next);
        if (ctx.path === '/admin') {
          return koaAuth.basicAuth({ verify: verifyAlice })(ctx, () =>
            koaAuth.requireAuth((auth) => (auth.principal as { roles: string[] }).roles.includes('admin'))(ctx, next),
          );
        }
        return koaAuth.bearerAuth({
          verify: (token) => {
            if (token === 'explode') throw new Error('introspection down');
            return token === 'good' ? { sub: 's', scope: 'a' } : false;
          },
        })(ctx, () => koaAuth.requireScopes('b')(ctx, next));
      });
      koa.use((ctx) => {
        ctx.body = 'ok';
      });
      return koa;
    }

    it('401, 403 and 400 responses log nothing (Koa’s own onerror logs only 5xx)', async () => {
      const port = await serve(guardedApp());
      const statuses: number[] = [];
      const calls = await capture(async () => {
        for (const request of [
          { path: '/throw401' },
          { path: '/throw403' },
          { path: '/basic' },
          { path: '/basic', headers: [['Authorization', basic('alice', 'nope')]] as const },
          { path: '/admin', headers: [['Authorization', basic('alice', 'wonderland')]] as const },
          { path: '/bearer', headers: [['Authorization', 'Bearer bad']] as const },
          { path: '/bearer', headers: [['Authorization', 'Bearer good']] as const },
          { path: '/bearer', headers: [['Authorization', 'Bearer']] as const },
        ]) {
          statuses.push((await rawRequest(port, request)).status);
        }
      });
      expect(statuses).toEqual([401, 403, 401, 401, 403, 401, 403, 400]);
      expect(calls).toEqual([]);
    });

    it('a 503 is logged: one line, no token, no message text (the spy does see stderr)', async () => {
      const port = await serve(guardedApp());
      let status = 0;
      const calls = await capture(async () => {
        status = (await rawRequest(port, { path: '/bearer?x=1', headers: [['Authorization', 'Bearer explode']] }))
          .status;
      });
      expect(status).toBe(503);
      expect(calls).toHaveLength(1);
      const line = String(calls[0]?.[1]);
      expect(line).toMatch(/^auth-errors: auth_unavailable \(503\) for GET \/bearer(:|$)/);
      expect(line).not.toContain('explode');
      expect(line).not.toContain('introspection');
      expect(line).not.toContain('x=1');
    });
  });

  describe('guards on Koa', () => {
    it('basicAuth: the principal is read with authOf(ctx); requireAuth denies with 403', async () => {
      const koa = new Koa();
      koa.use(koaAuth.authErrors());
      koa.use(koaAuth.basicAuth({ verify: verifyAlice }));
      koa.use(async (ctx, next) => {
        if (ctx.path === '/admin') {
          return koaAuth.requireAuth((auth) => (auth.principal as { roles: string[] }).roles.includes('admin'))(
            ctx,
            next,
          );
        }
        await next();
      });
      koa.use((ctx) => {
        ctx.body = { auth: koaAuth.authOf(ctx) };
      });
      const port = await serve(koa);
      const ok = await rawRequest(port, { path: '/me', headers: [['Authorization', basic('alice', 'wonderland')]] });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toEqual({
        auth: { scheme: 'Basic', principal: { user: 'alice', roles: ['reader'] }, scopes: [] },
      });
      const denied = await rawRequest(port, {
        path: '/admin',
        headers: [['Authorization', basic('alice', 'wonderland')]],
      });
      expect([denied.status, headerLines(denied, 'www-authenticate'), JSON.parse(denied.body)]).toEqual([
        403,
        [],
        FORBIDDEN,
      ]);
    });

    it('bearerAuth reads an urlencoded body token parsed by @koa/bodyparser when enabled', async () => {
      const koa = new Koa();
      koa.use(koaAuth.authErrors());
      koa.use(bodyParser());
      koa.use(koaAuth.bearerAuth({ verify: (t) => (t === 'good' ? { sub: 'svc' } : false), methods: { body: true } }));
      koa.use((ctx) => {
        ctx.body = { sub: (koaAuth.authOf(ctx)?.principal as { sub: string } | undefined)?.sub };
      });
      const port = await serve(koa);
      const form = [['Content-Type', 'application/x-www-form-urlencoded']] as const;
      const ok = await rawRequest(port, { method: 'POST', path: '/x', headers: form, body: 'access_token=good' });
      expect([ok.status, ok.body]).toEqual([200, '{"sub":"svc"}']);

      const both = await rawRequest(port, {
        method: 'POST',
        path: '/x',
        headers: [...form, ['Authorization', 'Bearer good']],
        body: 'access_token=good',
      });
      expect(both.status).toBe(400);
      expect(JSON.parse(both.body)).toMatchObject({
        type: `${TYPE_BASE}invalid-request`,
        detail: 'Multiple methods used to include access token',
      });

      const json = await rawRequest(port, {
        method: 'POST',
        path: '/x',
        headers: [['Content-Type', 'application/json']],
        body: '{"access_token":"good"}',
      });
      expect([json.status, headerLines(json, 'www-authenticate')]).toEqual([401, ['Bearer realm="api"']]);
    });

    it('a CORS preflight passes every guard and check untouched', async () => {
      const koa = new Koa();
      koa.use(koaAuth.authErrors());
      koa.use(koaAuth.bearerAuth({ verify: () => false }));
      koa.use(koaAuth.requireScopes('a'));
      koa.use(koaAuth.requireStepUp({ maxAge: 60 }));
      koa.use((ctx) => {
        ctx.status = 204;
        ctx.set('Access-Control-Allow-Origin', 'https://app.example');
      });
      const port = await serve(koa);
      const res = await rawRequest(port, {
        method: 'OPTIONS',
        path: '/x',
        headers: [
          ['Origin', 'https://app.example'],
          ['Access-Control-Request-Method', 'GET'],
        ],
      });
      expect([res.status, headerLines(res, 'www-authenticate')]).toEqual([204, []]);
      expect(header(res, 'access-control-allow-origin')).toBe('https://app.example');
    });
  });

  describe('option validation: TypeError naming the option, when the middleware is created', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['options not an object', () => koaAuth.authErrors('api' as never), /options/],
      ['realm with CR LF', () => koaAuth.authErrors({ realm: 'x\r\nSet-Cookie: a=b' }), /realm/],
      ['realm with non-Latin-1', () => koaAuth.authErrors({ realm: 'caf€' }), /realm/],
      ['schemes not an array', () => koaAuth.authErrors({ schemes: 'Basic' as never }), /schemes/],
      ['unknown scheme', () => koaAuth.authErrors({ schemes: ['Digest' as never] }), /schemes/],
      ['relative typeBase', () => koaAuth.authErrors({ typeBase: '/problems/' }), /typeBase/],
      ['negative retryAfter', () => koaAuth.authErrors({ retryAfter: -1 }), /retryAfter/],
      ['onError not a function', () => koaAuth.authErrors({ onError: 'log' as never }), /onError/],
      ['resourceMetadata not a URL', () => koaAuth.authErrors({ resourceMetadata: 'metadata' }), /resourceMetadata/],
      ['basicAuth without verify', () => koaAuth.basicAuth({} as never), /verify/],
      ['bearerAuth with a bad realm', () => koaAuth.bearerAuth({ verify: () => false, realm: 'a\nb' }), /realm/],
      ['jwtAuth without issuer', () => koaAuth.jwtAuth({ secret: 'x'.repeat(32), audience: 'a' } as never), /issuer/],
      ['jwtAuth with a short secret', () => koaAuth.jwtAuth({ secret: 'short', issuer: 'i', audience: 'a' }), /secret/],
      ['requireScopes with a space', () => koaAuth.requireScopes('orders read'), /scope/i],
      ['requireStepUp with nothing', () => koaAuth.requireStepUp({}), /acrValues|maxAge/],
      ['requireStepUp with a negative maxAge', () => koaAuth.requireStepUp({ maxAge: -5 }), /maxAge/],
      ['requireAuth without a function', () => koaAuth.requireAuth('admin' as never), /requireAuth/],
    ];
    it.each(cases)('%s', (_label, create, names) => {
      expect(create).toThrow(TypeError);
      expect(create).toThrow(names);
    });
  });
});
