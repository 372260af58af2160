/**
 * dpop/proof.ts, check by check (RFC 9449 §4.3): each row is one proof or
 * request made wrong in one way, and the exact refusal. Every refusal is the
 * same 401 invalid_dpop_proof with its own detail, and none echoes the proof.
 */
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClientKey, clientKey, outcomeOf, type ProofInput, proof } from '../../../test/support/dpop.js';
import { MAX_PROOF_LENGTH, type ProofRequest, verifyProof } from '../src/dpop/proof.js';
import { exponent3, rsa4104 } from './rsa-test-keys.js';

const TOKEN = 'an-access-token';
const URI = 'https://api.test/orders';
const POLICY = { algorithms: ['ES256', 'PS256', 'RS256', 'EdDSA'], window: 60 };

const refused = (detail: string) => ({ code: 'invalid_dpop_proof', status: 401, detail, scheme: 'DPoP' });
const publicMembers = (jwk: JWK): JWK => ({ kty: jwk.kty, n: jwk.n, e: jwk.e });

let key: ClientKey;
let other: ClientKey;
beforeAll(async () => {
  [key, other] = await Promise.all([clientKey(), clientKey()]);
});

/** A proof for GET https://api.test/orders and TOKEN, with `change` applied, checked against `request`. */
async function check(change: Partial<ProofInput> = {}, request: Partial<ProofRequest> = {}, now?: number) {
  const jwt = await proof({ key, htm: 'GET', htu: URI, token: TOKEN, ...change });
  const full: ProofRequest = {
    lines: [jwt],
    method: 'GET',
    uri: URI,
    dotSegments: false,
    accessToken: TOKEN,
    ...request,
  };
  return verifyProof(full, POLICY, key.jkt, now);
}

describe('verifyProof: a well-formed proof', () => {
  it('passes, giving the key thumbprint, the claims the replay store keys on, and the nonce', async () => {
    const verified = await check({ nonce: 'n-1', claims: { jti: 'j-1', iat: 1_700_000_000 } }, {}, 1_700_000_000_000);
    expect(verified).toEqual({ jkt: key.jkt, jti: 'j-1', iat: 1_700_000_000, htm: 'GET', htu: URI, nonce: 'n-1' });
  });

  it('compares htu without query and fragment, after RFC 3986 normalisation', async () => {
    const verified = await check({ htu: 'HTTPS://API.test:443/%6Frders?page=2#top' });
    expect(verified.htu).toBe(URI);
  });

  it('accepts an iat at either edge of the window', async () => {
    const now = 1_700_000_000_000;
    for (const iat of [1_700_000_000 - 60, 1_700_000_000 + 60]) {
      expect(await outcomeOf(check({ claims: { iat } }, {}, now)), String(iat)).toBe('passed');
    }
  });
});

describe('verifyProof: the DPoP field (one line, one compact JWT)', () => {
  const rows: [string, (jwt: string) => readonly string[] | undefined, string][] = [
    ['no DPoP field', () => undefined, 'A DPoP proof is required'],
    ['an empty field line', () => [''], 'A DPoP proof is required'],
    ['only commas and spaces', () => [' , '], 'A DPoP proof is required'],
    ['two field lines', (jwt) => [jwt, jwt], 'The request has more than one DPoP header field'],
    ['two proofs joined by a comma', (jwt) => [`${jwt}, ${jwt}`], 'The request has more than one DPoP header field'],
    ['not a JWT', () => ['not-a-jwt'], 'The DPoP proof is not a single compact JWT'],
    ['a JWE-shaped value (five parts)', () => ['a.b.c.d.e'], 'The DPoP proof is not a single compact JWT'],
    ['a character outside base64url', () => ['a.b+c.d'], 'The DPoP proof is not a single compact JWT'],
    [
      'over 8192 characters',
      () => [`a.${'b'.repeat(MAX_PROOF_LENGTH)}.c`],
      'The DPoP proof is not a single compact JWT',
    ],
    ['a header that is not JSON', () => ['bm90LWpzb24.e30.c2ln'], 'The DPoP proof is malformed'],
  ];
  it.each(rows)('%s', async (_, lines, detail) => {
    const jwt = await proof({ key, htm: 'GET', htu: URI, token: TOKEN });
    const request = { lines: lines(jwt), method: 'GET', uri: URI, dotSegments: false, accessToken: TOKEN };
    expect(await outcomeOf(verifyProof(request, POLICY, key.jkt))).toEqual(refused(detail));
  });
});

