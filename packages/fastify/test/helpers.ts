/**
 * Shared by the Fastify tests: real Fastify servers on 127.0.0.1 (closed after
 * each test), the repository's raw HTTP client (every header line as sent),
 * and the problems a client sees.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type JWTPayload, SignJWT } from 'jose';
import { afterEach, expect } from 'vitest';
import { DEFAULT_TYPE_BASE } from '../../../test/support/contract-cases.js';
import { header, headerLines, type RawResponse } from '../../../test/support/http.js';

export { basic, header, headerLines, type RawResponse, rawRequest } from '../../../test/support/http.js';

const started = new Set<FastifyInstance>();

afterEach(async () => {
  await Promise.all([...started].map((app) => app.close()));
  started.clear();
});

/** Listens on a loopback port, as `app.listen` does in production; closed after the current test. */
export async function listen(app: FastifyInstance): Promise<number> {
  started.add(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

export const PROBLEM = 'application/problem+json';
export const TYPE_BASE = DEFAULT_TYPE_BASE;
export const ISSUER = 'https://as.example';
export const AUDIENCE = 'https://rs.example';

export const UNAUTHORIZED = {
  type: `${TYPE_BASE}credentials-required`,
  title: 'Credentials required',
  status: 401,
  detail: 'Authentication is required to access this resource',
  code: 'credentials_required',
};
export const FORBIDDEN = {
  type: `${TYPE_BASE}forbidden`,
  title: 'Forbidden',
  status: 403,
  detail: 'You are not allowed to perform this request',
  code: 'forbidden',
};
/** What a token without `orders:write` gets from `requireScopes('orders:write')`. */
export const INSUFFICIENT_SCOPE = {
  type: `${TYPE_BASE}insufficient-scope`,
  title: 'Insufficient scope',
  status: 403,
  detail: 'The access token does not grant the scope this request requires',
  code: 'insufficient_scope',
  requiredScopes: ['orders:write'],
};

/** Status, media type, caching, every challenge line and the whole body of a problem response. */
export function expectProblem(res: RawResponse, status: number, challenges: string[], body: object): void {
  expect(res.status).toBe(status);
  expect(header(res, 'content-type')).toBe(PROBLEM);
  expect(header(res, 'cache-control')).toBe('no-store');
  expect(header(res, 'vary')).toBe('Accept');
  expect(headerLines(res, 'www-authenticate')).toEqual(challenges);
  expect(JSON.parse(res.body)).toEqual(body);
  expect(header(res, 'content-length')).toBe(String(Buffer.byteLength(res.body)));
}

/** An ES256 key pair: the app gets the public key as PEM, tokens are signed with the private key. */
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** An ES256 access token for ISSUER/AUDIENCE, valid for 5 minutes; `claims` override. */
export function signToken(claims: JWTPayload = {}): Promise<string> {
  return new SignJWT({ sub: 'user-1', scope: 'orders:read', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}
