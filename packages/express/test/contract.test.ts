/**
 * The behaviour contract (docs/problems.md), row by row, through real Express apps:
 * guards on routes, `authErrors()` registered after them, supertest or a raw
 * socket as the client. Each case asserts the status, every header that
 * matters (challenge lines one by one), the whole body, and what `onError` saw.
 * Rule numbers refer to docs/conformance.md.
 */
import {
  type AuthErrorEvent,
  authErrors,
  authOf,
  basicAuth,
  bearerAuth,
  jwtAuth,
  requireAuth,
  requireScopes,
  requireStepUp,
  safeEqual,
} from '@auth-errors/express';
import cors from 'cors';
import type { Express, Request, Response } from 'express';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import {
  AUDIENCE,
  BASIC_CHALLENGE,
  BEARER_CHALLENGE,
  closedPort,
  type ExpressFactory,
  expectNoLeak,
  expectNoLeakIn,
  expectProblem,
  expressVersions,
  FORBIDDEN,
  headerLines,
  ISSUER,
  insufficientScopeBody,
  invalidRequestBody,
  invalidRequestChallenge,
  invalidTokenBody,
  invalidTokenChallenge,
  keys,
  nowSeconds,
  onlyEvent,
  otherKeys,
  rawRequest,
  signToken,
  TYPE_BASE,
  UNAUTHORIZED,
  UNAVAILABLE_BODY,
  varyOf,
  withServer,
} from './helpers.js';

const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

/** What a verify callback's own failure looks like: internal names that must never reach a client. */
const VERIFY_FAILURE_MESSAGE = 'token store db-internal.corp:5432 refused the connection';

interface Principal {
  readonly user: string;
  readonly roles: readonly string[];
}

function ok(req: Request, res: Response): void {
  res.json({ auth: authOf(req) });
}

function contractApp(
  express: ExpressFactory,
  options: { onError: (event: AuthErrorEvent) => void; jwksPort: number; verifyFailure: Error },
): Express {
  const app = express();
  const basic = basicAuth<Principal>({
    verify: (user, password) =>
      user === 'alice' && safeEqual(password, 'wonderland') ? { user, roles: ['reader'] } : false,
  });
  const opaque = bearerAuth({ verify: (token) => (token === 'good-token' ? { sub: 'u1', scope: 'read' } : false) });
  const jwt = jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE });

  app.get('/basic', basic, ok);
  app.get(
    '/basic/admin',
    basic,
    requireAuth<Principal>((auth) => auth.principal.roles.includes('admin')),
    ok,
  );
  app.get('/bearer', opaque, ok);
  app.get('/query', bearerAuth({ verify: (token) => token === 'good-token', methods: { query: true } }), ok);
  app.get('/jwt', jwt, ok);
  app.get('/jwt/write', jwt, requireScopes('write'), ok);
  app.get(
    '/jwt/policy',
    jwt,
    requireAuth(() => false),
    ok,
  );
  app.get('/jwt/acr', jwt, requireStepUp({ acrValues: ['myACR'] }), ok);
  app.get('/jwt/fresh', jwt, requireStepUp({ maxAge: 300 }), ok);
  app.get(
    '/flaky',
    bearerAuth({
      verify: () => {
        throw options.verifyFailure;
      },
    }),
    ok,
  );
  app.get(
    '/jwks-down',
    jwtAuth({ jwksUrl: `http://127.0.0.1:${options.jwksPort}/jwks.json`, issuer: ISSUER, audience: AUDIENCE }),
    ok,
  );
  app.use(authErrors({ typeBase: TYPE_BASE, onError: options.onError }));
  return app;
}

