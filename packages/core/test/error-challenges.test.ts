/**
 * The `scope` a client should request, on 401 challenges (the guards'
 * `challengeScope` option) and on `insufficient_scope` (the MCP authorization
 * specification asks for both; RFC 6750 §3 allows `scope` on any Bearer
 * challenge). Without the option nothing changes: RFC 6750 §3.1's bare
 * `Bearer realm="…"` for a request without credentials.
 * Rule numbers refer to docs/conformance.md.
 */

import fc from 'fast-check';
import { generateKeyPair, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChallengeParameters, challenge } from '../../../test/support/challenge-lines.js';
import { BASIC, bearerError } from '../../../test/support/contract-cases.js';
import { createRenderer, type Guard, PREFLIGHT, type RenderOptions } from '../src/adapter.js';
import { createScopeCheck } from '../src/guards/checks.js';
import { createBasicGuard, createBearerGuard, createJwtGuard } from '../src/guards/credentials-guards.js';
import {
  AuthError,
  type AuthRequest,
  credentialsRequired,
  insufficientScope,
  invalidRequest,
  invalidToken,
} from '../src/index.js';

const METADATA = 'https://rs.example/.well-known/oauth-protected-resource/mcp';
/** A Bearer line of this file's renderer, which names its metadata. */
const bearer = (parameters: ChallengeParameters = {}) =>
  challenge.bearer({ ...parameters, resource_metadata: METADATA });

const request = (authorization?: string): AuthRequest => ({
  method: 'POST',
  url: '/mcp',
  authorization: authorization === undefined ? undefined : [authorization],
  contentType: undefined,
  body: undefined,
  preflight: false,
});

/** What a client receives for the failure `guard` resolves to on `req`: status, every challenge line, body. */
async function answer(guard: Guard<unknown>, req: AuthRequest, options: RenderOptions = {}) {
  const render = createRenderer({ resourceMetadata: METADATA, ...options, onError: () => {} });
  const failure = await guard(req);
  if (!AuthError.is(failure)) throw new Error('expected the guard to refuse the request');
  const response = render(failure, { method: req.method, url: req.url });
  if (response === undefined) throw new Error('the renderer did not answer an AuthError');
  const lines = response.headers['www-authenticate'];
  return {
    status: response.status,
    challenges: typeof lines === 'string' ? [lines] : [...(lines ?? [])],
    body: JSON.parse(response.body) as Record<string, unknown>,
  };
}

/** The oauth4webapi v3 parser (an independent oracle), reached through protectedResourceRequest. */
async function parsed(lines: readonly string[], status: number) {
  const headers = new Headers();
  for (const line of lines) headers.append('www-authenticate', line);
  try {
    await oauth.protectedResourceRequest('t', 'GET', new URL('https://rs.example/'), undefined, undefined, {
      [oauth.customFetch]: async () => new Response(null, { status, headers }),
    });
  } catch (error) {
    if (error instanceof oauth.WWWAuthenticateChallengeError) {
      return error.cause as { scheme: string; parameters: Record<string, string> }[];
    }
    throw error;
  }
  throw new Error('oauth4webapi found no challenge');
}

const opaque = (challengeScope?: readonly string[]) =>
  createBearerGuard({
    verify: (token) => (token === 'good' ? { scopes: ['orders:read'] } : token === 'revoked' ? revoked() : false),
    challengeScope,
  }) as Guard<unknown>;

function revoked(): never {
  throw invalidToken({ detail: 'The access token was revoked' });
}

