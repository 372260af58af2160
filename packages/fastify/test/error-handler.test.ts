/**
 * authErrors composes with the application's own error handling (rule 65):
 * it never calls setErrorHandler, renders auth failures thrown anywhere in
 * its scope, and hands every other error, the very value thrown, to the
 * handler the application set (its own, a child scope's, a route's, or
 * Fastify's default). Also: onSend hooks, stale headers, registration order,
 * option checks. Rule numbers refer to docs/conformance.md.
 */
import * as fastifyAuth from '@auth-errors/fastify';
import Boom from '@hapi/boom';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import createError from 'http-errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { BEARER } from '../../../test/support/contract-cases.js';
import { expectProblem, FORBIDDEN, header, headerLines, listen, rawRequest, UNAUTHORIZED } from './helpers.js';

/** What the application's own handler received, and answers with 599 so a test can tell it ran. */
function ownHandler(received: unknown[]) {
  return (error: FastifyError, _request: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    received.push(error);
    return reply.code(599).send({ own: true });
  };
}

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
beforeEach(() => {
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

/** Routes that throw every kind of value: auth failures and foreign errors. */
function throwingRoutes(app: FastifyInstance, thrown: Record<string, unknown>) {
  const route = (path: string, make: () => unknown) =>
    app.get(path, async () => {
      thrown[path] = make();
      throw thrown[path];
    });
  route('/forbidden', () => fastifyAuth.forbidden());
  route('/http-errors-401', () => createError(401));
  route('/boom-403', () => Boom.forbidden('user 42 is not in finance'));
  route('/boom', () => new Error('database is down'));
  route('/not-found', () => createError(404, 'No such order'));
  route('/string', () => 'a thrown string');
  app.post('/validated', { schema: { body: { type: 'object', required: ['item'] } } }, async () => 'ok');
}

describe('authErrors and the application’s setErrorHandler in the same scope', () => {
  for (const order of ['before', 'after'] as const) {
    it(`(set ${order} registering authErrors) renders auth failures and passes every other error on untouched`, async () => {
      // Fastify 6 behaviour: a second setErrorHandler in one scope throws instead of warning.
      const app = Fastify({ allowErrorHandlerOverride: false });
      const received: unknown[] = [];
      const thrown: Record<string, unknown> = {};
      if (order === 'before') app.setErrorHandler(ownHandler(received));
      await app.register(fastifyAuth.authErrors);
      if (order === 'after') app.setErrorHandler(ownHandler(received));
      throwingRoutes(app, thrown);
      const port = await listen(app);

      expectProblem(await rawRequest(port, { path: '/forbidden' }), 403, [], FORBIDDEN);
      expectProblem(await rawRequest(port, { path: '/http-errors-401' }), 401, [BEARER], UNAUTHORIZED);
      const boom = await rawRequest(port, { path: '/boom-403' });
      expectProblem(boom, 403, [], FORBIDDEN);
      expect(received).toEqual([]);

      for (const path of ['/boom', '/not-found', '/string']) {
        const res = await rawRequest(port, { path });
        expect(res.status, path).toBe(599);
        expect(JSON.parse(res.body)).toEqual({ own: true });
        expect(received.at(-1), path).toBe(thrown[path]);
      }
      const invalid = await rawRequest(port, {
        method: 'POST',
        path: '/validated',
        headers: [['Content-Type', 'application/json']],
        body: '{}',
      });
      expect(invalid.status).toBe(599);
      expect(received.at(-1)).toMatchObject({ code: 'FST_ERR_VALIDATION', statusCode: 400 });
      expect(received).toHaveLength(4);
      expect(warnings.map((w) => w.message)).toEqual([]);
    });
  }

  it('without a handler of the application’s own, Fastify’s default handler gets the foreign errors', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors);
    throwingRoutes(app, {});
    const port = await listen(app);
    const res = await rawRequest(port, { path: '/not-found' });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 404, message: 'No such order' });
  });

  it('a child scope’s own setErrorHandler gets that scope’s foreign errors; auth failures are still rendered', async () => {
    const app = Fastify();
    const root: unknown[] = [];
    const child: unknown[] = [];
    app.setErrorHandler(ownHandler(root));
    await app.register(fastifyAuth.authErrors);
    const thrown: Record<string, unknown> = {};
    await app.register(
      async (scope) => {
        scope.setErrorHandler(ownHandler(child));
        throwingRoutes(scope, thrown);
      },
      { prefix: '/child' },
    );
    const port = await listen(app);
    expectProblem(await rawRequest(port, { path: '/child/forbidden' }), 403, [], FORBIDDEN);
    expect((await rawRequest(port, { path: '/child/boom' })).status).toBe(599);
    expect(child).toEqual([thrown['/boom']]);
    expect(root).toEqual([]);
  });

  it('a route’s own errorHandler option still gets the route’s foreign errors', async () => {
    const app = Fastify();
    const own: unknown[] = [];
    await app.register(fastifyAuth.authErrors);
    const error = new Error('boom');
    app.get('/mixed', { errorHandler: ownHandler(own) }, async (request) => {
      if (request.headers['x-fail'] === 'auth') throw fastifyAuth.forbidden();
      throw error;
    });
    const port = await listen(app);
    expectProblem(await rawRequest(port, { path: '/mixed', headers: [['X-Fail', 'auth']] }), 403, [], FORBIDDEN);
    expect((await rawRequest(port, { path: '/mixed' })).status).toBe(599);
    expect(own).toEqual([error]);
  });

  it('in a nested scope that registers authErrors again, the inner options win', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors, { realm: 'outer' });
    await app.register(async (scope) => {
      await scope.register(fastifyAuth.authErrors, { realm: 'inner' });
      scope.get('/inner', async () => {
        throw createError(401);
      });
    });
    app.get('/outer', async () => {
      throw createError(401);
    });
    const port = await listen(app);
    expect(headerLines(await rawRequest(port, { path: '/inner' }), 'www-authenticate')).toEqual([
      challenge.bearer({ realm: 'inner' }),
    ]);
    expect(headerLines(await rawRequest(port, { path: '/outer' }), 'www-authenticate')).toEqual([
      challenge.bearer({ realm: 'outer' }),
    ]);
  });
});