describe.each(expressVersions)('%s: behaviour contract', (_name, express) => {
  let jwksPort: number;
  let onError: Mock<(event: AuthErrorEvent) => void>;
  let verifyFailure: Error;
  let app: Express;

  beforeAll(async () => {
    jwksPort = await closedPort();
  });

  beforeEach(() => {
    onError = vi.fn();
    verifyFailure = new Error(VERIFY_FAILURE_MESSAGE);
    app = contractApp(express, { onError, jwksPort, verifyFailure });
  });

  describe('credentials_required (401, every configured challenge, no error attribute)', () => {
    it('no credentials on a Bearer route', async () => {
      const res = await request(app).get('/bearer');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      const event = onlyEvent(onError);
      expect(event).toMatchObject({ code: 'credentials_required', status: 401, scheme: 'Bearer', method: 'GET' });
      expect(event.path).toBe('/bearer');
      expect(event.cause).toBeUndefined();
    });

    it('an unsupported scheme (Digest) on a Bearer route gets the identical response', async () => {
      const none = await request(app).get('/bearer');
      const digest = await request(app).get('/bearer').set('Authorization', 'Digest username="x", realm="api"');
      expectProblem(digest, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      expect(digest.text).toBe(none.text);
      expect(onError.mock.calls.map(([e]) => e.code)).toEqual(['credentials_required', 'credentials_required']);
    });

    it('Basic credentials on a Bearer JWT route count as none', async () => {
      const res = await request(app).get('/jwt').set('Authorization', basicHeader('alice', 'wonderland'));
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      expectNoLeakIn(res, ['alice', 'wonderland']);
    });

    it('no credentials on a Basic route: the Basic challenge with charset', async () => {
      const res = await request(app).get('/basic');
      expectProblem(res, { status: 401, challenges: [BASIC_CHALLENGE], body: UNAUTHORIZED });
      expect(onlyEvent(onError)).toMatchObject({ code: 'credentials_required', scheme: 'Basic' });
    });

    it('requireScopes with nobody authenticated is 401, not 403 (authentication comes first)', async () => {
      const bare = express();
      bare.get('/scoped', requireScopes('read'), ok);
      bare.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const res = await request(bare).get('/scoped');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
    });
  });

  describe('invalid_credentials (401, Basic challenge)', () => {
    const body = {
      type: `${TYPE_BASE}invalid-credentials`,
      title: 'Invalid credentials',
      status: 401,
      detail: 'The user name or password is incorrect',
      code: 'invalid_credentials',
    };

    it('wrong password', async () => {
      const res = await request(app).get('/basic').set('Authorization', basicHeader('alice', 's3cret-guess'));
      expectProblem(res, { status: 401, challenges: [BASIC_CHALLENGE], body });
      expectNoLeakIn(res, ['s3cret-guess', 'alice']);
      expect(onlyEvent(onError)).toMatchObject({ code: 'invalid_credentials', status: 401, scheme: 'Basic' });
    });

    it('unknown user gets the very same response (never says which was wrong)', async () => {
      const wrongPassword = await request(app).get('/basic').set('Authorization', basicHeader('alice', 'nope'));
      const unknownUser = await request(app).get('/basic').set('Authorization', basicHeader('mallory', 'wonderland'));
      expectProblem(unknownUser, { status: 401, challenges: [BASIC_CHALLENGE], body });
      expect(unknownUser.text).toBe(wrongPassword.text);
    });

    // Rules 30 and 31: Basic credentials that do not decode → 401 with the Basic challenge.
    it.each([
      ['non-base64 characters', 'Basic QWxh!!ZGRpbjpvcGVuIHNlc2FtZQ=='],
      ['no colon', 'Basic Zm9v'],
      ['a control character in the user-id', basicHeader('us\u0000er', 'pw')],
      ['Latin-1 bytes (strict UTF-8)', 'Basic dGVzdDoxMjOj'],
      ['Basic with nothing after it', 'Basic'],
    ])('malformed Basic credentials: %s', async (_case, authorization) => {
      const res = await request(app).get('/basic').set('Authorization', authorization);
      expectProblem(res, {
        status: 401,
        challenges: [BASIC_CHALLENGE],
        body: { ...body, detail: 'The Basic credentials are malformed' },
      });
      expect(onlyEvent(onError)).toMatchObject({ code: 'invalid_credentials', scheme: 'Basic' });
    });
  });

  describe('invalid_request (400)', () => {
    it('duplicate Authorization lines (sent over a raw socket)', async () => {
      const token = await signToken();
      const res = await withServer(app, (port) =>
        rawRequest(
          port,
          `GET /jwt HTTP/1.1\r\nHost: rs.example\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${token}`,
        ),
      );
      expect(res.status).toBe(400);
      expect(headerLines(res.rawHeaders, 'www-authenticate')).toEqual([
        invalidRequestChallenge('The request has more than one Authorization header field'),
      ]);
      expect(headerLines(res.rawHeaders, 'content-type')).toEqual(['application/problem+json']);
      expect(headerLines(res.rawHeaders, 'cache-control')).toEqual(['no-store']);
      expect(varyOf(res.rawHeaders)).toContain('accept');
      expect(JSON.parse(res.text)).toEqual(
        invalidRequestBody('The request has more than one Authorization header field'),
      );
      expectNoLeak(res, [token]);
      expect(onlyEvent(onError)).toMatchObject({ code: 'invalid_request', status: 400 });
    });

    it('duplicate Authorization lines never authenticate, even when the first one is valid Basic', async () => {
      const res = await withServer(app, (port) =>
        rawRequest(
          port,
          `GET /basic HTTP/1.1\r\nHost: rs.example\r\nAuthorization: ${basicHeader('alice', 'wonderland')}\r\nAuthorization: Basic Zm9vOmJhcg==`,
        ),
      );
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual(
        invalidRequestBody('The request has more than one Authorization header field'),
      );
      // A Basic-only route does not advertise Bearer: "Bearer error=invalid_request where Bearer is configured".
      expect(headerLines(res.rawHeaders, 'www-authenticate')).toEqual([]);
    });

    it('Bearer with no token', async () => {
      const res = await request(app).get('/bearer').set('Authorization', 'Bearer');
      expectProblem(res, {
        status: 400,
        challenges: [invalidRequestChallenge('The access token is missing')],
        body: invalidRequestBody('The access token is missing'),
      });
      expect(onlyEvent(onError)).toMatchObject({ code: 'invalid_request', scheme: 'Bearer' });
    });

    it('a token in the header and in the query, with the query method enabled', async () => {
      const res = await request(app).get('/query?access_token=good-token').set('Authorization', 'Bearer good-token');
      expectProblem(res, {
        status: 400,
        challenges: [invalidRequestChallenge('Multiple methods used to include access token')],
        body: invalidRequestBody('Multiple methods used to include access token'),
      });
      expectNoLeakIn(res, ['good-token']);
      const event = onlyEvent(onError);
      expect(event.path).toBe('/query');
    });

    it('the query token alone authenticates when the query method is enabled', async () => {
      const res = await request(app).get('/query?access_token=good-token');
      expect(res.status).toBe(200);
      // verify returned true: an opaque token names nobody, so the principal is {} (never the token).
      expect(res.body).toEqual({ auth: { scheme: 'Bearer', principal: {}, scopes: [], via: 'query' } });
      // RFC 6750 §2.3: no shared cache may keep a response to a URL that carries a token.
      expect(res.headers['cache-control']).toBe('private');
      expect(onError).not.toHaveBeenCalled();
    });

    it('a query token is ignored where the query method is off (no credentials → bare challenge)', async () => {
      const res = await request(app).get('/bearer?access_token=good-token');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
    });
  });

  describe('invalid_token (401, Bearer error="invalid_token")', () => {
    it.each([
      ['a quote in the token', 'Bearer a"b'],
      ['two words', 'Bearer abc def'],
      ['non-ASCII', 'Bearer t\u00e9st'],
    ])('a malformed token: %s', async (_case, authorization) => {
      const res = await request(app).get('/bearer').set('Authorization', authorization);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token is malformed')],
        body: invalidTokenBody('The access token is malformed'),
      });
      expect(onlyEvent(onError)).toMatchObject({ code: 'invalid_token', status: 401, scheme: 'Bearer' });
    });

    it('an opaque token that verify rejects', async () => {
      const res = await request(app).get('/bearer').set('Authorization', 'Bearer wrong-token');
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token is not valid')],
        body: invalidTokenBody('The access token is not valid'),
      });
      expectNoLeakIn(res, ['wrong-token']);
    });

    it('a JWT that is not a JWT', async () => {
      const res = await request(app).get('/jwt').set('Authorization', 'Bearer not.a.jwt');
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_token', status: 401 });
      expect(onlyEvent(onError).cause).toBeInstanceOf(Error);
    });

    it('an expired JWT (rule 40)', async () => {
      const token = await signToken({ exp: nowSeconds() - 3600, iat: nowSeconds() - 7200 });
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token expired')],
        body: invalidTokenBody('The access token expired'),
      });
      const event = onlyEvent(onError);
      expect(event).toMatchObject({ code: 'invalid_token', scheme: 'Bearer', path: '/jwt' });
      expect(event.cause).toMatchObject({ code: 'ERR_JWT_EXPIRED' });
      const causeMessage = (event.cause as Error).message;
      expect(causeMessage).toContain('"exp"');
      expectNoLeakIn(res, [token, causeMessage, 'JWTExpired', 'user-1']);
    });

    it('a JWT for another audience', async () => {
      const token = await signToken({ aud: 'https://other.example' });
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token is not intended for this resource')],
        body: invalidTokenBody('The access token is not intended for this resource'),
      });
      const event = onlyEvent(onError);
      expect(event.cause).toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
      expectNoLeakIn(res, [token, (event.cause as Error).message, 'other.example']);
    });

    it('a JWT signed by another key', async () => {
      const token = await signToken({}, otherKeys.privateKey);
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token signature is invalid')],
        body: invalidTokenBody('The access token signature is invalid'),
      });
      expect(onlyEvent(onError).cause).toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });

    it('an expired token that also lacks the scope is only 401 invalid_token (rule 10)', async () => {
      const token = await signToken({ exp: nowSeconds() - 3600, scope: 'read' });
      const res = await request(app).get('/jwt/write').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [invalidTokenChallenge('The access token expired')],
        body: invalidTokenBody('The access token expired'),
      });
    });
  });

  describe('success', () => {
    it('a valid JWT reaches the route with req.auth', async () => {
      const token = await signToken({ scope: 'read write' });
      const res = await request(app).get('/jwt').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
      expect(res.body).toEqual({
        auth: { scheme: 'Bearer', principal: payload, scopes: ['read', 'write'], claims: payload, via: 'header' },
      });
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(onError).not.toHaveBeenCalled();
    });

    it('the scheme name is case-insensitive and several spaces are allowed (rule 19)', async () => {
      const token = await signToken();
      expect((await request(app).get('/jwt').set('Authorization', `bEaReR ${token}`)).status).toBe(200);
      expect((await request(app).get('/jwt').set('Authorization', `Bearer   ${token}`)).status).toBe(200);
      expect(
        (
          await request(app)
            .get('/basic')
            .set('Authorization', basicHeader('alice', 'wonderland').replace('Basic', 'basic'))
        ).status,
      ).toBe(200);
    });

    it('valid Basic credentials reach the route with the principal', async () => {
      const res = await request(app).get('/basic').set('Authorization', basicHeader('alice', 'wonderland'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        auth: { scheme: 'Basic', principal: { user: 'alice', roles: ['reader'] }, scopes: [] },
      });
    });
  });

  describe('insufficient_scope (403, Bearer error="insufficient_scope", scope)', () => {
    it('a valid token without the required scope', async () => {
      const token = await signToken({ scope: 'read' });
      const res = await request(app).get('/jwt/write').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 403,
        challenges: ['Bearer realm="api", error="insufficient_scope", scope="write"'],
        body: insufficientScopeBody(['write']),
      });
      expect(onlyEvent(onError)).toMatchObject({ code: 'insufficient_scope', status: 403, scheme: 'Bearer' });
    });

    it('the same token with the scope passes', async () => {
      const token = await signToken({ scope: 'read write' });
      const res = await request(app).get('/jwt/write').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
    });
  });

  describe('forbidden (403, no challenge)', () => {
    it('requireAuth returns false for a JWT caller', async () => {
      const token = await signToken();
      const res = await request(app).get('/jwt/policy').set('Authorization', `Bearer ${token}`);
      expectProblem(res, { status: 403, challenges: [], body: FORBIDDEN });
      expect(onlyEvent(onError)).toMatchObject({ code: 'forbidden', status: 403 });
    });

    it('a valid Basic user without the role: 403 and no Basic challenge (rule 15)', async () => {
      const res = await request(app).get('/basic/admin').set('Authorization', basicHeader('alice', 'wonderland'));
      expectProblem(res, { status: 403, challenges: [], body: FORBIDDEN });
    });
  });

  describe('insufficient_user_authentication (401, RFC 9470 step-up)', () => {
    it('acr below the required level', async () => {
      const token = await signToken({ acr: 'urn:low', auth_time: nowSeconds() });
      const res = await request(app).get('/jwt/acr').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [
          'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
        ],
        body: {
          type: `${TYPE_BASE}insufficient-user-authentication`,
          title: 'Insufficient user authentication',
          status: 401,
          detail: 'A different authentication level is required',
          code: 'insufficient_user_authentication',
          acrValues: ['myACR'],
        },
      });
      expect(onlyEvent(onError)).toMatchObject({ code: 'insufficient_user_authentication', status: 401 });
      expectNoLeakIn(res, ['urn:low']);
    });

    it('authentication older than max_age', async () => {
      const token = await signToken({ auth_time: nowSeconds() - 3600 });
      const res = await request(app).get('/jwt/fresh').set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        challenges: [
          'Bearer realm="api", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="300"',
        ],
        body: {
          type: `${TYPE_BASE}insufficient-user-authentication`,
          title: 'Insufficient user authentication',
          status: 401,
          detail: 'More recent authentication is required',
          code: 'insufficient_user_authentication',
          maxAge: 300,
        },
      });
    });

    it('a token without auth_time on a max_age route is challenged; a fresh or matching one passes', async () => {
      const noAuthTime = await signToken();
      expect((await request(app).get('/jwt/fresh').set('Authorization', `Bearer ${noAuthTime}`)).status).toBe(401);
      const fresh = await signToken({ auth_time: nowSeconds() - 10 });
      expect((await request(app).get('/jwt/fresh').set('Authorization', `Bearer ${fresh}`)).status).toBe(200);
      const strong = await signToken({ acr: 'myACR' });
      expect((await request(app).get('/jwt/acr').set('Authorization', `Bearer ${strong}`)).status).toBe(200);
    });

    it('a bad signature with a low acr is invalid_token, not a step-up challenge (rule 59)', async () => {
      const token = await signToken({ acr: 'urn:low' }, otherKeys.privateKey);
      const res = await request(app).get('/jwt/acr').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_token' });
    });
  });

  describe('auth_unavailable (503, Retry-After, no challenge)', () => {
    it('bearerAuth whose verify throws', async () => {
      const res = await request(app).get('/flaky').set('Authorization', 'Bearer some-token');
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '5' });
      const event = onlyEvent(onError);
      expect(event).toMatchObject({ code: 'auth_unavailable', status: 503, scheme: 'Bearer', path: '/flaky' });
      expect(event.cause).toBe(verifyFailure);
      expectNoLeakIn(res, [VERIFY_FAILURE_MESSAGE, 'db-internal', 'some-token']);
    });

    it('jwtAuth whose JWKS URL points at a closed loopback port', async () => {
      const token = await signToken();
      const res = await request(app).get('/jwks-down').set('Authorization', `Bearer ${token}`);
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '5' });
      const event = onlyEvent(onError);
      expect(event).toMatchObject({ code: 'auth_unavailable', status: 503, scheme: 'Bearer' });
      expect(event.cause).toBeInstanceOf(Error);
      expectNoLeakIn(res, [(event.cause as Error).message, '127.0.0.1', `:${jwksPort}`, 'jwks.json', token]);
    });

    it('Retry-After follows the renderer option', async () => {
      const custom = express();
      custom.get(
        '/flaky',
        bearerAuth({
          verify: async () => {
            throw new Error('down');
          },
        }),
        ok,
      );
      custom.use(authErrors({ typeBase: TYPE_BASE, retryAfter: 30, onError }));
      const res = await request(custom).get('/flaky').set('Authorization', 'Bearer t');
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '30' });
    });
  });

  describe('HEAD, content negotiation, CORS, several schemes', () => {
    it('HEAD: the challenge and headers of GET, no body', async () => {
      const get = await request(app).get('/jwt');
      const head = await request(app).head('/jwt');
      expectProblem(head, { status: 401, challenges: [BEARER_CHALLENGE], body: undefined });
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      const raw = await withServer(app, (port) => rawRequest(port, 'HEAD /jwt HTTP/1.1\r\nHost: rs.example'));
      expect(raw.status).toBe(401);
      expect(headerLines(raw.rawHeaders, 'www-authenticate')).toEqual([BEARER_CHALLENGE]);
      expect(raw.text).toBe('');
      expect(onError.mock.calls.map(([e]) => e.method)).toEqual(['GET', 'HEAD', 'HEAD']);
    });

    it('Accept: application/json gets application/json, same body', async () => {
      const token = await signToken({ exp: nowSeconds() - 3600 });
      const res = await request(app)
        .get('/jwt')
        .set('Accept', 'application/json')
        .set('Authorization', `Bearer ${token}`);
      expectProblem(res, {
        status: 401,
        contentType: 'application/json',
        challenges: [invalidTokenChallenge('The access token expired')],
        body: invalidTokenBody('The access token expired'),
      });
    });

    it.each([
      ['application/problem+json'],
      ['text/html'],
      ['application/json, application/problem+json'],
      ['application/json, application/problem+json;q=0.5'],
      ['application/json, text/plain, */*'],
      ['*/*'],
    ])('Accept: %s gets application/problem+json', async (accept) => {
      const res = await request(app).get('/bearer').set('Accept', accept);
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
    });

    it('a Vary already set by the app is kept, and Accept is appended', async () => {
      const varied = express();
      varied.use((_req, res, next) => {
        res.vary('Origin');
        next();
      });
      varied.get('/jwt', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
      varied.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const res = await request(varied).get('/jwt');
      expect(res.status).toBe(401);
      expect(res.headers.vary).toBe('Origin, Accept');
    });

    it('a CORS preflight is not challenged, even with the guards mounted before cors()', async () => {
      const corsApp = express();
      corsApp.use(jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }));
      corsApp.use(requireScopes('read'));
      corsApp.use(requireAuth(() => false));
      corsApp.use(cors({ exposedHeaders: ['WWW-Authenticate'] }));
      corsApp.get('/orders', ok);
      corsApp.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const res = await request(corsApp)
        .options('/orders')
        .set('Origin', 'https://app.example')
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-headers']).toBe('authorization');
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(onError).not.toHaveBeenCalled();
      // OPTIONS without Access-Control-Request-Method is no preflight: it is challenged.
      const plain = await request(corsApp).options('/orders').set('Origin', 'https://app.example');
      expectProblem(plain, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
    });

    it('with cors() mounted first, a cross-origin 401 keeps the CORS headers', async () => {
      const corsApp = express();
      corsApp.use(cors({ exposedHeaders: ['WWW-Authenticate'] }));
      corsApp.get('/orders', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
      corsApp.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const res = await request(corsApp).get('/orders').set('Origin', 'https://app.example');
      expectProblem(res, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
    });

    describe('schemes ["Basic", "Bearer"]: one challenge per line, Basic first (rule 25)', () => {
      let both: Express;
      beforeEach(() => {
        both = express();
        both.get('/jwt', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
        both.get(
          '/basic',
          basicAuth({ verify: (user, password) => user === 'alice' && safeEqual(password, 'wonderland') }),
          ok,
        );
        both.use(authErrors({ typeBase: TYPE_BASE, schemes: ['Basic', 'Bearer'], onError }));
      });

      it('no credentials', async () => {
        const res = await request(both).get('/jwt');
        expectProblem(res, { status: 401, challenges: [BASIC_CHALLENGE, BEARER_CHALLENGE], body: UNAUTHORIZED });
        expect(res.headers['www-authenticate']).toBe(`${BASIC_CHALLENGE}, ${BEARER_CHALLENGE}`);
      });

      it('an invalid token: Basic unchanged, Bearer with the error', async () => {
        const res = await request(both).get('/jwt').set('Authorization', 'Bearer x.y.z');
        expect(res.status).toBe(401);
        expect(
          headerLines((res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders, 'www-authenticate'),
        ).toEqual([BASIC_CHALLENGE, invalidTokenChallenge('The access token is malformed')]);
      });

      it('a wrong Basic password: both challenges', async () => {
        const res = await request(both).get('/basic').set('Authorization', basicHeader('alice', 'nope'));
        expect(res.status).toBe(401);
        expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_credentials' });
        expect(
          headerLines((res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders, 'www-authenticate'),
        ).toEqual([BASIC_CHALLENGE, BEARER_CHALLENGE]);
      });
    });
  });

  describe('renderer options seen through the adapter', () => {
    it('realm, resource_metadata and instance (never the query string)', async () => {
      const custom = express();
      custom.get('/orders', bearerAuth({ verify: () => false, methods: { query: true } }), ok);
      custom.use(
        authErrors({
          realm: 'a\\b"c',
          typeBase: TYPE_BASE,
          resourceMetadata: 'https://rs.example/.well-known/oauth-protected-resource',
          instance: true,
          onError,
        }),
      );
      const res = await request(custom).get('/orders?access_token=abc123&x=1');
      expectProblem(res, {
        status: 401,
        challenges: [
          'Bearer realm="a\\\\b\\"c", error="invalid_token", error_description="The access token is not valid", resource_metadata="https://rs.example/.well-known/oauth-protected-resource"',
        ],
        body: { ...invalidTokenBody('The access token is not valid'), instance: '/orders' },
      });
      expectNoLeakIn(res, ['abc123']);
      expect(onlyEvent(onError).path).toBe('/orders');
    });

    it("a guard's own realm names its protection space", async () => {
      const custom = express();
      custom.get('/admin', basicAuth({ realm: 'admin area', verify: () => false }), ok);
      custom.use(authErrors({ typeBase: TYPE_BASE, onError }));
      const none = await request(custom).get('/admin');
      expectProblem(none, {
        status: 401,
        challenges: ['Basic realm="admin area", charset="UTF-8"'],
        body: UNAUTHORIZED,
      });
      const malformed = await request(custom).get('/admin').set('Authorization', 'Basic Zm9v');
      expect(malformed.status).toBe(401);
      expect(malformed.headers['www-authenticate']).toBe('Basic realm="admin area", charset="UTF-8"');
    });

    it('a mounted sub-app: the path in events is the original URL', async () => {
      const inner = express.Router();
      inner.get('/items', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
      const outer = express();
      outer.use('/api', inner);
      outer.use(authErrors({ typeBase: TYPE_BASE, instance: true, onError }));
      const res = await request(outer).get('/api/items?q=1');
      expectProblem(res, {
        status: 401,
        challenges: [BEARER_CHALLENGE],
        body: { ...UNAUTHORIZED, instance: '/api/items' },
      });
      expect(onlyEvent(onError).path).toBe('/api/items');
    });
  });
});