describe('challengeScope on a guard: the scope parameter of its 401s', () => {
  // This test and the next keep their lines literal: where scope goes is what they are about.
  it('no credentials → 401 credentials_required, scope between realm and resource_metadata, still no error (rule 38)', async () => {
    const res = await answer(opaque(['orders:read']), request());
    expect(res.status).toBe(401);
    expect(res.challenges).toEqual([`Bearer realm="api", scope="orders:read", resource_metadata="${METADATA}"`]);
    expect(res.body).toEqual({
      type: 'https://auth-errors.dev/problems/credentials-required',
      title: 'Credentials required',
      status: 401,
      detail: 'Authentication is required to access this resource',
      code: 'credentials_required',
    });
  });

  it('a rejected token → 401 invalid_token with the scope after error_description (rule 40 order)', async () => {
    const res = await answer(opaque(['orders:read', 'orders:write']), request('Bearer wrong'));
    expect(res.status).toBe(401);
    expect(res.challenges).toEqual([
      `Bearer realm="api", error="invalid_token", error_description="The access token is not valid", scope="orders:read orders:write", resource_metadata="${METADATA}"`,
    ]);
    expect(res.body).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(res.body).not.toHaveProperty('requiredScopes');
  });

  it('an invalidToken() thrown by verify (a revoked token) gets the guard scope too', async () => {
    const res = await answer(opaque(['orders:read']), request('Bearer revoked'));
    expect(res.challenges).toEqual([
      bearer({ error: 'invalid_token', error_description: 'The access token was revoked', scope: 'orders:read' }),
    ]);
  });

  it('without the option the 401s are exactly as before: RFC 6750 §3.1, no scope', async () => {
    expect((await answer(opaque(), request())).challenges).toEqual([bearer()]);
    expect((await answer(opaque(), request('Bearer wrong'), { resourceMetadata: undefined })).challenges).toEqual([
      bearerError('invalid_token', 'The access token is not valid'),
    ]);
  });

  it('a 400 invalid_request carries no scope: the request is malformed, not short of a token', async () => {
    const guard = opaque(['orders:read']);
    const res = await answer(guard, { ...request(), authorization: ['Bearer a', 'Bearer b'] });
    expect(res.status).toBe(400);
    expect(res.challenges).toEqual([
      bearer({
        error: 'invalid_request',
        error_description: 'The request has more than one Authorization header field',
      }),
    ]);
  });

  it('the Basic challenge of a mixed API never carries it (rule 29)', async () => {
    const res = await answer(opaque(['orders:read']), request(), { schemes: ['Basic', 'Bearer'] });
    expect(res.challenges).toEqual([BASIC, bearer({ scope: 'orders:read' })]);
    const basic = createBasicGuard({ verify: () => false }) as Guard<unknown>;
    expect((await answer(basic, request(), { schemes: ['Basic', 'Bearer'] })).challenges).toEqual([BASIC, bearer()]);
  });

  describe('jwtAuth', () => {
    let sign: (claims: Record<string, unknown>) => Promise<string>;
    let guard: Guard<unknown>;
    beforeAll(async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      sign = (claims) =>
        new SignJWT({ aud: 'https://rs.example/mcp', ...claims })
          .setProtectedHeader({ alg: 'ES256' })
          .setIssuer('https://as.example')
          .setExpirationTime('5m')
          .sign(privateKey);
      guard = createJwtGuard({
        key: publicKey,
        issuer: 'https://as.example',
        audience: 'https://rs.example/mcp',
        challengeScope: ['orders:read'],
      }) as Guard<unknown>;
    });

    it('a token for another audience (another MCP server) → 401 invalid_token naming the scope to request', async () => {
      const token = await sign({ aud: 'https://other.example/mcp', scope: 'orders:read' });
      const res = await answer(guard, request(`Bearer ${token}`));
      expect(res.status).toBe(401);
      expect(res.challenges).toEqual([
        bearer({
          error: 'invalid_token',
          error_description: 'The access token is not intended for this resource',
          scope: 'orders:read',
        }),
      ]);
    });

    it('a valid token passes: the option only advises, requireScopes enforces', async () => {
      const info = await guard(request(`Bearer ${await sign({ scope: 'orders:read' })}`));
      if (AuthError.is(info) || info === PREFLIGHT) throw new Error('expected authentication');
      expect(info.scopes).toEqual(['orders:read']);
    });
  });

  it.each([
    [[]],
    [['a b']],
    [['x"y']],
    [['back\\slash']],
    ['orders:read'],
    [['ok', '']],
  ])('challengeScope %j is a TypeError at creation naming "challengeScope"', (value) => {
    const options = { challengeScope: value as never };
    expect(() => createBearerGuard({ verify: () => true, ...options })).toThrow(/"challengeScope"/);
    expect(() =>
      createJwtGuard({ secret: 'x'.repeat(32), issuer: 'i', audience: 'a', algorithms: ['HS256'], ...options }),
    ).toThrow(TypeError);
    expect(() => credentialsRequired(options)).toThrow(/"challengeScope"/);
  });
});