describe('the response on its way out', () => {
  it('runs the application’s onSend hooks, for guard failures and for thrown ones', async () => {
    const app = Fastify();
    const seen: [number, string][] = [];
    app.addHook('onSend', async (_request, reply, payload) => {
      seen.push([reply.statusCode, String(reply.getHeader('content-type'))]);
      reply.header('x-served-by', 'orders');
      return payload;
    });
    await app.register(fastifyAuth.authErrors);
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    app.get('/guarded', { onRequest: bearer }, async () => 'ok');
    app.get('/thrown', async () => {
      throw fastifyAuth.forbidden();
    });
    const port = await listen(app);
    const guarded = await rawRequest(port, { path: '/guarded' });
    const thrown = await rawRequest(port, { path: '/thrown' });
    expect([guarded.status, thrown.status]).toEqual([401, 403]);
    expect([header(guarded, 'x-served-by'), header(thrown, 'x-served-by')]).toEqual(['orders', 'orders']);
    expect(seen).toEqual([
      [401, 'application/problem+json'],
      [403, 'application/problem+json'],
    ]);
  });

  it('removes what the route set that would describe the problem wrongly, keeps CORS, extends Vary', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors);
    app.get('/stale', async (_request, reply) => {
      reply.headers({
        'content-language': 'de',
        etag: '"v1"',
        'www-authenticate': 'Basic realm="stale"',
        'retry-after': '120',
        'access-control-allow-origin': 'https://app.example',
        vary: 'Origin',
      });
      throw fastifyAuth.forbidden();
    });
    const port = await listen(app);
    const res = await rawRequest(port, { path: '/stale' });
    expect(res.status).toBe(403);
    for (const name of ['content-language', 'etag', 'www-authenticate', 'retry-after']) {
      expect(headerLines(res, name), name).toEqual([]);
    }
    expect(header(res, 'access-control-allow-origin')).toBe('https://app.example');
    expect(header(res, 'vary')).toBe('Origin, Accept');
  });
});

