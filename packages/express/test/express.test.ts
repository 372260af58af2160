/**
 * What only Express does, on Express 5 and Express 4. The contract itself
 * (every failure, HEAD, negotiation, Vary, errors that are not ours passed to
 * next(err) untouched, thrown or given to next) runs on both majors in
 * test/parity.test.ts; here: mounted apps (req.originalUrl), the order of
 * cors() and the guards, responses already sent, Express's own default and
 * development error pages, async routes, and middleware arity.
 */

import {
  type AuthErrorEvent,
  authErrors,
  authOf,
  basicAuth,
  bearerAuth,
  credentialsRequired,
  jwtAuth,
  requireAuth,
  requireScopes,
} from '@auth-errors/express';
import cors from 'cors';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import express5 from 'express';
import { expressjwt } from 'express-jwt';
import createError from 'http-errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expressVersions } from '../../../test/support/apps.js';
import { AUDIENCE, BEARER, expectResponse, ISSUER, plain, problemBody } from '../../../test/support/contract-cases.js';
import { header, headerLines, rawRequest, serve } from '../../../test/support/http.js';
import { createSigner } from '../../../test/support/tokens.js';

const es = createSigner('ES256');
const hs = createSigner('HS256');
const jwt = () => jwtAuth({ key: es.verifyKey, issuer: ISSUER, audience: AUDIENCE });

function ok(req: Request, res: Response): void {
  res.json({ ok: true, via: authOf(req)?.via });
}

