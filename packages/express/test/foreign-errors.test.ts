/**
 * Other libraries' Express middleware (express-jwt, with jwks-rsa behind it,
 * and express-oauth2-jwt-bearer) failing in real apps on both Express majors:
 * their errors come out of `authErrors()` as the behaviour contract says, and
 * the library's own status, challenge and message never reach the client.
 * Values any framework may throw (http-errors, jose, Boom) are rows of the
 * contract table, run on every app by test/parity.test.ts.
 */

import { type AuthErrorEvent, authErrors } from '@auth-errors/express';
import type { ErrorRequestHandler, Express, Request, Response } from 'express';
import { expressjwt } from 'express-jwt';
import { auth as oauth2Auth, requiredScopes as oauth2RequiredScopes } from 'express-oauth2-jwt-bearer';
import jwksRsa from 'jwks-rsa';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expressVersions } from '../../../test/support/apps.js';
import {
  AUDIENCE,
  type Expected,
  expectEvents,
  expectResponse,
  ISSUER,
  plain,
} from '../../../test/support/contract-cases.js';
import { closedPort, type RawRequest, type RawResponse, rawRequest, serve } from '../../../test/support/http.js';
import { createSigner, nowSeconds } from '../../../test/support/tokens.js';

const hs = createSigner('HS256');
const es = createSigner('ES256');
const now = nowSeconds();
const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 300 };
const signHs = (extra: Record<string, unknown> = {}, by = hs) => by.sign({ ...claims, ...extra });

/** The routes here are guarded by the other libraries, which put what they verified on `req.auth` themselves. */
function ok(req: Request, res: Response): void {
  res.json({ ok: true, auth: (req as { auth?: unknown }).auth });
}

