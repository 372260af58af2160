/**
 * Shared helpers for the Express adapter suites: both Express majors, real
 * servers on 127.0.0.1, raw sockets for what Node's client cannot send, header
 * lines read one by one, and JWTs signed with local keys.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net';
import { type AuthErrorEvent, authErrors } from '@auth-errors/express';
import express, { type ErrorRequestHandler, type Express } from 'express';
import express4 from 'express4';
import { type JWTPayload, SignJWT } from 'jose';
import type { Response } from 'supertest';
import { expect, type Mock } from 'vitest';

export type ExpressFactory = typeof express;

/** Every suite runs once per supported Express major. */
export const expressVersions: [string, ExpressFactory][] = [
  ['express 5', express],
  ['express 4', express4],
];

export const TYPE_BASE = 'https://rs.example/problems/';
export const ISSUER = 'https://as.example';
export const AUDIENCE = 'https://rs.example';

/** The two failures every app meets: typed problems with a `code`, like every other failure. */
export const UNAUTHORIZED = {
  type: `${TYPE_BASE}credentials-required`,
  title: 'Credentials required',
  status: 401,
  detail: 'Authentication is required to access this resource',
  code: 'credentials_required',
} as const;
export const FORBIDDEN = {
  type: `${TYPE_BASE}forbidden`,
  title: 'Forbidden',
  status: 403,
  detail: 'You are not allowed to perform this request',
  code: 'forbidden',
} as const;

export const BASIC_CHALLENGE = 'Basic realm="api", charset="UTF-8"';
export const BEARER_CHALLENGE = 'Bearer realm="api"';

export function invalidTokenBody(detail: string) {
  return {
    type: `${TYPE_BASE}invalid-token`,
    title: 'Invalid access token',
    status: 401,
    detail,
    code: 'invalid_token',
  };
}

export function invalidTokenChallenge(description: string): string {
  return `Bearer realm="api", error="invalid_token", error_description="${description}"`;
}

export function invalidRequestBody(detail: string) {
  return {
    type: `${TYPE_BASE}invalid-request`,
    title: 'Invalid authentication request',
    status: 400,
    detail,
    code: 'invalid_request',
  };
}

export function invalidRequestChallenge(description: string): string {
  return `Bearer realm="api", error="invalid_request", error_description="${description}"`;
}

export const UNAVAILABLE_BODY = {
  type: `${TYPE_BASE}auth-unavailable`,
  title: 'Authentication service unavailable',
  status: 503,
  detail: 'Credentials cannot be checked right now. Retry later with the same credentials',
  code: 'auth_unavailable',
} as const;

export function insufficientScopeBody(requiredScopes: string[]) {
  return {
    type: `${TYPE_BASE}insufficient-scope`,
    title: 'Insufficient scope',
    status: 403,
    detail: 'The access token does not grant the scope this request requires',
    code: 'insufficient_scope',
    requiredScopes,
  };
}

/** The raw `rawHeaders` array of a supertest response (name, value, name, value…). */
export function rawHeadersOf(res: Response): string[] {
  return (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
}

/** Every field line named `name`, as sent: Node's `res.headers` joins repeated lines with ", ". */
export function headerLines(rawHeaders: readonly string[], name: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name) lines.push(rawHeaders[i + 1] as string);
  }
  return lines;
}

export function challengesOf(res: Response): string[] {
  return headerLines(rawHeadersOf(res), 'www-authenticate');
}

/** `Vary` members, lower-cased, from every Vary line. */
export function varyOf(rawHeaders: readonly string[]): string[] {
  return headerLines(rawHeaders, 'vary').flatMap((line) => line.split(',').map((s) => s.trim().toLowerCase()));
}

export interface ProblemExpectation {
  readonly status: number;
  /** Every WWW-Authenticate line in order; [] means the field is absent. */
  readonly challenges: readonly string[];
  /** The whole body; `undefined` for HEAD. */
  readonly body: object | undefined;
  readonly contentType?: string;
  /** Only 503 carries Retry-After. */
  readonly retryAfter?: string;
}

