/**
 * createJwtVerifier: option validation, the docs/conformance.md rules 44-52 vectors
 * with tokens minted here by jose, and remote JWKS failures served by a local
 * node:http server (rule 51: key source down is 503, token defects are 401).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  type GenerateKeyPairResult,
  generateKeyPair,
  type JWK,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError, type JwtVerifierOptions } from '../src/index.js';
import { createJwtVerifier } from '../src/keys/jwt.js';

const ISS = 'https://as.example';
const AUD = 'https://rs.example';
const SUB = 'user-4711-sub';
const JTI = 'jti-8d2f61c0';
const CLIENT = 'client-93a1bb';

let rsa: GenerateKeyPairResult;
let ec: GenerateKeyPairResult;
let attacker: GenerateKeyPairResult;
let rsaPem: string;

const now = () => Math.floor(Date.now() / 1000);

interface MintOptions {
  /** Claims to set; `undefined` removes a default claim. */
  readonly payload?: Record<string, unknown>;
  readonly header?: Record<string, unknown>;
  readonly alg?: string;
  readonly key?: CryptoKey | Uint8Array;
}

/** A token with every RFC 9068 claim, `typ: at+jwt`, RS256, unless told otherwise. */
async function mint(options: MintOptions = {}): Promise<string> {
  const t = now();
  const payload: Record<string, unknown> = {
    iss: ISS,
    aud: AUD,
    sub: SUB,
    iat: t,
    exp: t + 300,
    jti: JTI,
    client_id: CLIENT,
    scope: 'orders:read',
    ...options.payload,
  };
  for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
  const alg = options.alg ?? 'RS256';
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'at+jwt', ...options.header })
    .sign(options.key ?? rsa.privateKey);
}

/** Awaits a promise that must reject with an AuthError, and returns it. */
async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    expect(AuthError.is(error), `expected an AuthError, got ${String(error)}`).toBe(true);
    return error as AuthError;
  }
  throw new Error('expected a rejection, got a result');
}

/** Text no public part of an error may contain (rule 6): jose class names, quotes, codes, internals. */
const INTERNALS =
  /JOSE|JWT[A-Z]|JWS[A-Z]|JWKS?[A-Z]|TypeError|Error\b|ERR_|fetch|"|\\|127\.0\.0\.1|localhost|https?:|\bkid\b/;