describe.each(expressVersions)('%s', (_name, express) => {
  describe('a mounted sub-app: the path is req.originalUrl, as the client sent it', () => {
    const events: AuthErrorEvent[] = [];
    const api = express.Router();
    api.get('/orders', bearerAuth({ verify: (token) => token === 'good-token-123', methods: { query: true } }), ok);
    const app = express();
    app.use('/v1', api);
    app.use(authErrors({ instance: true, onError: (event) => events.push(event) }));

    it('in instance and onError, never the query', async () => {
      events.length = 0;
      const res = await rawRequest(await serve(app), { path: '/v1/orders?page=2' });
      expectResponse(res, {
        ...plain.unauthorized('Bearer'),
        body: problemBody('credentials_required', {
          typeBase: 'https://auth-errors.dev/problems/',
          instance: '/v1/orders',
        }),
      });
      expect(events.map((e) => e.path)).toEqual(['/v1/orders']);
    });

    it('reads a query token through the mount point', async () => {
      const res = await rawRequest(await serve(app), { path: '/v1/orders?access_token=good-token-123' });
      expect([res.status, JSON.parse(res.body)]).toEqual([200, { ok: true, via: 'query' }]);
      expect(header(res, 'cache-control')).toBe('private');
    });
  });

  describe('cors() and the guards', () => {
    const preflightHeaders = [
      ['Origin', 'https://app.example'],
      ['Access-Control-Request-Method', 'GET'],
      ['Access-Control-Request-Headers', 'authorization'],
    ] as const;

    it('a preflight is answered by cors() mounted first (preflightContinue: false), before any guard (rule 62)', async () => {
      const app = express();
      app.use(cors({ exposedHeaders: ['WWW-Authenticate'] }));
      app.use(jwt());
      app.get('/orders', ok);
      app.use(authErrors());
      const preflight = await rawRequest(await serve(app), {
        method: 'OPTIONS',
        path: '/orders',
        headers: preflightHeaders,
      });
      expect(preflight.status).toBe(204);
      expect(header(preflight, 'access-control-allow-origin')).toBe('*');
      expect(header(preflight, 'access-control-allow-headers')).toBe('authorization');
      expect(headerLines(preflight, 'www-authenticate')).toEqual([]);
    });

    it('with the guards mounted before cors(), the first guard ends the preflight: 204, not challenged, and no CORS headers, so the browser refuses it (rule 62)', async () => {
      const app = express();
      app.use(jwt());
      app.use(requireScopes('read'));
      app.use(requireAuth(() => false));
      app.use(cors({ exposedHeaders: ['WWW-Authenticate'] }));
      const handler = vi.fn(ok);
      app.all('/orders', handler);
      const onError = vi.fn();
      app.use(authErrors({ onError }));
      const port = await serve(app);
      const origin = ['Origin', 'https://app.example'] as const;
      const preflight = await rawRequest(port, { method: 'OPTIONS', path: '/orders', headers: preflightHeaders });
      expect(preflight.status).toBe(204);
      expect(preflight.rawBody.length).toBe(0);
      expect(header(preflight, 'access-control-allow-origin')).toBeUndefined();
      expect(headerLines(preflight, 'www-authenticate')).toEqual([]);
      expect(handler).not.toHaveBeenCalled();
      expect(onError).not.toHaveBeenCalled();
      // OPTIONS without Access-Control-Request-Method is no preflight: it is challenged.
      const plainOptions = await rawRequest(port, { method: 'OPTIONS', path: '/orders', headers: [origin] });
      expectResponse(plainOptions, plain.unauthorized('Bearer'), 'OPTIONS');
    });

    it('with cors() mounted first, a cross-origin 401 keeps the CORS headers and exposes the challenge once', async () => {
      const app = express();
      app.use(cors({ exposedHeaders: ['WWW-Authenticate'] }));
      app.get('/orders', jwt(), ok);
      app.use(authErrors());
      const res = await rawRequest(await serve(app), { path: '/orders', headers: [['Origin', 'https://app.example']] });
      expectResponse(res, plain.unauthorized('Bearer'));
      expect(header(res, 'access-control-allow-origin')).toBe('*');
      expect(header(res, 'access-control-expose-headers')).toBe('WWW-Authenticate');
    });
  });

  describe('a response whose headers are already sent is never touched', () => {
    it('authErrors passes the error on to next(err) without writing', async () => {
      const onError = vi.fn();
      const received: unknown[] = [];
      const error = createError(401);
      const app = express();
      app.get('/stream', (_req: Request, res: Response, next: NextFunction) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial ');
        next(error);
      });
      app.use(authErrors({ onError }));
      const recorder: ErrorRequestHandler = (err, _req, res, _next) => {
        received.push(err);
        res.end('end');
      };
      app.use(recorder);
      const res = await rawRequest(await serve(app), { path: '/stream' });
      expect(res.status).toBe(200);
      expect(headerLines(res, 'content-type')).toEqual(['text/plain']);
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(headerLines(res, 'cache-control')).toEqual([]);
      expect(res.body).toBe('partial end');
      expect(received).toHaveLength(1);
      expect(received[0]).toBe(error);
      expect(onError).not.toHaveBeenCalled();
    });

    it('a guard failing after the headers were flushed is passed on too', async () => {
      const received: unknown[] = [];
      const app = express();
      app.get(
        '/late',
        (_req: Request, res: Response, next: NextFunction) => {
          res.status(202).flushHeaders();
          next();
        },
        bearerAuth({ verify: () => false }),
        ok,
      );
      app.use(authErrors({ onError: () => {} }));
      const recorder: ErrorRequestHandler = (err, _req, res, _next) => {
        received.push(err);
        res.end();
      };
      app.use(recorder);
      const res = await rawRequest(await serve(app), { path: '/late' });
      expect(res.status).toBe(202);
      expect(headerLines(res, 'www-authenticate')).toEqual([]);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ code: 'credentials_required', status: 401 });
    });
  });

  describe("Express's own error handler", () => {
    let savedEnv: string | undefined;

    beforeEach(() => {
      savedEnv = process.env.NODE_ENV;
      vi.spyOn(console, 'error').mockImplementation(() => {}); // finalhandler logs outside NODE_ENV=test
    });

    afterEach(async () => {
      if (savedEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = savedEnv;
      await new Promise((resolve) => setImmediate(resolve)); // finalhandler logs on the next tick
      vi.restoreAllMocks();
    });

    it('without authErrors, an AuthError still carries its status and challenge lines (err.headers)', async () => {
      const app = express();
      app.set('env', 'production');
      app.get('/jwt', jwt(), ok);
      const res = await rawRequest(await serve(app), { path: '/jwt' });
      expect(res.status).toBe(401);
      expect(headerLines(res, 'www-authenticate')).toEqual([BEARER]);
    });

    it('NODE_ENV=development: no auth failure is an HTML page; an unrelated bug still is (rule 61)', async () => {
      process.env.NODE_ENV = 'development';
      const app = express();
      app.get('/jwt', jwt(), ok);
      app.get('/jwt/write', jwt(), requireScopes('write'), ok);
      app.get('/express-jwt', expressjwt({ secret: hs.verifyKey, algorithms: ['HS256'] }), ok);
      app.get('/http-error', () => {
        throw createError(403);
      });
      app.get(
        '/flaky',
        bearerAuth({
          verify: async () => {
            throw new Error('down');
          },
        }),
        ok,
      );
      app.get('/bug', () => {
        throw new Error('a real bug');
      });
      app.use(authErrors({ onError: () => {} }));
      expect(app.get('env')).toBe('development');
      const port = await serve(app);
      const good = await es.sign({
        iss: ISSUER,
        aud: AUDIENCE,
        exp: Math.floor(Date.now() / 1000) + 60,
        scope: 'read',
      });
      const auth = (value: string) => [['Authorization', value]] as const;
      const responses = [
        await rawRequest(port, { path: '/jwt' }),
        await rawRequest(port, { path: '/jwt', headers: auth('Bearer bad') }),
        await rawRequest(port, { path: '/jwt', headers: auth('Bearer') }),
        await rawRequest(port, { path: '/jwt/write', headers: auth(`Bearer ${good}`) }),
        await rawRequest(port, { path: '/express-jwt' }),
        await rawRequest(port, { path: '/express-jwt', headers: auth('Bearer x.y.z') }),
        await rawRequest(port, { path: '/http-error' }),
        await rawRequest(port, { path: '/flaky', headers: auth('Bearer t') }),
        await rawRequest(port, { path: '/jwt', headers: [['Accept', 'text/html']] }),
      ];
      expect(responses.map((r) => r.status)).toEqual([401, 401, 400, 403, 401, 401, 403, 503, 401]);
      for (const res of responses) {
        expect(header(res, 'content-type')).toBe('application/problem+json');
        expect(res.body).not.toMatch(/<(pre|html|!DOCTYPE)/i);
        expect(res.body).not.toContain('    at ');
      }
      // The control: Express's development handler does render HTML with a stack here.
      const bug = await rawRequest(port, { path: '/bug' });
      expect(bug.status).toBe(500);
      expect(header(bug, 'content-type')).toMatch(/^text\/html/);
      expect(bug.body).toContain('a real bug');
    });
  });

  it('builds middleware of the arity Express expects: 4 for the error handler, 3 for the others', () => {
    expect(authErrors({ realm: 'api', schemes: ['Basic', 'Bearer'] })).toHaveLength(4);
    expect(basicAuth({ verify: () => false })).toHaveLength(3);
    expect(jwtAuth({ secret: hs.verifyKey, issuer: ISSUER, audience: AUDIENCE })).toHaveLength(3);
    expect(requireScopes('read:orders')).toHaveLength(3);
  });
});

describe('Express 5 only', () => {
  it('an async route that rejects with an AuthError is rendered (Express 4 needs next(err))', async () => {
    const app = express5();
    app.get('/async', async () => {
      await Promise.resolve();
      throw credentialsRequired({ scheme: 'Bearer' });
    });
    app.use(authErrors());
    expectResponse(await rawRequest(await serve(app), { path: '/async' }), plain.unauthorized('Bearer'));
  });
});