describe.each(expressVersions)('%s: errors from other libraries', (_name, express) => {
  let jwksPort: number;
  let events: AuthErrorEvent[];
  let passedOn: unknown[];

  beforeAll(async () => {
    jwksPort = await closedPort();
  });

  beforeEach(() => {
    events = [];
    passedOn = [];
  });

  /** authErrors() with every option at its default, then a handler that records what it passed on. */
  function finish(app: Express): Express {
    app.use(authErrors({ onError: (event) => events.push(event) }));
    const fallback: ErrorRequestHandler = (err, _req, res, _next) => {
      passedOn.push(err);
      res.status(599).end();
    };
    app.use(fallback);
    return app;
  }

  /** Sends `request`, and checks the response, the onError event, nothing passed on and nothing leaked. */
  async function expectFailure(
    app: Express,
    request: RawRequest,
    expected: Expected,
    secrets: string[] = [],
  ): Promise<RawResponse> {
    const res = await rawRequest(await serve(app), request);
    expectResponse(res, expected);
    expectEvents(events, expected, 'GET', request.path);
    expect(passedOn).toEqual([]);
    const cause = events[0]?.cause as Error | undefined;
    const text = `${res.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n${res.body}`;
    for (const secret of [...secrets, ...(cause?.message ? [cause.message] : [])]) expect(text).not.toContain(secret);
    return res;
  }

  const bearer = (token: string) => [['Authorization', `Bearer ${token}`]] as const;

  describe('express-jwt', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      app.get('/jwt', expressjwt({ secret: hs.verifyKey, algorithms: ['HS256'] }), ok);
      app.get(
        '/revocable',
        expressjwt({ secret: hs.verifyKey, algorithms: ['HS256'], isRevoked: async () => true }),
        ok,
      );
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
      await expectFailure(
        app,
        { path: '/jwt' },
        plain.unauthorized('Bearer', { name: 'UnauthorizedError', code: 'credentials_required' }),
        ['No authorization token was found'],
      );
    });

    it('another scheme → the same 401 as no token', async () => {
      await expectFailure(
        app,
        { path: '/jwt', headers: [['Authorization', 'Basic YTpi']] },
        plain.unauthorized('Bearer'),
      );
    });

    it('a malformed header → 400 invalid_request', async () => {
      await expectFailure(app, { path: '/jwt', headers: bearer('a b') }, plain.invalidRequest(), [
        'Format is Authorization',
      ]);
    });

    it('a bad token → 401 invalid_token, without the jsonwebtoken message', async () => {
      await expectFailure(
        app,
        { path: '/jwt', headers: bearer('abc') },
        plain.invalidToken(undefined, { name: 'UnauthorizedError', code: 'invalid_token' }),
        ['jwt malformed'],
      );
    });

    it('a token signed with another secret → 401 invalid_token', async () => {
      const token = await signHs(
        {},
        createSigner('HS256', { secret: 'another-secret-that-is-long-enough-0123456789' }),
      );
      await expectFailure(app, { path: '/jwt', headers: bearer(token) }, plain.invalidToken(), [
        'invalid signature',
        token,
      ]);
    });

    it('an expired token → 401 invalid_token "The access token expired"', async () => {
      const token = await signHs({ exp: now - 3600, iat: now - 7200 });
      await expectFailure(
        app,
        { path: '/jwt', headers: bearer(token) },
        plain.invalidToken('The access token expired'),
        ['jwt expired', token],
      );
    });

    it('a revoked token → 401 invalid_token "The access token was revoked"', async () => {
      const token = await signHs();
      await expectFailure(
        app,
        { path: '/revocable', headers: bearer(token) },
        plain.invalidToken('The access token was revoked'),
      );
    });

    it('a valid token reaches the route', async () => {
      const res = await rawRequest(await serve(app), { path: '/jwt', headers: bearer(await signHs()) });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ ok: true, auth: { iss: ISSUER, sub: 'user-1' } });
      expect(events).toEqual([]);
    });

    it('jwks-rsa whose JWKS is unreachable → 503 auth_unavailable', async () => {
      const token = await es.sign(claims);
      await expectFailure(app, { path: '/jwks', headers: bearer(token) }, plain.unavailable('Bearer'), [
        '127.0.0.1',
        'ECONNREFUSED',
        'jwks.json',
      ]);
    });
  });

  describe('express-oauth2-jwt-bearer', () => {
    let app: Express;
    beforeEach(() => {
      app = express();
      const checkJwt = oauth2Auth({
        secret: hs.verifyKey,
        issuer: ISSUER,
        audience: AUDIENCE,
        tokenSigningAlg: 'HS256',
      });
      app.get('/jwt', checkJwt, ok);
      app.get('/jwt/x', checkJwt, oauth2RequiredScopes('x'), ok);
      app.get('/discovery-down', oauth2Auth({ issuerBaseURL: `http://127.0.0.1:${jwksPort}`, audience: AUDIENCE }), ok);
      finish(app);
    });

    it('no token → 401 credentials_required, our challenge only', async () => {
      await expectFailure(
        app,
        { path: '/jwt' },
        plain.unauthorized('Bearer', { name: 'UnauthorizedError', status: 401 }),
      );
    });

    it('a bad token → 401 invalid_token, without the library message', async () => {
      await expectFailure(
        app,
        { path: '/jwt', headers: bearer('abc.def.ghi') },
        plain.invalidToken(undefined, { name: 'InvalidTokenError' }),
        ['DPoP', 'algs='],
      );
    });

    it('an expired token → 401 invalid_token', async () => {
      const token = await signHs({ exp: now - 3600, iat: now - 7200 });
      const res = await rawRequest(await serve(app), { path: '/jwt', headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid_token', status: 401 });
      expect(res.headers.find(([n]) => n === 'www-authenticate')?.[1]).toMatch(
        /^Bearer realm="api", error="invalid_token"/,
      );
      expect(res.body).not.toContain((events[0]?.cause as Error).message);
    });

    it('two token methods → 400 invalid_request', async () => {
      const token = await signHs();
      await expectFailure(app, { path: `/jwt?access_token=${token}`, headers: bearer(token) }, plain.invalidRequest(), [
        token,
      ]);
    });

    it('requiredScopes(\'x\') on a token without it → 403 insufficient_scope, scope="x"', async () => {
      const token = await signHs({ scope: 'read' });
      await expectFailure(
        app,
        { path: '/jwt/x', headers: bearer(token) },
        plain.insufficientScope(['x'], { name: 'InsufficientScopeError' }),
      );
    });

    it('a valid token with the scope reaches the route', async () => {
      const token = await signHs({ scope: 'read x' });
      expect((await rawRequest(await serve(app), { path: '/jwt/x', headers: bearer(token) })).status).toBe(200);
      expect(events).toEqual([]);
    });

    it('an unreachable issuer (discovery) → 503 auth_unavailable', async () => {
      const token = await es.sign(claims);
      await expectFailure(app, { path: '/discovery-down', headers: bearer(token) }, plain.unavailable('Bearer'), [
        '127.0.0.1',
        `${jwksPort}`,
      ]);
    });
  });
});