describe('verifyProof: the header (public jwk, algorithm, typ, signature)', () => {
  const NOT_PUBLIC = 'The DPoP proof key must be a public JWK and nothing else';
  const RSA_BOUNDS = 'The DPoP proof key must be an RSA key of 2048 to 4096 bits with exponent 65537';
  const smallRsa = () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    return exportJWK(publicKey);
  };
  const rows: [string, () => Promise<Partial<ProofInput>> | Partial<ProofInput>, string][] = [
    ['no jwk', () => ({ header: { jwk: undefined } }), NOT_PUBLIC],
    ['a jwk that is a string', () => ({ header: { jwk: 'key' as unknown as JWK } }), NOT_PUBLIC],
    ['a jwk that is an array', () => ({ header: { jwk: [] as unknown as JWK } }), NOT_PUBLIC],
    ['a symmetric jwk', () => ({ header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } }), NOT_PUBLIC],
    ['a jwk with the private member d', () => ({ header: { jwk: { ...key.jwk, d: 'AAAA' } } }), NOT_PUBLIC],
    ['a jwk with an unknown member', () => ({ header: { jwk: { ...key.jwk, x5u: 'https://x.test' } } }), NOT_PUBLIC],
    ['a 1024-bit RSA key', async () => ({ header: { jwk: await smallRsa() } }), RSA_BOUNDS],
    ['a 4104-bit RSA key', () => ({ header: { jwk: publicMembers(rsa4104) } }), RSA_BOUNDS],
    ['an RSA key with exponent 3', () => ({ header: { jwk: publicMembers(exponent3) } }), RSA_BOUNDS],
    [
      'another key than the token is bound to',
      () => ({ header: { jwk: other.jwk } }),
      'The DPoP proof key is not the key the access token is bound to',
    ],
    ['typ JWT', () => ({ header: { typ: 'JWT' } }), 'The DPoP proof is not validly signed, or not of type dpop+jwt'],
    ['no typ', () => ({ header: { typ: undefined } }), 'The DPoP proof is not validly signed, or not of type dpop+jwt'],
  ];
  it.each(rows)('%s', async (_, change, detail) => {
    expect(await outcomeOf(check(await change()))).toEqual(refused(detail));
  });

  // Refused on the header alone, before any signature check: the header is rewritten after signing.
  it.each(['none', 'HS256', 'ES384', 'RSA-OAEP', ''])('alg %j, not in the accepted list', async (alg) => {
    const [header, ...rest] = (await proof({ key, htm: 'GET', htu: URI, token: TOKEN })).split('.');
    const changed = { ...JSON.parse(Buffer.from(header as string, 'base64url').toString()), alg };
    const jwt = [Buffer.from(JSON.stringify(changed)).toString('base64url'), ...rest].join('.');
    const request = { lines: [jwt], method: 'GET', uri: URI, dotSegments: false, accessToken: TOKEN };
    expect(await outcomeOf(verifyProof(request, POLICY, key.jkt))).toEqual(
      refused('The DPoP proof algorithm is not accepted'),
    );
  });

  it('a signature by another key than the jwk names', async () => {
    const forged = await proof({ key: { ...other, jwk: key.jwk }, htm: 'GET', htu: URI, token: TOKEN });
    const request = { lines: [forged], method: 'GET', uri: URI, dotSegments: false, accessToken: TOKEN };
    expect(await outcomeOf(verifyProof(request, POLICY, key.jkt))).toEqual(
      refused('The DPoP proof is not validly signed, or not of type dpop+jwt'),
    );
  });
});

describe('verifyProof: the claims (jti, htm, htu, iat, ath)', () => {
  const NOW = 1_700_000_000_000;
  const JTI = 'The DPoP proof needs a jti of at most 256 characters';
  const URI_WRONG = 'The DPoP proof is for another URI';
  const WINDOW = 'The DPoP proof was not issued within the accepted time window';
  const ATH = 'The DPoP proof is not bound to this access token';
  const SIGNATURE = 'The DPoP proof is not validly signed, or not of type dpop+jwt';
  const rows: [string, Partial<ProofInput>, Partial<ProofRequest>, string][] = [
    ['no jti', { claims: { jti: undefined } }, {}, JTI],
    ['an empty jti', { claims: { jti: '' } }, {}, JTI],
    ['a jti of 257 characters', { claims: { jti: 'j'.repeat(257) } }, {}, JTI],
    ['a numeric jti', { claims: { jti: 7 } }, {}, JTI],
    ['htm POST on a GET', { htm: 'POST' }, {}, 'The DPoP proof is for another HTTP method'],
    [
      'htm get, lower case (methods are case-sensitive)',
      { htm: 'get' },
      {},
      'The DPoP proof is for another HTTP method',
    ],
    [
      'a request path with dot segments',
      {},
      { dotSegments: true },
      'The request path has dot segments or backslashes, which no DPoP proof can be matched with',
    ],
    ['htu of another path', { htu: 'https://api.test/admin' }, {}, URI_WRONG],
    ['htu of another host', { htu: 'https://evil.test/orders' }, {}, URI_WRONG],
    ['htu http for https', { htu: 'http://api.test/orders' }, {}, URI_WRONG],
    ['htu relative', { htu: '/orders' }, {}, URI_WRONG],
    ['htu with user info', { htu: 'https://u@api.test/orders' }, {}, URI_WRONG],
    ['htu missing', { claims: { htu: undefined } }, {}, URI_WRONG],
    ['htu not a string', { claims: { htu: 42 } }, {}, URI_WRONG],
    ['a request whose URI cannot be known', {}, { uri: undefined }, URI_WRONG],
    ['iat 61 s old', { claims: { iat: NOW / 1000 - 61 } }, {}, WINDOW],
    ['iat 61 s ahead', { claims: { iat: NOW / 1000 + 61 } }, {}, WINDOW],
    ['no iat', { claims: { iat: undefined } }, {}, WINDOW],
    // jose itself refuses a non-numeric iat while it checks the signature.
    ['iat a string', { claims: { iat: String(NOW / 1000) } }, {}, SIGNATURE],
    ['no ath', { claims: { ath: undefined } }, {}, ATH],
    ['ath of another token', { token: 'another-token' }, {}, ATH],
  ];
  it.each(rows)('%s', async (_, change, request, detail) => {
    const claims = { iat: NOW / 1000, ...change.claims };
    expect(await outcomeOf(check({ ...change, claims }, request, NOW))).toEqual(refused(detail));
  });

  it('never puts the proof, its claims or the token in the detail', async () => {
    const outcome = await outcomeOf(check({ claims: { jti: 'secret-jti'.repeat(30) } }));
    expect(JSON.stringify(outcome)).not.toMatch(/secret-jti|an-access-token|eyJ/);
  });
});
