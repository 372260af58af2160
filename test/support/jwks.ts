/** A JWKS served by the test on 127.0.0.1, and RS256 tokens signed for it. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { closedPort } from './http.js';

export const ISSUER = 'https://issuer.test.invalid';
export const AUDIENCE = 'https://orders.test.invalid';

/** A JWKS endpoint whose behaviour the test switches at run time. */
export async function startJwks() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  let mode: 'ok' | 'error' = 'ok';
  const server = createServer((_req, res) => {
    if (mode === 'error') {
      res.writeHead(500).end('internal error');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  const sign = (claims: JWTPayload, options: { typ?: string; exp?: number | string } = {}) =>
    new SignJWT({ client_id: 'test-client', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: options.typ ?? 'JWT' })
      .setIssuer(ISSUER)
      .setAudience((claims.aud as string) ?? AUDIENCE)
      .setSubject('user-1')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(privateKey);
  return {
    url,
    sign,
    setMode: (next: typeof mode) => {
      mode = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}/jwks.json`;
}