describe('insufficient_scope (rule 41) with a challengeScope', () => {
  const render = createRenderer({ resourceMetadata: METADATA, onError: () => {} });
  const lines = (error: AuthError) => render(error, { method: 'POST', url: '/mcp' })?.headers['www-authenticate'];

  it('by default names exactly the required scopes', async () => {
    const check = createScopeCheck(['orders:write']);
    const auth = { scheme: 'Bearer' as const, principal: {}, scopes: ['orders:read'] };
    const error = await check(auth, request());
    if (!AuthError.is(error)) throw new Error('expected an AuthError');
    expect(lines(error)).toEqual([bearer({ error: 'insufficient_scope', scope: 'orders:write' })]);
  });

  it('names the listed scopes first, then each required one they lack; the body keeps only the required ones', () => {
    const error = insufficientScope(['orders:write'], { challengeScope: ['orders:read', 'profile'] });
    expect(lines(error)).toEqual([bearer({ error: 'insufficient_scope', scope: 'orders:read profile orders:write' })]);
    expect(JSON.parse(render(error, { method: 'POST', url: '/mcp' })?.body ?? '')).toMatchObject({
      code: 'insufficient_scope',
      requiredScopes: ['orders:write'],
    });
    // A required scope already listed is not repeated.
    expect(lines(insufficientScope(['b'], { challengeScope: ['a', 'b'] }))).toEqual([
      bearer({ error: 'insufficient_scope', scope: 'a b' }),
    ]);
  });

  it('err.headers, for a host error handler that bypasses the renderer, says the same (rule 14)', () => {
    expect(credentialsRequired({ scheme: 'Bearer', challengeScope: ['orders:read'] }).headers).toEqual({
      'WWW-Authenticate': [challenge.bearer({ scope: 'orders:read' })],
    });
    expect(insufficientScope(['w'], { challengeScope: ['r'] }).headers).toEqual({
      'WWW-Authenticate': [challenge.bearer({ error: 'insufficient_scope', scope: 'r w' })],
    });
    expect(invalidRequest({ scheme: 'Bearer', challengeScope: ['r'] }).headers['WWW-Authenticate']).toEqual([
      bearerError('invalid_request', 'The authentication information in the request is malformed'),
    ]);
  });

  it('the challenge keeps a copy: changing the array passed in changes nothing', () => {
    const scopes = ['orders:read'];
    const error = new AuthError('credentials_required', { scheme: 'Bearer', challengeScope: scopes });
    scopes.push('evil"');
    expect(error.challengeScope).toEqual(['orders:read']);
  });
});

describe('an independent parser reads what we send (rules 18, 20)', () => {
  const scopeToken = fc.stringMatching(/^[\x21\x23-\x5b\x5d-\x7e]{1,12}$/);

  it('oauth4webapi finds one Bearer challenge whose scope is the listed scopes, on every failure that carries one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(scopeToken, { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(scopeToken, { minLength: 1, maxLength: 3 }),
        async (listed, required) => {
          const render = createRenderer({ resourceMetadata: METADATA, onError: () => {} });
          const cases: [AuthError, string[]][] = [
            [credentialsRequired({ scheme: 'Bearer', challengeScope: listed }), listed],
            [invalidToken({ challengeScope: listed }), listed],
            [
              insufficientScope(required, { challengeScope: listed }),
              [...listed, ...required.filter((s) => !listed.includes(s))],
            ],
          ];
          for (const [error, expected] of cases) {
            const response = render(error, { method: 'GET', url: '/' });
            const sent = response?.headers['www-authenticate'] as readonly string[];
            expect(sent).toHaveLength(1);
            const [challenge] = await parsed(sent, response?.status ?? 0);
            expect(challenge?.scheme).toBe('bearer');
            expect(challenge?.parameters.scope).toBe(expected.join(' '));
            expect(challenge?.parameters.resource_metadata).toBe(METADATA);
            const names = [...(sent[0] as string).matchAll(/(?:^Bearer |, )([a-z_]+)=/g)].map((m) => m[1]);
            expect(new Set(names).size).toBe(names.length);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
