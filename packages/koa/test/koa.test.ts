/**
 * What only Koa does, on Koa 3 and Koa 2. The contract itself (every failure,
 * HEAD, negotiation, Vary, pass-through of errors that are not ours) runs on
 * both Koa majors in test/parity.test.ts; here: ctx.throw(401/403) rendered
 * inside the chain instead of by Koa's default handler (rule 60, the trap),
 * a body the route set before it threw (rule 1), what still reaches Koa's
 * default handler and its "error" event, and responses already sent.
 * Rule numbers refer to docs/conformance.md.
 */

import * as koaAuth from '@auth-errors/koa';
import createError from 'http-errors';
import type { Middleware } from 'koa';
import { describe, expect, it, vi } from 'vitest';
import { koaVersions } from '../../../test/support/apps.js';
import { BEARER, expectResponse, plain } from '../../../test/support/contract-cases.js';
import { header, headerLines, rawRequest, serve } from '../../../test/support/http.js';

describe.each(koaVersions)('%s', (_name, Koa) => {
  /** authErrors() first, then `route`; `outer` (if given) sits outside authErrors, like an app's own error layer. */
  function app(route: Middleware, outer?: Middleware) {
    const koa = new Koa();
    if (outer) koa.use(outer);
    koa.use(koaAuth.authErrors());
    koa.use(route);
    return koa;
  }

  describe('ctx.throw(401) and ctx.throw(403) (rule 60)', () => {
    it('ctx.throw(401) is a 401 problem with the Bearer challenge, not Koa’s text/plain', async () => {
      const port = await serve(app((ctx) => ctx.throw(401)).callback());
      expectResponse(await rawRequest(port, { path: '/x' }), plain.unauthorized());
    });

    it('without authErrors the same throw loses the challenge and becomes text/plain (the trap)', async () => {
      const koa = new Koa();
      koa.use((ctx) => ctx.throw(401));
      const res = await rawRequest(await serve(koa.callback()), { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(header(res, 'content-type')).toMatch(/^text\/plain/);
    });

    it('ctx.throw(403) is a 403 problem with no challenge, and the message is not echoed', async () => {
      const port = await serve(app((ctx) => ctx.throw(403, 'user 42 is not in group finance')).callback());
      const res = await rawRequest(port, { path: '/x' });
      expectResponse(res, plain.forbidden());
      expect(res.body).not.toContain('finance');
    });

    it('a guard error still carries its challenge when authErrors is missing (err.headers)', async () => {
      const koa = new Koa();
      koa.use(koaAuth.bearerAuth({ verify: () => false }));
      const res = await rawRequest(await serve(koa.callback()), { path: '/x' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual([BEARER]);
    });
  });

  describe('a body the route set before it threw is replaced, Content-Type exactly application/problem+json (rule 1)', () => {
    it('a text/html body', async () => {
      const route: Middleware = (ctx) => {
        ctx.type = 'text/html';
        ctx.body = '<p>half a page</p>';
        ctx.throw(401);
      };
      expectResponse(await rawRequest(await serve(app(route).callback()), { path: '/x' }), plain.unauthorized());
    });

    it('a JSON object body', async () => {
      const route: Middleware = (ctx) => {
        ctx.body = { partial: true };
        ctx.throw(403);
      };
      expectResponse(await rawRequest(await serve(app(route).callback()), { path: '/x' }), plain.forbidden());
    });
  });

  describe('what still reaches Koa’s default handler', () => {
    it('a plain Error: 500 text/plain, one app "error" event', async () => {
      const koa = new Koa();
      const events: unknown[] = [];
      koa.on('error', (err) => events.push(err));
      const boom = new Error('database down');
      koa.use(koaAuth.authErrors());
      koa.use(() => {
        throw boom;
      });
      const res = await rawRequest(await serve(koa.callback()), { path: '/x' });
      expect(res.status).toBe(500);
      expect(header(res, 'content-type')).toMatch(/^text\/plain/);
      expect(res.body).toBe('Internal Server Error');
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(events).toEqual([boom]);
    });

    it('ctx.throw(404): 404 Not Found', async () => {
      const res = await rawRequest(await serve(app((ctx) => ctx.throw(404)).callback()), { path: '/x' });
      expect([res.status, res.body]).toEqual([404, 'Not Found']);
      expect(header(res, 'content-type')).toMatch(/^text\/plain/);
    });

    it('an auth failure does not emit the app "error" event', async () => {
      const koa = new Koa();
      const events: unknown[] = [];
      koa.on('error', (err) => events.push(err));
      koa.use(koaAuth.authErrors());
      koa.use((ctx) => ctx.throw(401));
      expect((await rawRequest(await serve(koa.callback()), { path: '/x' })).status).toBe(401);
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
      const route: Middleware = (ctx) => {
        ctx.respond = true;
        ctx.res.writeHead(200, { 'content-type': 'text/plain' });
        ctx.res.write('partial ');
        throw thrown;
      };
      const res = await rawRequest(await serve(app(route, outer).callback()), { path: '/x' });
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
      const res = await rawRequest(await serve(koa.callback()), { path: '/x' });
      expect([res.status, res.body, headerLines(res, 'www-authenticate')]).toEqual([200, 'done', []]);
      await vi.waitFor(() => expect(events).toHaveLength(1));
      expect(events[0]?.headerSent).toBe(true);
    });
  });
});
