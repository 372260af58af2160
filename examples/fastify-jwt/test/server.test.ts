/**
 * `npm start --workspace examples/fastify-jwt` (`npm start` in a copy), as a user
 * runs it: demo mode with DEMO=1, or an identity provider's JWKS.
 */
import '@auth-errors/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, closedPortUrl, ISSUER, startJwks } from './jwks.js';
import { startExample } from './start.js';
import { type Started, send } from './support.js';

describe('npm start', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let demo: Started | undefined;
  let configured: Started | undefined;
  let down: Started | undefined;
  beforeAll(async () => {
    jwks = await startJwks();
    [demo, configured, down] = await Promise.all([
      startExample({ DEMO: '1' }),
      startExample({
        JWKS_URL: jwks.url,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        JWKS_CACHE_MAX_AGE: '60',
        JWKS_MAX_STALE: '3600',
      }),
      closedPortUrl().then((url) => startExample({ JWKS_URL: url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE })),
    ]);
  });
  afterAll(async () => {
    await Promise.all([demo?.stop(), configured?.stop(), down?.stop()]);
    await jwks?.close();
  });

  it('with DEMO=1, prints curl lines and serves the demo token flow', async () => {
    const { url, output } = demo as Started;
    expect(output()).toContain(`Listening on ${url} (demo mode: tokens from /demo/token)`);
    expect(output()).toContain(`curl -i ${url}/orders`);
    const anonymous = await send(`${url}/orders`);
    expect(anonymous).toBeUnauthorized();
    expect(anonymous.challenges).toEqual(['Bearer realm="orders"']);
    const minted = await send(`${url}/demo/token?scope=orders:read`);
    const { access_token } = minted.body as { access_token: string };
    const ok = await send(`${url}/orders`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([]);
  });

  it('with JWKS_URL, JWT_ISSUER, JWT_AUDIENCE and the cache settings, verifies tokens against that JWKS and mints none', async () => {
    const { url, output } = configured as Started;
    expect(output()).toBe(`Listening on ${url}\n`);
    const token = await jwks.sign({ scope: 'orders:read' });
    expect((await send(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await send(`${url}/demo/token`)).status).toBe(404);
  });

  it('with a JWKS_URL that refuses connections, answers 503 with Retry-After', async () => {
    const { url } = down as Started;
    const token = await jwks.sign({ scope: 'orders:read' });
    const res = await send(`${url}/orders`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.challenges).toEqual([]);
    expect(res).toBeProblem({ status: 503, code: 'auth_unavailable' });
  });
});
