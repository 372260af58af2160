/**
 * Fastify users test with `app.inject()`, whose request object
 * (light-my-request) has no `headersDistinct`: the guards must still read
 * every Authorization line, from `rawHeaders`, and answer as on a real socket.
 */
import { authErrors, bearerAuth } from '@auth-errors/fastify';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { BEARER, bearerError } from './support/contract-cases.js';

async function app() {
  const fastify = Fastify();
  await fastify.register(authErrors);
  const bearer = bearerAuth({ verify: (token) => (token === 'good-token' ? { client: 'billing' } : false) });
  fastify.get('/svc', { onRequest: [bearer] }, async (request) => ({ client: bearer.auth(request).principal.client }));
  return fastify;
}

describe("Fastify's inject()", () => {
  it('authenticates a valid token: 200', async () => {
    const res = await (await app()).inject({ url: '/svc', headers: { authorization: 'Bearer good-token' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ client: 'billing' });
  });

  it('refuses a bad token with the Bearer error challenge: 401, not 500', async () => {
    const res = await (await app()).inject({ url: '/svc', headers: { authorization: 'Bearer bad-token' } });
    expect(res.statusCode).toBe(401);
    // One challenge per field line: inject() reports the lines as an array.
    expect([res.headers['www-authenticate']].flat()).toEqual([
      bearerError('invalid_token', 'The access token is not valid'),
    ]);
    expect(res.json()).toMatchObject({ code: 'invalid_token' });
  });

  it('sees both lines of a duplicated Authorization (rule 35): 400, even when the first is valid', async () => {
    const res = await (await app()).inject({
      url: '/svc',
      headers: { authorization: ['Bearer good-token', 'Bearer good-token'] as unknown as string },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_request' });
  });

  it('no credentials: 401 with the bare challenge', async () => {
    const res = await (await app()).inject({ url: '/svc' });
    expect(res.statusCode).toBe(401);
    expect([res.headers['www-authenticate']].flat()).toEqual([BEARER]);
  });
});