/** Asserts everything a client sees of a problem response. */
export function expectProblem(res: Response, expected: ProblemExpectation): void {
  const raw = rawHeadersOf(res);
  expect(res.status).toBe(expected.status);
  expect(headerLines(raw, 'content-type')).toEqual([expected.contentType ?? 'application/problem+json']);
  expect(headerLines(raw, 'cache-control')).toEqual(['no-store']);
  expect(varyOf(raw)).toContain('accept');
  expect(challengesOf(res)).toEqual(expected.challenges);
  expect(headerLines(raw, 'retry-after')).toEqual(expected.retryAfter === undefined ? [] : [expected.retryAfter]);
  if (expected.body === undefined) {
    expect(res.text ?? '').toBe('');
  } else {
    expect(JSON.parse(res.text)).toEqual(expected.body);
    expect(headerLines(raw, 'content-length')).toEqual([String(Buffer.byteLength(res.text))]);
  }
}

/** Asserts that none of `secrets` appears anywhere in the response: status line aside, headers and body. */
export function expectNoLeak(
  raw: { rawHeaders: readonly string[]; text: string | undefined },
  secrets: string[],
): void {
  const seen = `${raw.rawHeaders.join('\n')}\n${raw.text ?? ''}`;
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(0);
    expect(seen).not.toContain(secret);
  }
}

export function expectNoLeakIn(res: Response, secrets: string[]): void {
  expectNoLeak({ rawHeaders: rawHeadersOf(res), text: res.text }, secrets);
}

/** The one AuthErrorEvent an `onError` spy received. */
export function onlyEvent(onError: Mock<(event: AuthErrorEvent) => void>): AuthErrorEvent {
  expect(onError).toHaveBeenCalledTimes(1);
  return onError.mock.calls[0]?.[0] as AuthErrorEvent;
}

/** Runs `fn` against `app` listening on an ephemeral loopback port, and always closes it. */
export async function withServer<T>(app: RequestListener, fn: (port: number) => Promise<T>): Promise<T> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface RawResponse {
  readonly status: number;
  /** name, value, name, value… exactly as received. */
  readonly rawHeaders: string[];
  readonly text: string;
}

/**
 * Sends `head` (request line and header lines, without the final blank line)
 * over a plain socket: the only way to send two `Authorization` lines, which
 * Node's client would merge or refuse. Adds `Connection: close` and reads to EOF.
 */
export function rawRequest(port: number, head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const rawHeaders = lines.flatMap((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      resolve({ status: Number(statusLine.split(' ')[1]), rawHeaders, text: text.slice(split + 4) });
      socket.destroy();
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An ES256 key pair: the app gets the public key as PEM, tokens are signed with the private key. */
export const keys = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
})();

/** A second key pair whose signatures the app must reject. */
export const otherKeys = (() => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey };
})();

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An ES256 access token for ISSUER/AUDIENCE with scope `read`, valid for 5 minutes; `claims` override. */
export function signToken(claims: JWTPayload = {}, privateKey = keys.privateKey): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now,
    exp: now + 300,
    jti: 'jti-1',
    scope: 'read',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .sign(privateKey);
}

/** An HS256 secret for express-jwt and express-oauth2-jwt-bearer (at least 32 bytes). */
export const HS_SECRET = 'a-test-secret-that-is-long-enough-0123456789';

export function signHs256(claims: JWTPayload = {}, secret = HS_SECRET): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/**
 * Mounts authErrors (test typeBase, the given onError), then a last error
 * handler that records, in `passedOn`, whatever authErrors passed on.
 */
export function finishWithAuthErrors(
  app: Express,
  onError: (event: AuthErrorEvent) => void,
  passedOn: unknown[],
): Express {
  app.use(authErrors({ typeBase: TYPE_BASE, onError }));
  const fallback: ErrorRequestHandler = (err, _req, res, _next) => {
    passedOn.push(err);
    res.status(599).end();
  };
  app.use(fallback);
  return app;
}
