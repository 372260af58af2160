/**
 * Errors from other libraries, thrown by their real middleware or in real
 * routes, come out of `authErrors()` as the behaviour contract says: the
 * library's own status, challenge and message never reach the client.
 */

import type { AuthErrorEvent } from '@auth-errors/express';
import Boom from '@hapi/boom';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { expressjwt } from 'express-jwt';
import { auth as oauth2Auth, requiredScopes as oauth2RequiredScopes } from 'express-oauth2-jwt-bearer';
import createError from 'http-errors';
import { errors as joseErrors, jwtVerify } from 'jose';
import jwksRsa from 'jwks-rsa';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import {
  AUDIENCE,
  BASIC_CHALLENGE,
  BEARER_CHALLENGE,
  closedPort,
  type ExpressFactory,
  expectNoLeakIn,
  expectProblem,
  expressVersions,
  FORBIDDEN,
  finishWithAuthErrors,
  HS_SECRET,
  ISSUER,
  insufficientScopeBody,
  invalidRequestBody,
  invalidRequestChallenge,
  invalidTokenBody,
  invalidTokenChallenge,
  keys,
  nowSeconds,
  onlyEvent,
  signHs256,
  signToken,
  TYPE_BASE,
  UNAUTHORIZED,
  UNAVAILABLE_BODY,
} from './helpers.js';

const DEFAULT_INVALID_TOKEN = 'The access token is not valid';
const DEFAULT_INVALID_REQUEST = 'The authentication information in the request is malformed';

/** The routes here are guarded by the other libraries, which put what they verified on `req.auth` themselves. */
function ok(req: Request, res: Response): void {
  res.json({ ok: true, auth: (req as { auth?: unknown }).auth });
}

/** Express 4 ignores rejected promises: route them to next() on both majors. */
function asyncRoute(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    fn(req, res).catch(next);
  };
}

/** A route that throws `make()` synchronously, and one that passes it to next(). */
function throwing(app: Express, path: string, make: () => unknown): void {
  app.get(path, () => {
    throw make();
  });
  app.get(`${path}/next`, (_req: Request, _res: Response, next: NextFunction) => next(make()));
}

