/**
 * What `authErrors()` must leave alone: errors that are not auth failures go
 * to the app's next error handler untouched, a response whose headers are sent
 * is never written, expected 4xx failures log nothing, and with
 * NODE_ENV=development no auth response is rendered as HTML by Express.
 */

import { type AuthErrorEvent, authErrors, bearerAuth, jwtAuth, requireAuth, requireScopes } from '@auth-errors/express';
import Boom from '@hapi/boom';
import type { ErrorRequestHandler, Express, NextFunction, Request, Response } from 'express';
import { expressjwt } from 'express-jwt';
import createError from 'http-errors';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import {
  AUDIENCE,
  BEARER_CHALLENGE,
  challengesOf,
  type ExpressFactory,
  expectProblem,
  expressVersions,
  HS_SECRET,
  headerLines,
  ISSUER,
  keys,
  nowSeconds,
  rawRequest,
  signToken,
  TYPE_BASE,
  UNAUTHORIZED,
  withServer,
} from './helpers.js';

function ok(_req: Request, res: Response): void {
  res.json({ ok: true });
}

describe.each(expressVersions)('%s: pass-through', (_name, express: ExpressFactory) => {
  describe('errors that are not auth failures reach the next error handler unchanged', () => {
    let onError: Mock<(event: AuthErrorEvent) => void>;
    let received: unknown[];
    let app: Express;
    let thrown: unknown;

    beforeEach(() => {
      onError = vi.fn();
      received = [];
      app = express();
      app.get('/throw', () => {
        throw thrown;
      });
      app.get('/next', (_req: Request, _res: Response, next: NextFunction) => next(thrown));
      app.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const recorder: ErrorRequestHandler = (err, _req, res, _next) => {
        received.push(err);
        res.status(599).type('text/plain').send('app handler');
      };
      app.use(recorder);
    });

    it.each([
      ['a plain Error', () => new Error('boom')],
      ['createError(404)', () => createError(404)],
      ['createError(400)', () => createError(400, 'bad input')],
      ['createError(500)', () => createError(500)],
      ['createError(407) (proxy auth is not ours)', () => createError(407)],
      ['Boom.badRequest', () => Boom.badRequest('nope')],
      ['Boom.notFound', () => Boom.notFound()],
      ['a TypeError', () => new TypeError('x is not a function')],
      ['a thrown string', () => 'just a string'],
      ['an object with status 401 as a string', () => ({ status: '401' })],
    ])('%s', async (_case, make) => {
      for (const path of ['/throw', '/next']) {
        thrown = make();
        received = [];
        const res = await request(app).get(path);
        expect(res.status).toBe(599);
        expect(res.text).toBe('app handler');
        expect(res.headers['www-authenticate']).toBeUndefined();
        expect(res.headers['cache-control']).toBeUndefined();
        expect(received).toHaveLength(1);
        expect(received[0]).toBe(thrown);
      }
      expect(onError).not.toHaveBeenCalled();
    });

    it('the error object is not modified (no status, headers or message rewritten)', async () => {
      const error = createError(404, 'no such order');
      const before = { ...error, message: error.message, stack: error.stack };
      thrown = error;
      await request(app).get('/throw');
      expect(received[0]).toBe(error);
      expect({ ...error, message: error.message, stack: error.stack }).toEqual(before);
    });

    it('an auth failure does NOT reach the next handler', async () => {
      thrown = createError(401);
      const res = await request(app).get('/throw');
      expect(res.status).toBe(401);
      expect(received).toEqual([]);
    });
  });

  describe('a response whose headers are already sent is never touched', () => {
    it('authErrors calls next(err) without writing', async () => {
      const onError = vi.fn();
      const received: unknown[] = [];
      const error = createError(401);
      const app = express();
      app.get('/stream', (_req: Request, res: Response, next: NextFunction) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial ');
        next(error);
      });
      app.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const recorder: ErrorRequestHandler = (err, _req, res, _next) => {
        received.push(err);
        res.end('end');
      };
      app.use(recorder);
      const res = await withServer(app, (port) => rawRequest(port, 'GET /stream HTTP/1.1\r\nHost: rs.example'));
      expect(res.status).toBe(200);
      expect(headerLines(res.rawHeaders, 'content-type')).toEqual(['text/plain']);
      expect(headerLines(res.rawHeaders, 'www-authenticate')).toEqual([]);
      expect(headerLines(res.rawHeaders, 'cache-control')).toEqual([]);
      expect(res.text).toContain('partial ');
      expect(res.text).toContain('end');
      expect(res.text).not.toContain('about:blank');
      expect(received).toEqual([error]);
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
      app.use(authErrors({ typeBase: TYPE_BASE, onError: () => {} }));
      const recorder: ErrorRequestHandler = (err, _req, res, _next) => {
        received.push(err);
        res.end();
      };
      app.use(recorder);
      const res = await withServer(app, (port) => rawRequest(port, 'GET /late HTTP/1.1\r\nHost: rs.example'));
      expect(res.status).toBe(202);
      expect(headerLines(res.rawHeaders, 'www-authenticate')).toEqual([]);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ code: 'credentials_required', status: 401 });
    });
  });

  describe('logging: expected failures write nothing to stderr', () => {
    let stderrWrite: Mock;
    let consoleError: Mock;
    let consoleWarn: Mock;
    let app: Express;
    const verifyFailure = new Error('redis://cache.internal:6379 timed out');

    beforeEach(() => {
      stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation(() => true) as unknown as Mock;
      consoleError = vi.spyOn(console, 'error').mockImplementation(() => {}) as unknown as Mock;
      consoleWarn = vi.spyOn(console, 'warn').mockImplementation(() => {}) as unknown as Mock;
      app = express();
      const jwt = jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE });
      app.get('/jwt', jwt, ok);
      app.get('/jwt/write', jwt, requireScopes('write'), ok);
      app.get(
        '/jwt/deny',
        jwt,
        requireAuth(() => false),
        ok,
      );
      app.get(
        '/flaky',
        bearerAuth({
          verify: () => {
            throw verifyFailure;
          },
        }),
        ok,
      );
      app.get('/http-error', () => {
        throw createError(401, 'password for bob wrong');
      });
      // No onError: the default logger.
      app.use(authErrors({ typeBase: TYPE_BASE }));
    });

    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('401, 400 and 403 failures log nothing', async () => {
      const good = await signToken();
      const expired = await signToken({ exp: nowSeconds() - 3600 });
      const statuses = [
        (await request(app).get('/jwt')).status,
        (await request(app).get('/jwt').set('Authorization', `Bearer ${expired}`)).status,
        (await request(app).get('/jwt').set('Authorization', 'Bearer')).status,
        (await request(app).get('/jwt/write').set('Authorization', `Bearer ${good}`)).status,
        (await request(app).get('/jwt/deny').set('Authorization', `Bearer ${good}`)).status,
        (await request(app).get('/http-error')).status,
      ];
      expect(statuses).toEqual([401, 401, 400, 403, 403, 401]);
      expect(stderrWrite).not.toHaveBeenCalled();
      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
    });

    it('a 503 is logged once, as one line without the message, the token or the stack', async () => {
      const res = await request(app).get('/flaky').set('Authorization', 'Bearer secret-token-value');
      expect(res.status).toBe(503);
      const lines = [
        ...consoleError.mock.calls.map((args) => args.map(String).join(' ')),
        ...stderrWrite.mock.calls.map((args) => String(args[0])),
      ];
      expect(lines).toHaveLength(1);
      const [line = ''] = lines;
      expect(line).toContain('auth_unavailable');
      expect(line).toContain('/flaky');
      expect(line).not.toContain('\n    at ');
      for (const secret of ['redis://', 'cache.internal', 'secret-token-value']) expect(line).not.toContain(secret);
    });
  });

  describe('NODE_ENV=development: no auth response is HTML (docs/conformance.md rule 61)', () => {
    let savedEnv: string | undefined;
    let app: Express;

    beforeEach(() => {
      savedEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'development';
      vi.spyOn(console, 'error').mockImplementation(() => {}); // finalhandler logs in development
      app = express();
      const jwt = jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE });
      app.get('/jwt', jwt, ok);
      app.get('/jwt/write', jwt, requireScopes('write'), ok);
      app.get('/express-jwt', expressjwt({ secret: HS_SECRET, algorithms: ['HS256'] }), ok);
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
      app.use(authErrors({ typeBase: TYPE_BASE, onError: () => {} }));
    });

    afterEach(async () => {
      if (savedEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = savedEnv;
      await new Promise((resolve) => setImmediate(resolve)); // finalhandler logs on the next tick
      vi.restoreAllMocks();
    });

    it('every auth failure is problem+json; an unrelated bug still gets Express’s page', async () => {
      expect(app.get('env')).toBe('development');
      const good = await signToken({ scope: 'read' });
      const responses = [
        await request(app).get('/jwt'),
        await request(app).get('/jwt').set('Authorization', 'Bearer bad'),
        await request(app).get('/jwt').set('Authorization', 'Bearer'),
        await request(app).get('/jwt/write').set('Authorization', `Bearer ${good}`),
        await request(app).get('/express-jwt'),
        await request(app).get('/express-jwt').set('Authorization', 'Bearer x.y.z'),
        await request(app).get('/http-error'),
        await request(app).get('/flaky').set('Authorization', 'Bearer t'),
        await request(app).get('/jwt').set('Accept', 'text/html'),
      ];
      expect(responses.map((r) => r.status)).toEqual([401, 401, 400, 403, 401, 401, 403, 503, 401]);
      for (const res of responses) {
        expect(res.headers['content-type']).toBe('application/problem+json');
        expect(res.text).not.toMatch(/<(pre|html|!DOCTYPE)/i);
        expect(res.text).not.toContain('    at ');
      }
      // The control: Express's development handler does render HTML with a stack here.
      const bug = await request(app).get('/bug');
      expect(bug.status).toBe(500);
      expect(bug.headers['content-type']).toMatch(/^text\/html/);
      expect(bug.text).toContain('a real bug');
    });
  });

  describe('without authErrors, an AuthError still carries its status and challenge (err.headers)', () => {
    beforeEach(() => {
      vi.spyOn(console, 'error').mockImplementation(() => {}); // finalhandler logs outside NODE_ENV=test
    });

    afterEach(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      vi.restoreAllMocks();
    });

    it("Express's default handler sends 401 with the challenge lines", async () => {
      const app = express();
      app.set('env', 'production');
      app.get('/jwt', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
      const res = await request(app).get('/jwt');
      expect(res.status).toBe(401);
      expect(challengesOf(res)).toEqual([BEARER_CHALLENGE]);
    });

    it('with authErrors the same request is a problem response', async () => {
      const app = express();
      app.get('/jwt', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
      app.use(authErrors({ typeBase: TYPE_BASE, onError: () => {} }));
      expectProblem(await request(app).get('/jwt'), {
        status: 401,
        challenges: [BEARER_CHALLENGE],
        body: UNAUTHORIZED,
      });
    });
  });
});