function expectPublicTextSafe(error: AuthError, secrets: readonly string[]): void {
  for (const text of [error.detail, error.description, error.message]) {
    expect(text).not.toMatch(INTERNALS);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

/** Rejects with 401 invalid_token whose public text names no token, claim value or internal. */
async function expectInvalidToken(
  verify: (token: string) => Promise<unknown>,
  token: string,
  secrets: readonly string[] = [],
): Promise<AuthError> {
  const error = await rejection(verify(token));
  expect(error.code).toBe('invalid_token');
  expect(error.status).toBe(401);
  expect(error.scheme).toBe('Bearer');
  expectPublicTextSafe(error, [
    token,
    ...token.split('.').filter((s) => s.length > 3),
    ISS,
    AUD,
    SUB,
    JTI,
    CLIENT,
    ...secrets,
  ]);
  return error;
}

beforeAll(async () => {
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
  attacker = await generateKeyPair('RS256');
  rsaPem = await exportSPKI(rsa.publicKey);
});

const base = (extra: Partial<JwtVerifierOptions> = {}): JwtVerifierOptions => ({
  key: rsaPem,
  issuer: ISS,
  audience: AUD,
  ...extra,
});

describe('createJwtVerifier options', () => {
  const create = (options: object) => () => createJwtVerifier(options as unknown as JwtVerifierOptions);
  const typeError = (options: object, option: RegExp) => {
    expect(create(options)).toThrow(TypeError);
    expect(create(options)).toThrow(option);
  };

  it('needs exactly one of jwksUrl, key and secret', () => {
    typeError({ issuer: ISS, audience: AUD }, /jwksUrl.*key.*secret/);
    typeError({ issuer: ISS, audience: AUD, key: rsaPem, secret: 'x'.repeat(32) }, /jwksUrl.*key.*secret/);
    typeError({ issuer: ISS, audience: AUD, key: rsaPem, jwksUrl: 'https://as.example/jwks' }, /jwksUrl.*key.*secret/);
  });

  it('rejects a secret shorter than 32 bytes', () => {
    typeError({ issuer: ISS, audience: AUD, secret: 'short' }, /"secret"/);
    typeError({ issuer: ISS, audience: AUD, secret: new Uint8Array(31) }, /"secret"/);
    expect(create({ issuer: ISS, audience: AUD, secret: new Uint8Array(32) })).not.toThrow();
  });

  it('pins algorithms to the key type: no none, no HS* with a key, no RS* with a secret', () => {
    typeError(base({ algorithms: ['none'] }), /"algorithms".*none/);
    typeError(base({ algorithms: ['HS256'] }), /"algorithms": "HS256" is not allowed with a public key or JWKS/);
    typeError(base({ algorithms: ['RS256', 'HS256'] }), /"algorithms".*HS256/);
    typeError(
      { issuer: ISS, audience: AUD, jwksUrl: 'https://as.example/jwks', algorithms: ['HS256'] },
      /"algorithms"/,
    );
    typeError(
      { issuer: ISS, audience: AUD, secret: 'x'.repeat(32), algorithms: ['RS256'] },
      /"algorithms": "RS256" is not allowed with a secret/,
    );
    typeError({ issuer: ISS, audience: AUD, secret: 'x'.repeat(32), algorithms: ['none'] }, /"algorithms".*none/);
    typeError(base({ algorithms: [] }), /"algorithms"/);
  });

  it('bounds clockTolerance to 0..300 seconds', () => {
    for (const clockTolerance of [-1, 301, Number.NaN, Number.POSITIVE_INFINITY, '30']) {
      typeError({ ...base(), clockTolerance }, /"clockTolerance"/);
    }
    expect(create({ ...base(), clockTolerance: 0 })).not.toThrow();
    expect(create({ ...base(), clockTolerance: 300 })).not.toThrow();
  });

  it('requires a non-empty issuer and audience', () => {
    for (const issuer of ['', [], [''], undefined, 42]) typeError({ ...base(), issuer }, /"issuer"/);
    for (const audience of ['', [], [AUD, ''], undefined]) typeError({ ...base(), audience }, /"audience"/);
  });

  it('rejects a key that is not a public key, and a jwksUrl that is not an http(s) URL', () => {
    typeError(base({ key: 'not a pem' }), /"key"/);
    typeError({ issuer: ISS, audience: AUD, jwksUrl: 'not a url' }, /"jwksUrl"/);
    typeError({ issuer: ISS, audience: AUD, jwksUrl: 'file:///etc/jwks.json' }, /"jwksUrl"/);
  });

  it('rule 66: a jwksUrl over http to another host, or with user info, is refused; loopback http is fine', () => {
    const jwks = { onEvent: () => {} };
    for (const jwksUrl of ['http://as.example/jwks', 'http://127.0.0.1.as.example/jwks', 'http://[::ffff:7f00:1]/']) {
      typeError({ issuer: ISS, audience: AUD, jwksUrl, jwks }, /^auth-errors: option "jwksUrl" must be an https URL/);
    }
    for (const jwksUrl of ['https://client:s3cret@as.example/jwks', new URL('http://user@127.0.0.1/jwks')]) {
      typeError(
        { issuer: ISS, audience: AUD, jwksUrl, jwks },
        /^auth-errors: option "jwksUrl" must not contain a user name or password$/,
      );
    }
    for (const jwksUrl of ['https://as.example/jwks', 'http://127.0.0.1:9/jwks', 'http://localhost/jwks']) {
      expect(create({ issuer: ISS, audience: AUD, jwksUrl, jwks })).not.toThrow();
    }
  });

  it('rejects an unknown profile and an empty typ list', () => {
    typeError({ ...base(), profile: 'rfc7519' }, /"profile"/);
    typeError({ ...base(), typ: [] }, /"typ"/);
  });

  it('accepts the key as PEM, JWK or KeyObject', async () => {
    const token = await mint();
    const jwk = await exportJWK(rsa.publicKey);
    const { createPublicKey } = await import('node:crypto');
    for (const key of [rsaPem, jwk, createPublicKey(rsaPem)]) {
      const { payload } = await createJwtVerifier(base({ key }))(token);
      expect(payload.sub).toBe(SUB);
    }
  });
});

describe('JWT vectors (rules 44-52)', () => {
  it('accepts a valid RS256 token and returns payload and header', async () => {
    const { payload, protectedHeader } = await createJwtVerifier(base())(await mint());
    expect(payload).toMatchObject({ iss: ISS, aud: AUD, sub: SUB, scope: 'orders:read' });
    expect(protectedHeader.alg).toBe('RS256');
  });

  it('accepts ES256 with an EC key, and HS256 with a secret', async () => {
    const ecPem = await exportSPKI(ec.publicKey);
    expect(
      (await createJwtVerifier(base({ key: ecPem }))(await mint({ alg: 'ES256', key: ec.privateKey }))).payload.sub,
    ).toBe(SUB);
    const secret = new TextEncoder().encode('a-very-long-shared-secret-of-32-bytes!');
    const verify = createJwtVerifier({ issuer: ISS, audience: AUD, secret });
    expect((await verify(await mint({ alg: 'HS256', key: secret }))).payload.sub).toBe(SUB);
  });

  it('rule 44: a token without exp is invalid_token', async () => {
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ payload: { exp: undefined } }));
    expect(error.detail).toBe('The access token lacks a required claim');
    expect(error.cause).toBeDefined();
  });

  it('rule 44: a token without iss or aud is invalid_token', async () => {
    const verify = createJwtVerifier(base());
    await expectInvalidToken(verify, await mint({ payload: { iss: undefined } }));
    await expectInvalidToken(verify, await mint({ payload: { aud: undefined } }));
  });

  it('rule 45: alg none is invalid_token', async () => {
    const unsecured = new UnsecuredJWT({ iss: ISS, aud: AUD, sub: SUB, exp: now() + 300 }).encode();
    expect(unsecured.endsWith('.')).toBe(true);
    await expectInvalidToken(createJwtVerifier(base()), unsecured);
    // Also with a header that says none plus a fake signature.
    await expectInvalidToken(createJwtVerifier(base()), `${unsecured}c2ln`);
  });

  it('rule 45: an HS256 token signed with the RSA public key PEM (alg confusion) is invalid_token', async () => {
    const confused = await mint({ alg: 'HS256', key: new TextEncoder().encode(rsaPem) });
    await expectInvalidToken(createJwtVerifier(base()), confused);
    await expectInvalidToken(createJwtVerifier(base({ algorithms: ['RS256'] })), confused);
    await expectInvalidToken(createJwtVerifier(base({ algorithms: ['RS256', 'ES256', 'PS256'] })), confused);
  });

  it('rule 45: an ES256 token checked against an RSA key is invalid_token, not a TypeError', async () => {
    const token = await mint({ alg: 'ES256', key: ec.privateKey });
    // ES256 is allowed by default, so jose gets as far as the key-type check.
    await expectInvalidToken(createJwtVerifier(base()), token);
    await expectInvalidToken(createJwtVerifier(base({ algorithms: ['RS256'] })), token);
  });

  it('a token signed by another key is invalid_token', async () => {
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ key: attacker.privateKey }));
    expect(error.detail).toBe('The access token signature is invalid');
  });

  it('malformed tokens are invalid_token', async () => {
    const verify = createJwtVerifier(base());
    const good = await mint();
    const [h, p] = good.split('.') as [string, string, string];
    for (const token of ['abc', 'a.b.c', `${h}.${p}`, `${h}.${p}.!!`, `${h}.e30.sig`, 'eyJ9.eyJ9.c2ln', `${good}.x`]) {
      await expectInvalidToken(verify, token);
    }
  });

  describe('rule 46: explicit typing', () => {
    const typed = (typ: string | undefined) => mint({ header: { typ } });

    it('with profile rfc9068: at+jwt and application/AT+JWT pass, JWT and no typ fail', async () => {
      const verify = createJwtVerifier(base({ profile: 'rfc9068' }));
      expect((await verify(await typed('at+jwt'))).payload.sub).toBe(SUB);
      expect((await verify(await typed('application/AT+JWT'))).payload.sub).toBe(SUB);
      expect((await verify(await typed('AT+JWT'))).payload.sub).toBe(SUB);
      for (const typ of ['JWT', undefined, 'application/jwt', 'at+jwt2', 'dpop+jwt']) {
        const error = await expectInvalidToken(verify, await typed(typ));
        expect(error.detail).toBe('The token is not an access token of an accepted type');
      }
    });

    it('with profile rfc9068: iat, jti, sub and client_id are required', async () => {
      const verify = createJwtVerifier(base({ profile: 'rfc9068' }));
      for (const claim of ['iat', 'jti', 'sub', 'client_id']) {
        const error = await expectInvalidToken(verify, await mint({ payload: { [claim]: undefined } }));
        expect(error.detail, claim).toBe('The access token lacks a required claim');
      }
    });

    it('with the typ option: only the listed media types pass', async () => {
      const verify = createJwtVerifier(base({ typ: ['at+jwt'] }));
      expect((await verify(await typed('application/at+jwt'))).payload.sub).toBe(SUB);
      await expectInvalidToken(verify, await typed('JWT'));
      await expectInvalidToken(verify, await typed(undefined));
    });

    it('without profile or typ option, a typ JWT token passes', async () => {
      expect((await createJwtVerifier(base())(await typed('JWT'))).payload.sub).toBe(SUB);
    });
  });

  it('rule 47: an issuer with a trailing slash is rejected', async () => {
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ payload: { iss: `${ISS}/` } }));
    expect(error.detail).toBe('The access token was not issued by a trusted issuer');
    // And the other way round.
    const slashed = createJwtVerifier(base({ issuer: `${ISS}/` }));
    await expectInvalidToken(slashed, await mint());
  });

  it('rule 48: an aud array containing this resource passes; another audience fails', async () => {
    const verify = createJwtVerifier(base());
    const { payload } = await verify(await mint({ payload: { aud: ['https://other.example', AUD] } }));
    expect(payload.aud).toEqual(['https://other.example', AUD]);
    const error = await expectInvalidToken(verify, await mint({ payload: { aud: 'https://other.example' } }), [
      'https://other.example',
    ]);
    expect(error.detail).toBe('The access token is not intended for this resource');
    await expectInvalidToken(verify, await mint({ payload: { aud: ['https://other.example', `${AUD}/`] } }));
  });

  it('rule 49: exp in the past is invalid_token without the time in the detail', async () => {
    const exp = now() - 3600;
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ payload: { exp, iat: exp - 60 } }), [
      String(exp),
      new Date(exp * 1000).toISOString().slice(0, 10),
    ]);
    expect(error.detail).toBe('The access token expired');
    expect(error.description).toBe('The access token expired');
  });

  it('rule 49: nbf in the future is invalid_token', async () => {
    const nbf = now() + 600;
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ payload: { nbf } }), [String(nbf)]);
    expect(error.detail).toBe('The access token is not valid yet');
  });

  it('rule 49: clockTolerance is the leeway for exp and nbf', async () => {
    // 20 s past exp (and 20 s before nbf): inside a 60 s or the default 30 s leeway, outside a 0 s one.
    const late = await mint({ payload: { exp: now() - 20, iat: now() - 120 } });
    const early = await mint({ payload: { nbf: now() + 20 } });
    for (const token of [late, early]) {
      expect((await createJwtVerifier(base({ clockTolerance: 60 }))(token)).payload.sub).toBe(SUB);
      expect((await createJwtVerifier(base())(token)).payload.sub).toBe(SUB);
      await expectInvalidToken(createJwtVerifier(base({ clockTolerance: 0 })), token);
    }
  });

  it('rule 52: a DPoP-bound token (cnf.jkt) used as a bearer token is invalid_token', async () => {
    const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ payload: { cnf: { jkt } } }), [jkt]);
    expect(error.detail).toMatch(/bound to a key/);
  });

  // The new contract (rule 71): these used to pass as bearer tokens, since they bind no DPoP key.
  const UNVERIFIABLE = 'The access token has a confirmation (cnf) claim this server cannot verify';
  const CERTIFICATE = 'The access token is bound to a client certificate, which this server does not verify';
  it.each([
    ['null', null, UNVERIFIABLE],
    ['a string', 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', UNVERIFIABLE],
    ['an empty object', {}, UNVERIFIABLE],
    ['an object without jkt', { kid: 'k1' }, UNVERIFIABLE],
    ['a jkt that is a number', { jkt: 123 }, UNVERIFIABLE],
    ['a jkt that is null', { jkt: null }, UNVERIFIABLE],
    ['a jkt that is an array', { jkt: [] }, UNVERIFIABLE],
    ['an array', [{ jkt: 'x' }], UNVERIFIABLE],
    [
      'a certificate thumbprint (RFC 8705 §3)',
      { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
      CERTIFICATE,
    ],
    [
      'a jkt and a certificate thumbprint',
      { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', 'x5t#S256': 'bwc' },
      CERTIFICATE,
    ],
  ])('rule 71: a cnf claim that is %s makes the token unusable as a bearer token', async (_name, cnf, detail) => {
    const error = await expectInvalidToken(createJwtVerifier(base()), await mint({ payload: { cnf } }));
    expect(error.detail).toBe(detail);
    expect(error.description).toBe(detail);
  });

  it('rule 71: a token without cnf is a bearer token', async () => {
    const { payload } = await createJwtVerifier(base())(await mint());
    expect(payload).not.toHaveProperty('cnf');
  });
});

/* A JWKS served by this test, switchable at run time. */
type Mode = 'ok' | 'status500' | 'badJson' | 'notJwks' | 'hang';

describe('remote JWKS (rules 50, 51)', () => {
  let server: Server;
  let mode: Mode = 'ok';
  let keys: JWK[] = [];
  let evilKeys: JWK[] = [];
  const hits = { jwks: 0, evil: 0 };
  let jwksUrl = '';
  let evilUrl = '';
  let closedUrl = '';

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/evil') {
      hits.evil++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: evilKeys }));
      return;
    }
    hits.jwks++;
    switch (mode) {
      case 'ok':
        res.setHeader('content-type', 'application/jwk-set+json');
        res.end(JSON.stringify({ keys }));
        return;
      case 'status500':
        res.statusCode = 500;
        res.end('{"error":"boom"}');
        return;
      case 'badJson':
        res.setHeader('content-type', 'application/json');
        res.end('{"keys": [');
        return;
      case 'notJwks':
        res.setHeader('content-type', 'application/json');
        res.end('{"keys": "nope"}');
        return;
      case 'hang':
        return; // never answers
    }
  };

  const jwkWithKid = async (pair: GenerateKeyPairResult, kid: string, alg: string): Promise<JWK> => ({
    ...(await exportJWK(pair.publicKey)),
    kid,
    alg,
    use: 'sig',
  });

  // A refetch of an expired set is always waited for here, even when a busy machine makes it take 300 ms or more.
  const remote = (jwks: NonNullable<JwtVerifierOptions['jwks']> = {}, extra: Partial<JwtVerifierOptions> = {}) =>
    createJwtVerifier({
      jwksUrl,
      issuer: ISS,
      audience: AUD,
      jwks: { timeoutDuration: 2000, staleWaitDuration: 2000, ...jwks },
      ...extra,
    });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Rejects with 503 auth_unavailable whose public text names no host, URL or internal. */
  const expectUnavailable = async (promise: Promise<unknown>, url = jwksUrl) => {
    const error = await rejection(promise);
    expect(error.code).toBe('auth_unavailable');
    expect(error.status).toBe(503);
    expect(error.expose).toBe(false);
    expect(error.cause).toBeDefined();
    expectPublicTextSafe(error, [url, new URL(url).host, new URL(url).port]);
    return error;
  };

  beforeAll(async () => {
    keys = [await jwkWithKid(rsa, 'k1', 'RS256'), await jwkWithKid(ec, 'k-ec', 'ES256')];
    evilKeys = [await jwkWithKid(attacker, 'evil-kid-0b7d', 'RS256')];
    server = createServer(handle);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    jwksUrl = `http://127.0.0.1:${port}/jwks`;
    evilUrl = `http://127.0.0.1:${port}/evil`;
    // A port that was open a moment ago and is now closed: connection refused.
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks`;
    closed.close();
    await once(closed, 'close');
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('200 with a valid JWKS: RS256 and ES256 tokens pass', async () => {
    mode = 'ok';
    const verify = remote();
    expect((await verify(await mint({ header: { kid: 'k1' } }))).payload.sub).toBe(SUB);
    expect((await verify(await mint({ alg: 'ES256', key: ec.privateKey, header: { kid: 'k-ec' } }))).payload.sub).toBe(
      SUB,
    );
  });

  it('with one algorithm pinned, the remote set serves it and refuses the other', async () => {
    mode = 'ok';
    const verify = remote({}, { algorithms: ['ES256'] });
    expect((await verify(await mint({ alg: 'ES256', key: ec.privateKey, header: { kid: 'k-ec' } }))).payload.sub).toBe(
      SUB,
    );
    await expectInvalidToken(verify, await mint({ header: { kid: 'k1' } }));
  });

  it('an unknown kid is invalid_token (not 503), and the kid is not echoed', async () => {
    mode = 'ok';
    const error = await expectInvalidToken(remote(), await mint({ header: { kid: 'kid-unknown-5f3a' } }), [
      'kid-unknown-5f3a',
      jwksUrl,
    ]);
    expect(error.detail).toBe('The access token is signed with an unknown key');
  });

  it('JWKS answering 500 is auth_unavailable', async () => {
    mode = 'status500';
    const error = await expectUnavailable(remote()(await mint({ header: { kid: 'k1' } })));
    expect(error.scheme).toBe('Bearer');
  });

  it('JWKS answering invalid JSON is auth_unavailable', async () => {
    mode = 'badJson';
    await expectUnavailable(remote()(await mint({ header: { kid: 'k1' } })));
  });

  it('JWKS answering JSON that is not a key set is auth_unavailable', async () => {
    mode = 'notJwks';
    await expectUnavailable(remote()(await mint({ header: { kid: 'k1' } })));
  });

  it('JWKS hanging past timeoutDuration is auth_unavailable within a bounded time', async () => {
    mode = 'hang';
    const token = await mint({ header: { kid: 'k1' } });
    const started = performance.now();
    await expectUnavailable(remote({ timeoutDuration: 300 })(token));
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('JWKS on a closed port (connection refused) is auth_unavailable', async () => {
    const verify = createJwtVerifier({ jwksUrl: closedUrl, issuer: ISS, audience: AUD });
    await expectUnavailable(verify(await mint({ header: { kid: 'k1' } })), closedUrl);
  });

  it('passes retryAfter to auth_unavailable', async () => {
    mode = 'status500';
    const error = await expectUnavailable(remote({}, { retryAfter: 7 })(await mint({ header: { kid: 'k1' } })));
    expect(error.retryAfter).toBe(7);
  });

  it('recovers without recreating the verifier once the JWKS is fixed, one fetch per failure backoff', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // the key source reads Date.now(); fetches run in real time
    try {
      const verify = remote({ cooldownDuration: 50, cacheMaxAge: 100 });
      const token = await mint({ header: { kid: 'k1' } });
      mode = 'status500';
      const before = hits.jwks;
      await expectUnavailable(verify(token));
      mode = 'ok';
      // Inside the backoff (here the 50 ms cooldown) no fetch is made: still 503.
      await expectUnavailable(verify(token));
      expect(hits.jwks).toBe(before + 1);
      vi.setSystemTime(Date.now() + 50);
      expect((await verify(token)).payload.sub).toBe(SUB);
      expect(hits.jwks).toBe(before + 2);
      // Breaks again once the cache is stale: the last good set still verifies its keys (stale-if-error)…
      vi.setSystemTime(Date.now() + 150);
      mode = 'badJson';
      expect((await verify(token)).payload.sub).toBe(SUB);
      expect(hits.jwks).toBe(before + 3);
      // …and past the backoff a request starts a refetch in the background (it does not wait for it).
      mode = 'ok';
      vi.setSystemTime(Date.now() + 50);
      expect((await verify(token)).payload.sub).toBe(SUB);
      await vi.waitFor(() => expect(hits.jwks).toBe(before + 4));
    } finally {
      vi.useRealTimers();
    }
  });

  it('with maxStale 0, a stale set is not used when the refetch fails: 503', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      mode = 'ok';
      const verify = remote({ cooldownDuration: 50, cacheMaxAge: 100, maxStale: 0 });
      const token = await mint({ header: { kid: 'k1' } });
      expect((await verify(token)).payload.sub).toBe(SUB);
      vi.setSystemTime(Date.now() + 150);
      mode = 'badJson';
      await expectUnavailable(verify(token));
    } finally {
      mode = 'ok';
      vi.useRealTimers();
    }
  });

  it('key rotation: a new kid passes after a refetch; a removed kid is invalid_token, not 503', async () => {
    mode = 'ok';
    const original = keys;
    try {
      const verify = remote({ cooldownDuration: 50, cacheMaxAge: 60_000 });
      const oldToken = await mint({ header: { kid: 'k1' } });
      const newToken = await mint({ alg: 'ES256', key: ec.privateKey, header: { kid: 'k2-rotated' } });
      expect((await verify(oldToken)).payload.sub).toBe(SUB);

      keys = [await jwkWithKid(ec, 'k2-rotated', 'ES256')];
      await sleep(80); // past the cooldown, so an unknown kid triggers one refetch
      const before = hits.jwks;
      expect((await verify(newToken)).payload.sub).toBe(SUB);
      expect(hits.jwks).toBe(before + 1);

      // k1 is gone from the refetched set: the token is the problem, not the key source.
      const error = await expectInvalidToken(verify, oldToken, ['k1', jwksUrl]);
      expect(error.detail).toBe('The access token is signed with an unknown key');
      await sleep(80);
      await expectInvalidToken(verify, oldToken, [jwksUrl]);
    } finally {
      keys = original;
    }
  });

  it('rule 50: a jku header is never followed', async () => {
    mode = 'ok';
    const verify = remote();
    const before = hits.evil;
    // Signed by the attacker, pointing at the attacker's key set.
    const forged = await mint({
      key: attacker.privateKey,
      header: { kid: 'evil-kid-0b7d', jku: evilUrl },
    });
    await expectInvalidToken(verify, forged, ['evil-kid-0b7d', evilUrl]);
    // Signed by the issuer with a stray jku: verified against the configured keys, the jku ignored.
    expect((await verify(await mint({ header: { kid: 'k1', jku: evilUrl } }))).payload.sub).toBe(SUB);
    expect(hits.evil).toBe(before);
  });
});

describe('createJwtVerifier: options checked at creation, not at request time', () => {
  const base = {
    secret: 'a-shared-secret-of-at-least-32-bytes!',
    issuer: 'https://as.example',
    audience: 'https://rs.example',
  };
  it.each([
    [{ retryAfter: -1 }, 'retryAfter'],
    [{ retryAfter: 1.5 }, 'retryAfter'],
    [{ requiredClaims: [42] as unknown as string[] }, 'requiredClaims'],
    [{ requiredClaims: [] }, 'requiredClaims'],
  ])('refuses %j with a TypeError naming %s', (extra, option) => {
    expect(() => createJwtVerifier({ ...base, ...extra })).toThrow(TypeError);
    expect(() => createJwtVerifier({ ...base, ...extra })).toThrow(new RegExp(`"${option}"`));
  });
});