describe.each(expressVersions)('%s: errors from other libraries', (_name, express: ExpressFactory) => {
  let onError: Mock<(event: AuthErrorEvent) => void>;
  let passedOn: unknown[];
  let jwksPort: number;

  beforeAll(async () => {
    jwksPort = await closedPort();
  });

  beforeEach(() => {
    onError = vi.fn();
    passedOn = [];
  });

  const finish = (app: Express): Express => finishWithAuthErrors(app, onError, passedOn);

  describe('express-jwt', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      app.get('/jwt', expressjwt({ secret: HS_SECRET, algorithms: ['HS256'] }), ok);
      app.get('/revocable', expressjwt({ secret: HS_SECRET, algorithms: ['HS256'], isRevoked: async () => true }), ok);
      app.get(
        '/jwks',
        expressjwt({
          secret: jwksRsa.expressJwtSecret({ jwksUri: `http://127.0.0.1:${jwksPort}/jwks.json`, cache: false }),
          algorithms: ['RS256'],
        }),
        ok,
      );
      finish(app);
    });

    it('no token → 401 credentials_required', async () => {
      const res = await request(app).get('/jwt');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      const event = onlyEvent(onError);
      expect(event).toMatchObject({ code: 'credentials_required', scheme: 'Bearer' });
      expect(event.cause).toMatchObject({ name: 'UnauthorizedError', code: 'credentials_required' });
      expectNoLeakIn(res, ['No authorization token was found']);
    });

    it('another scheme → the same 401 as no token', async () => {
      const res = await request(app).get('/jwt').set('Authorization', 'Basic YTpi');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
    });

    it('a malformed header → 400 invalid_request', async () => {
      const res = await request(app).get('/jwt').set('Authorization', 'Bearer a b');
      expectProblem(res, {
        status: 400,
        challenges: [invalidRequestChallenge(DEFAULT_INVALID_REQUEST)],
        body: invalidRequestBody(DEFAULT_INVALID_REQUEST),
      });
      expectNoLeakIn(res, ['Format is Authorization']);
    });

    it('a bad token → 401 invalid_token, without the jsonwebtoken message', async () => {
      const res = await request(app).get('/jwt').set('Authorization', 'Bearer abc');
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge(DEFAULT_INVALID_TOKEN)],
        body: invalidTokenBody(DEFAULT_INVALID_TOKEN),
      });
      const event = onlyEvent(onError);
      expect(event.cause).toMatchObject({ name: 'UnauthorizedError', code: 'invalid_token' });
      expectNoLeakIn(res, ['jwt malformed', (event.cause as Error).message]);
    });

    it('a token signed with another secret → 401 invalid_token', async () => {
      const token = await signHs256({}, 'another-secret-that-is-long-enough-0123456789');
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge(DEFAULT_INVALID_TOKEN)],
        body: invalidTokenBody(DEFAULT_INVALID_TOKEN),
      });
      expectNoLeakIn(res, ['invalid signature', token]);
    });

    it('an expired token → 401 invalid_token "The access token expired"', async () => {
      const token = await signHs256({ exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 });
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token expired')],
        body: invalidTokenBody('The access token expired'),
      });
      expectNoLeakIn(res, ['jwt expired', token]);
    });

    it('a revoked token → 401 invalid_token "The access token was revoked"', async () => {
      const token = await signHs256();
      const res = await request(app).get('/revocable').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token was revoked')],
        body: invalidTokenBody('The access token was revoked'),
      });
    });

    it('a valid token reaches the route', async () => {
      const token = await signHs256();
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, auth: { iss: ISSUER, sub: 'user-1' } });
      expect(onError).not.toHaveBeenCalled();
    });

    it('jwks-rsa whose JWKS is unreachable → 503 auth_unavailable', async () => {
      const token = await signToken();
      const res = await request(app).get('/jwks').set('Authorization', `Bearer ${token}`);
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '5' });
      expectNoLeakIn(res, ['127.0.0.1', 'ECONNREFUSED', 'jwks.json']);
    });
  });

  describe('express-oauth2-jwt-bearer', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      const checkJwt = oauth2Auth({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE, tokenSigningAlg: 'HS256' });
      app.get('/jwt', checkJwt, ok);
      app.get('/jwt/x', checkJwt, oauth2RequiredScopes('x'), ok);
      app.get('/discovery-down', oauth2Auth({ issuerBaseURL: `http://127.0.0.1:${jwksPort}`, audience: AUDIENCE }), ok);
      finish(app);
    });

    it('no token → 401 credentials_required, our challenge only', async () => {
      const res = await request(app).get('/jwt');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      expect(onlyEvent(onError).cause).toMatchObject({ name: 'UnauthorizedError', status: 401 });
    });

    it('a bad token → 401 invalid_token, without the library message', async () => {
      const res = await request(app).get('/jwt').set('Authorization', 'Bearer abc.def.ghi');
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge(DEFAULT_INVALID_TOKEN)],
        body: invalidTokenBody(DEFAULT_INVALID_TOKEN),
      });
      const event = onlyEvent(onError);
      expect(event.cause).toMatchObject({ name: 'InvalidTokenError' });
      expectNoLeakIn(res, [(event.cause as Error).message, 'DPoP', 'algs=']);
    });

    it('an expired token → 401 invalid_token', async () => {
      const token = await signHs256({ exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 });
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_token', status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
      expectNoLeakIn(res, [(onlyEvent(onError).cause as Error).message]);
    });

    it('two token methods → 400 invalid_request', async () => {
      const token = await signHs256();
      const res = await request(app).get(`/jwt?access_token=${token}`).set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 400,
        challenges: [invalidRequestChallenge(DEFAULT_INVALID_REQUEST)],
        body: invalidRequestBody(DEFAULT_INVALID_REQUEST),
      });
      expectNoLeakIn(res, [token]);
    });

    it('requiredScopes(\'x\') on a token without it → 403 insufficient_scope, scope="x"', async () => {
      const token = await signHs256({ scope: 'read' });
      const res = await request(app).get('/jwt/x').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 403,
        challenges: ['Bearer realm="api", error="insufficient_scope", scope="x"'],
        body: insufficientScopeBody(['x']),
      });
      expect(onlyEvent(onError).cause).toMatchObject({ name: 'InsufficientScopeError' });
    });

    it('a valid token with the scope reaches the route', async () => {
      const token = await signHs256({ scope: 'read x' });
      const res = await request(app).get('/jwt/x').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(onError).not.toHaveBeenCalled();
    });

    it('an unreachable issuer (discovery) → 503 auth_unavailable', async () => {
      const token = await signToken();
      const res = await request(app).get('/discovery-down').set('Authorization', `Bearer ${token}`);
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '5' });
      expectNoLeakIn(res, ['127.0.0.1', `${jwksPort}`]);
    });
  });

  describe('http-errors', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      throwing(app, '/401', () => createError(401));
      throwing(app, '/401-message', () => createError(401, 'Session of user bob@corp.example expired'));
      throwing(app, '/403', () => createError(403, 'bob is not in group finance'));
      finish(app);
    });

    it.each([
      ['/401'],
      ['/401/next'],
      ['/401-message'],
      ['/401-message/next'],
    ])('createError(401) at %s → 401 credentials_required with a challenge', async (path) => {
      const res = await request(app).get(path);
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      const event = onlyEvent(onError);
      expect(event).toMatchObject({ code: 'credentials_required', status: 401 });
      expect(createError.isHttpError(event.cause)).toBe(true);
      if (path.startsWith('/401-message')) expectNoLeakIn(res, ['bob@corp.example', (event.cause as Error).message]);
      expect(passedOn).toEqual([]);
    });

    it.each([['/403'], ['/403/next']])('createError(403) at %s → 403 forbidden, no challenge', async (path) => {
      const res = await request(app).get(path);
      expectProblem(res, { status: 403, challenges: [], body: FORBIDDEN });
      expect(onlyEvent(onError)).toMatchObject({ code: 'forbidden', status: 403 });
      expectNoLeakIn(res, ['finance', 'bob']);
    });
  });

  describe('jose', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      throwing(
        app,
        '/expired',
        () => new joseErrors.JWTExpired('"exp" claim timestamp check failed', { exp: 1 }, 'exp'),
      );
      throwing(app, '/jwks-timeout', () => new joseErrors.JWKSTimeout());
      app.get(
        '/verify',
        asyncRoute(async (req, res) => {
          const token = (req.headers.authorization ?? '').slice('Bearer '.length);
          await jwtVerify(token, keys.publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] });
          res.json({ ok: true });
        }),
      );
      finish(app);
    });

    it.each([['/expired'], ['/expired/next']])('a JWTExpired thrown at %s → 401 invalid_token', async (path) => {
      const res = await request(app).get(path);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token expired')],
        body: invalidTokenBody('The access token expired'),
      });
      const event = onlyEvent(onError);
      expect(event.cause).toBeInstanceOf(joseErrors.JWTExpired);
      expectNoLeakIn(res, ['claim timestamp check failed', 'JWTExpired']);
    });

    it('a real jwtVerify failing on a wrong audience → 401 invalid_token', async () => {
      const token = await signToken({ aud: 'https://other.example' });
      const res = await request(app).get('/verify').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token is not intended for this resource')],
        body: invalidTokenBody('The access token is not intended for this resource'),
      });
      const event = onlyEvent(onError);
      expect(event.cause).toBeInstanceOf(joseErrors.JWTClaimValidationFailed);
      expectNoLeakIn(res, [(event.cause as Error).message, 'other.example']);
    });

    it('a real jwtVerify failing on garbage → 401 invalid_token', async () => {
      const res = await request(app).get('/verify').set('Authorization', 'Bearer garbage');
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_token', detail: 'The access token is malformed' });
      expect(onlyEvent(onError).cause).toBeInstanceOf(joseErrors.JWSInvalid);
    });

    it('a JWKSTimeout → 503 auth_unavailable', async () => {
      const res = await request(app).get('/jwks-timeout');
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '5' });
    });
  });

  describe('@hapi/boom', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      throwing(app, '/basic-wrong', () => Boom.unauthorized('Password of bob is wrong', 'Basic'));
      throwing(app, '/bearer-missing', () => Boom.unauthorized(null, 'Bearer'));
      throwing(app, '/bearer-bad', () => Boom.unauthorized('token of bob expired', 'Bearer', { error: 'x' }));
      throwing(app, '/plain', () => Boom.unauthorized());
      throwing(app, '/forbidden', () => Boom.forbidden('bob lacks the finance role'));
      finish(app);
    });

    it('Boom.unauthorized(message, "Basic") → 401 invalid_credentials, Basic challenge', async () => {
      const res = await request(app).get('/basic-wrong');
      expectProblem(res, {
        status: 401,
        challenges: [BASIC_CHALLENGE],
        body: {
          type: `${TYPE_BASE}invalid-credentials`,
          title: 'Invalid credentials',
          status: 401,
          detail: 'The user name or password is incorrect',
          code: 'invalid_credentials',
        },
      });
      expect(Boom.isBoom(onlyEvent(onError).cause)).toBe(true);
      expectNoLeakIn(res, ['bob']);
    });

    it('Boom.unauthorized(null, "Bearer") → 401 credentials_required', async () => {
      const res = await request(app).get('/bearer-missing/next');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      expect(onlyEvent(onError)).toMatchObject({ code: 'credentials_required', scheme: 'Bearer' });
    });

    it('Boom.unauthorized(message, "Bearer") → 401 invalid_token', async () => {
      const res = await request(app).get('/bearer-bad');
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge(DEFAULT_INVALID_TOKEN)],
        body: invalidTokenBody(DEFAULT_INVALID_TOKEN),
      });
      expectNoLeakIn(res, ['bob', 'error="x"']);
    });

    it('Boom.unauthorized() with no scheme → 401 with a challenge all the same', async () => {
      const res = await request(app).get('/plain');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
    });

    it('Boom.forbidden → 403 forbidden', async () => {
      const res = await request(app).get('/forbidden/next');
      expectProblem(res, { status: 403, challenges: [], body: FORBIDDEN });
      expectNoLeakIn(res, ['finance']);
    });
  });
});
