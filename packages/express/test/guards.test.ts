/**
 * The guards as an Express user meets them: what lands on `req.auth`, the
 * RFC 7617 / 6750 / 9068 details of each guard, policies, and configuration
 * refused synchronously with a TypeError that names the bad option.
 */
import {
  type AuthErrorEvent,
  authErrors,
  authOf,
  basicAuth,
  bearerAuth,
  forbidden,
  jwtAuth,
  requireAuth,
  requireScopes,
  requireStepUp,
  safeEqual,
} from '@auth-errors/express';
import type { Express, Request, Response } from 'express';
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import {
  AUDIENCE,
  BASIC_CHALLENGE,
  BEARER_CHALLENGE,
  closedPort,
  type ExpressFactory,
  expectProblem,
  expressVersions,
  FORBIDDEN,
  finishWithAuthErrors,
  HS_SECRET,
  ISSUER,
  invalidTokenBody,
  invalidTokenChallenge,
  keys,
  nowSeconds,
  onlyEvent,
  signToken,
  TYPE_BASE,
  UNAUTHORIZED,
  UNAVAILABLE_BODY,
} from './helpers.js';

function ok(req: Request, res: Response): void {
  res.json({ auth: authOf(req) ?? null });
}

const basicHeader = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

describe.each(expressVersions)('%s: guards', (_name, express: ExpressFactory) => {
  let onError: Mock<(event: AuthErrorEvent) => void>;
  let passedOn: unknown[];

  beforeEach(() => {
    onError = vi.fn();
    passedOn = [];
  });

  const finish = (app: Express): Express => finishWithAuthErrors(app, onError, passedOn);

  describe('basicAuth', () => {
    let verify: Mock;
    let app: Express;

    beforeEach(() => {
      // Stored in NFC; compared in constant time.
      verify = vi.fn((user: string, password: string) => user === 'test' && safeEqual(password, 'caf\u00e9'));
      app = express();
      app.get('/me', basicAuth({ verify }), ok);
      app.get(
        '/colon',
        basicAuth({
          verify: (user, password) => (user === 'a' && password === 'b:c' ? { id: 7, scopes: ['x'] } : false),
        }),
        ok,
      );
      finish(app);
    });

    it('verify returning true puts { user } on req.auth', async () => {
      const res = await request(app).get('/me').set('Authorization', basicHeader('test', 'caf\u00e9'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ auth: { scheme: 'Basic', principal: { user: 'test' }, scopes: [] } });
      expect(verify).toHaveBeenCalledTimes(1);
      expect(verify.mock.calls[0]?.slice(0, 2)).toEqual(['test', 'caf\u00e9']);
      expect(verify.mock.calls[0]?.[2]).toMatchObject({ method: 'GET', url: '/me', preflight: false });
    });

    it('a password sent in NFD matches the stored NFC one (RFC 7617 §2.1)', async () => {
      const res = await request(app).get('/me').set('Authorization', basicHeader('test', 'cafe\u0301'));
      expect(res.status).toBe(200);
      expect(verify.mock.calls[0]?.[1]).toBe('caf\u00e9');
    });

    it('the user-id ends at the first colon; a principal with scopes is kept', async () => {
      const res = await request(app).get('/colon').set('Authorization', basicHeader('a', 'b:c'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ auth: { scheme: 'Basic', principal: { id: 7, scopes: ['x'] }, scopes: ['x'] } });
    });

    it('Base64 with missing padding or base64url characters is not decoded leniently', async () => {
      const lenient = Buffer.from('test:caf\u00e9').toString('base64').replace(/=+$/, '');
      const res = await request(app).get('/me').set('Authorization', `Basic ${lenient}`);
      expect(res.status).toBe(401);
      expect(verify).not.toHaveBeenCalled();
      expect(res.headers['www-authenticate']).toBe(BASIC_CHALLENGE);
    });

    it('a Bearer token on a Basic route is no credentials: the Basic challenge', async () => {
      const res = await request(app).get('/me').set('Authorization', 'Bearer abc');
      expectProblem(res, { status: 401, challenges: [BASIC_CHALLENGE], body: UNAUTHORIZED });
      expect(verify).not.toHaveBeenCalled();
    });

    it('a CORS preflight skips the guard and leaves req.auth unset', async () => {
      const preflightApp = express();
      preflightApp.options('/me', basicAuth({ verify }), requireScopes('x'), (req: Request, res: Response) => {
        res
          .status(204)
          .set('x-auth', String(authOf(req) === undefined))
          .end();
      });
      finish(preflightApp);
      const res = await request(preflightApp)
        .options('/me')
        .set('Origin', 'https://app.example')
        .set('Access-Control-Request-Method', 'GET');
      expect(res.status).toBe(204);
      expect(res.headers['x-auth']).toBe('true');
      expect(verify).not.toHaveBeenCalled();
      expect(onError).not.toHaveBeenCalled();
    });
  });

  describe('bearerAuth', () => {
    it('the principal from verify, with its scopes, lands on req.auth', async () => {
      const app = express();
      const verify = vi.fn(async (token: string) => (token === 'tok.en-1~' ? { sub: 'svc', scope: 'a b' } : null));
      app.get('/r', bearerAuth({ verify }), requireScopes(['a'], 'b'), ok);
      finish(app);
      const res = await request(app).get('/r').set('Authorization', 'Bearer tok.en-1~');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        auth: { scheme: 'Bearer', principal: { sub: 'svc', scope: 'a b' }, scopes: ['a', 'b'], via: 'header' },
      });
      expect(verify).toHaveBeenCalledWith('tok.en-1~', expect.objectContaining({ method: 'GET' }));
    });

    it('methods.body: a token in an urlencoded POST body (RFC 6750 §2.2), never in a GET', async () => {
      const app = express();
      app.use(express.urlencoded({ extended: false }));
      const guard = bearerAuth({ verify: (token) => token === 'body-token', methods: { body: true } });
      app.post('/r', guard, ok);
      app.get('/r', guard, ok);
      finish(app);
      const post = await request(app).post('/r').type('form').send('access_token=body-token');
      expect(post.status).toBe(200);
      const get = await request(app).get('/r').type('form').send('access_token=body-token');
      expectProblem(get, { status: 401, challenges: [BEARER_CHALLENGE], body: UNAUTHORIZED });
      const json = await request(app).post('/r').type('json').send({ access_token: 'body-token' });
      expect(json.status).toBe(401);
      const both = await request(app)
        .post('/r')
        .set('Authorization', 'Bearer body-token')
        .type('form')
        .send('access_token=body-token');
      expect(both.status).toBe(400);
      expect(JSON.parse(both.text)).toMatchObject({ code: 'invalid_request' });
    });

    it('an AuthError thrown by verify is rendered as is; a policy error that is not ours passes through', async () => {
      const app = express();
      app.get(
        '/custom',
        bearerAuth({
          verify: () => {
            throw forbidden({ detail: 'This account is suspended' });
          },
        }),
        ok,
      );
      const appBug = new Error('policy bug');
      app.get(
        '/policy-bug',
        bearerAuth({ verify: () => ({ sub: 'x' }) }),
        requireAuth(() => {
          throw appBug;
        }),
        ok,
      );
      finish(app);
      const custom = await request(app).get('/custom').set('Authorization', 'Bearer t');
      expectProblem(custom, {
        status: 403,
        challenges: [],
        body: { ...FORBIDDEN, detail: 'This account is suspended' },
      });
      const bug = await request(app).get('/policy-bug').set('Authorization', 'Bearer t');
      expect(bug.status).toBe(599);
      expect(passedOn).toEqual([appBug]);
    });

    it('requireAuth allows only on true, and sees req.auth and the request', async () => {
      const app = express();
      const policy = vi.fn((_auth: unknown, req: { url: string }) => (req.url === '/yes' ? true : ('yes' as never)));
      const guard = bearerAuth({ verify: () => ({ sub: 'x' }) });
      app.get('/yes', guard, requireAuth(policy), ok);
      app.get('/truthy', guard, requireAuth(policy), ok);
      finish(app);
      expect((await request(app).get('/yes').set('Authorization', 'Bearer t')).status).toBe(200);
      const truthy = await request(app).get('/truthy').set('Authorization', 'Bearer t');
      expectProblem(truthy, { status: 403, challenges: [], body: FORBIDDEN });
      expect(policy.mock.calls[0]?.[0]).toEqual({
        scheme: 'Bearer',
        principal: { sub: 'x' },
        scopes: [],
        via: 'header',
      });
    });
  });

  describe('jwtAuth', () => {
    it.each([
      ['a PEM string', () => keys.publicKeyPem],
      ['a public KeyObject', () => keys.publicKey],
      ['a JWK', () => keys.publicKey.export({ format: 'jwk' })],
    ])('accepts the key as %s', async (_case, key) => {
      const app = express();
      app.get('/r', jwtAuth({ key: key(), issuer: ISSUER, audience: AUDIENCE }), ok);
      finish(app);
      const res = await request(app)
        .get('/r')
        .set('Authorization', `Bearer ${await signToken()}`);
      expect(res.status).toBe(200);
      expect(res.body.auth.claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1' });
    });

    it('an HMAC secret', async () => {
      const app = express();
      app.get('/r', jwtAuth({ secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE }), ok);
      finish(app);
      const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 60 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(HS_SECRET));
      expect((await request(app).get('/r').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    });

    describe('every token defect is 401 invalid_token, never 500', () => {
      let app: Express;
      beforeEach(() => {
        app = express();
        app.get('/r', jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE }), ok);
        app.get(
          '/rfc9068',
          jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE, profile: 'rfc9068' }),
          ok,
        );
        finish(app);
      });

      async function expectInvalidToken(path: string, token: string, detail: string): Promise<void> {
        const res = await request(app).get(path).set('Authorization', `Bearer ${token}`);
        expectProblem(res, {
          status: 401,
          challenges: [invalidTokenChallenge(detail)],
          body: invalidTokenBody(detail),
        });
        expect(passedOn).toEqual([]);
      }

      it('alg none', async () => {
        const token = new UnsecuredJWT({ iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 60 }).encode();
        await expectInvalidToken('/r', token, 'The access token is signed with an algorithm that is not accepted');
      });

      it('HS256 "signed" with the public key PEM (algorithm confusion)', async () => {
        const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 60 })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(keys.publicKeyPem));
        await expectInvalidToken('/r', token, 'The access token is signed with an algorithm that is not accepted');
      });

      it('no exp', async () => {
        await expectInvalidToken('/r', await signToken({ exp: undefined }), 'The access token lacks a required claim');
      });

      it('the issuer with a trailing slash', async () => {
        await expectInvalidToken(
          '/r',
          await signToken({ iss: `${ISSUER}/` }),
          'The access token was not issued by a trusted issuer',
        );
      });

      it('not valid yet', async () => {
        await expectInvalidToken(
          '/r',
          await signToken({ nbf: nowSeconds() + 600 }),
          'The access token is not valid yet',
        );
      });

      it('a DPoP-bound token used as a bearer token', async () => {
        await expectInvalidToken(
          '/r',
          await signToken({ cnf: { jkt: 'abc' } }),
          'The access token is bound to a key and cannot be used as a bearer token',
        );
      });

      it('profile rfc9068: typ JWT is refused, application/AT+JWT accepted', async () => {
        const now = nowSeconds();
        const claims = { iss: ISSUER, aud: AUDIENCE, sub: 's', client_id: 'c', iat: now, exp: now + 60, jti: 'j' };
        const asJwt = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(keys.privateKey);
        await expectInvalidToken('/rfc9068', asJwt, 'The token is not an access token of an accepted type');
        const asAtJwt = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', typ: 'application/AT+JWT' })
          .sign(keys.privateKey);
        expect((await request(app).get('/rfc9068').set('Authorization', `Bearer ${asAtJwt}`)).status).toBe(200);
      });
    });

    it('a JWKS outage uses the guard’s retryAfter', async () => {
      const port = await closedPort();
      const app = express();
      app.get(
        '/r',
        jwtAuth({ jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: ISSUER, audience: AUDIENCE, retryAfter: 42 }),
        ok,
      );
      finish(app);
      const res = await request(app)
        .get('/r')
        .set('Authorization', `Bearer ${await signToken()}`);
      expectProblem(res, { status: 503, challenges: [], body: UNAVAILABLE_BODY, retryAfter: '42' });
      expect(onlyEvent(onError).code).toBe('auth_unavailable');
    });
  });

  describe('requireScopes / requireStepUp', () => {
    it('scopes given as arrays and arguments are all required, in order, in the challenge', async () => {
      const app = express();
      app.get('/r', bearerAuth({ verify: () => ({ scope: 'b' }) }), requireScopes(['a', 'b'], 'c'), ok);
      finish(app);
      const res = await request(app).get('/r').set('Authorization', 'Bearer t');
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope", scope="a b c"');
      expect(JSON.parse(res.text).requiredScopes).toEqual(['a', 'b', 'c']);
    });

    it('step-up with both acr_values and max_age', async () => {
      const app = express();
      const jwt = jwtAuth({ key: keys.publicKeyPem, issuer: ISSUER, audience: AUDIENCE });
      app.get('/r', jwt, requireStepUp({ acrValues: ['urn:gold', 'urn:silver'], maxAge: 60 }), ok);
      finish(app);
      const low = await signToken({ acr: 'urn:bronze', auth_time: nowSeconds() });
      const res = await request(app).get('/r').set('Authorization', `Bearer ${low}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="urn:gold urn:silver", max_age="60"',
      );
      expect(JSON.parse(res.text)).toMatchObject({ acrValues: ['urn:gold', 'urn:silver'], maxAge: 60 });
      const good = await signToken({ acr: 'urn:silver', auth_time: nowSeconds() - 5 });
      expect((await request(app).get('/r').set('Authorization', `Bearer ${good}`)).status).toBe(200);
    });
  });

  describe('configuration is refused synchronously, naming the option', () => {
    const verify = () => false;
    const jwtBase = { issuer: ISSUER, audience: AUDIENCE };

    it.each([
      ['realm with CR LF', () => authErrors({ realm: 'x\r\nSet-Cookie: a=b' }), /"realm"/],
      ['realm with NUL', () => authErrors({ realm: 'a\u0000b' }), /"realm"/],
      ['non-ASCII realm', () => authErrors({ realm: 'caf\u00e9' }), /"realm"/],
      ['empty realm', () => authErrors({ realm: '' }), /"realm"/],
      ['relative typeBase', () => authErrors({ typeBase: '/problems/' }), /"typeBase"/],
      ['typeBase without a scheme', () => authErrors({ typeBase: 'problems/' }), /"typeBase"/],
      ['typeBase with a space', () => authErrors({ typeBase: 'https://rs.example/my problems/' }), /"typeBase"/],
      ['empty typeBase', () => authErrors({ typeBase: '' }), /"typeBase"/],
      ['an unknown scheme', () => authErrors({ schemes: ['Digest' as never] }), /"schemes"/],
      ['schemes not an array', () => authErrors({ schemes: 'Basic' as never }), /"schemes"/],
      ['negative retryAfter', () => authErrors({ retryAfter: -1 }), /"retryAfter"/],
      ['fractional retryAfter', () => authErrors({ retryAfter: 1.5 }), /"retryAfter"/],
      ['onError not a function', () => authErrors({ onError: 'log' as never }), /"onError"/],
      ['relative resourceMetadata', () => authErrors({ resourceMetadata: '/.well-known/x' }), /"resourceMetadata"/],
      ['ftp resourceMetadata', () => authErrors({ resourceMetadata: 'ftp://rs.example/x' }), /"resourceMetadata"/],
      ['options not an object', () => authErrors(42 as never), /options/],
      ['basicAuth without verify', () => basicAuth({} as never), /"verify"/],
      ['basicAuth verify not a function', () => basicAuth({ verify: 'yes' as never }), /"verify"/],
      ['basicAuth with a bad realm', () => basicAuth({ verify, realm: 'a\nb' }), /"realm"/],
      ['bearerAuth without verify', () => bearerAuth({} as never), /"verify"/],
      ['bearerAuth with a bad realm', () => bearerAuth({ verify, realm: 'caf\u00e9' }), /"realm"/],
      ['jwtAuth without a key', () => jwtAuth(jwtBase), /"jwksUrl", "key" and "secret"/],
      ['jwtAuth with two keys', () => jwtAuth({ ...jwtBase, key: keys.publicKeyPem, secret: HS_SECRET }), /"secret"/],
      ['jwtAuth with a short secret', () => jwtAuth({ ...jwtBase, secret: 'short' }), /"secret"/],
      ['jwtAuth with alg none', () => jwtAuth({ ...jwtBase, secret: HS_SECRET, algorithms: ['none'] }), /"algorithms"/],
      [
        'jwtAuth with HS256 on a public key',
        () => jwtAuth({ ...jwtBase, key: keys.publicKeyPem, algorithms: ['HS256'] }),
        /"algorithms"/,
      ],
      ['jwtAuth without issuer', () => jwtAuth({ audience: AUDIENCE, secret: HS_SECRET } as never), /"issuer"/],
      ['jwtAuth with no audience', () => jwtAuth({ issuer: ISSUER, audience: [], secret: HS_SECRET }), /"audience"/],
      [
        'jwtAuth clockTolerance too large',
        () => jwtAuth({ ...jwtBase, secret: HS_SECRET, clockTolerance: 3600 }),
        /"clockTolerance"/,
      ],
      ['jwtAuth jwksUrl not http(s)', () => jwtAuth({ ...jwtBase, jwksUrl: 'file:///etc/jwks.json' }), /"jwksUrl"/],
      ['jwtAuth key not a key', () => jwtAuth({ ...jwtBase, key: 'not a pem' }), /"key"/],
      ['jwtAuth unknown profile', () => jwtAuth({ ...jwtBase, secret: HS_SECRET, profile: 'x' as never }), /"profile"/],
      ['requireScopes with a space', () => requireScopes('bad scope'), /scope/],
      ['requireScopes with a quote', () => requireScopes('a"b'), /scope/],
      ['requireScopes with an empty scope', () => requireScopes(''), /scope/],
      ['requireScopes with nothing', () => requireScopes(), /scope/],
      ['requireAuth without a function', () => requireAuth('admin' as never), /predicate/],
      ['requireStepUp with nothing', () => requireStepUp({}), /"acrValues", "maxAge"/],
      ['requireStepUp negative maxAge', () => requireStepUp({ maxAge: -1 }), /"maxAge"/],
      ['requireStepUp acr with a space', () => requireStepUp({ acrValues: ['a b'] }), /"acrValues"/],
    ])('%s', (_case, create, message) => {
      let thrown: unknown;
      try {
        create();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as TypeError).message).toMatch(message);
      expect((thrown as TypeError).message).toMatch(/^auth-errors: /);
      for (const control of ['\r', '\n', '\u0000']) expect((thrown as TypeError).message).not.toContain(control);
    });

    it('a valid configuration builds middleware of the right arity', () => {
      expect(authErrors({ realm: 'api', typeBase: TYPE_BASE, schemes: ['Basic', 'Bearer'] })).toHaveLength(4);
      expect(basicAuth({ verify })).toHaveLength(3);
      expect(jwtAuth({ ...jwtBase, secret: HS_SECRET })).toHaveLength(3);
      expect(requireScopes('read:orders')).toHaveLength(3);
    });
  });
});