describe('registration', () => {
  it('guards answer even on routes declared before authErrors has loaded (register not awaited)', async () => {
    const app = Fastify();
    const received: unknown[] = [];
    app.setErrorHandler(ownHandler(received));
    app.register(fastifyAuth.authErrors, { realm: 'orders' });
    const bearer = fastifyAuth.bearerAuth({ verify: () => false });
    app.get('/guarded', { onRequest: bearer }, async () => 'ok');
    app.get('/thrown', async () => {
      throw fastifyAuth.forbidden();
    });
    const port = await listen(app);
    expectProblem(
      await rawRequest(port, { path: '/guarded' }),
      401,
      [challenge.bearer({ realm: 'orders' })],
      UNAUTHORIZED,
    );
    // The documented limit: a route declared before authErrors loaded keeps the application's handler.
    expect((await rawRequest(port, { path: '/thrown' })).status).toBe(599);
    expect(received).toHaveLength(1);
  });

  it('without authErrors, a guard fails closed: Fastify’s default handler sends its status and challenge', async () => {
    const app = Fastify();
    const bearer = fastifyAuth.bearerAuth({ verify: () => true });
    app.get('/orders', { onRequest: bearer }, async () => 'secret');
    const port = await listen(app);
    const res = await rawRequest(port, { path: '/orders' });
    expect(res.status).toBe(401);
    expect(headerLines(res, 'www-authenticate')).toEqual([BEARER]);
    expect(res.body).not.toContain('secret');
  });

  it('refuses bad options when the application starts, with a TypeError naming the option', async () => {
    const app = Fastify();
    app.register(fastifyAuth.authErrors, { realm: 'a"\r\nSet-Cookie: x=1' });
    await expect(app.ready()).rejects.toThrow(TypeError);
    await expect(app.ready()).rejects.toThrow(/realm/);
    const other = Fastify();
    other.register(fastifyAuth.authErrors, { retryAfter: -1 });
    await expect(other.ready()).rejects.toThrow(/retryAfter/);
  });

  it('registering it twice in one scope is refused', async () => {
    const app = Fastify();
    app.register(fastifyAuth.authErrors);
    app.register(fastifyAuth.authErrors);
    await expect(app.ready()).rejects.toThrow(/already/);
  });

  it('logs nothing for expected 4xx failures', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const app = Fastify();
      await app.register(fastifyAuth.authErrors);
      app.get('/thrown', async () => {
        throw fastifyAuth.forbidden();
      });
      const port = await listen(app);
      expect((await rawRequest(port, { path: '/thrown' })).status).toBe(403);
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });
});

describe("Fastify's own register options", () => {
  it('logLevel and logSerializers belong to Fastify: accepted beside the renderer options', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors, { realm: 'staff', logLevel: 'warn', logSerializers: {} } as never);
    app.get('/r', async () => {
      throw fastifyAuth.credentialsRequired({ scheme: 'Basic' });
    });
    const res = await app.inject({ url: '/r' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toEqual([challenge.basic('staff')]);
  });

  it('a prefix, which would do nothing, is refused naming it', async () => {
    const app = Fastify();
    app.register(fastifyAuth.authErrors, { prefix: '/api' } as never);
    await expect(app.ready()).rejects.toThrow(
      new TypeError(
        'auth-errors: option "prefix" has no effect: authErrors covers the scope it is registered in; register it inside that scope instead',
      ),
    );
  });

  it('a misspelt renderer option is still refused', async () => {
    const app = Fastify();
    app.register(fastifyAuth.authErrors, { relm: 'x', logLevel: 'warn' } as never);
    await expect(app.ready()).rejects.toThrow('option "relm" is not known; did you mean "realm"?');
  });
});
