/**
 * Routes with response schemas: Fastify serializes a route's replies through
 * the schema of their status code and drops undeclared members, so a problem
 * is sent as it was rendered, whatever the route declares (rules 1 and 8);
 * `problemSchema` describes every member the renderer sends, extension
 * members included. Rule numbers refer to docs/conformance.md.
 */

import { createHash } from 'node:crypto';
import { catalog } from '@auth-errors/core/adapter';
import * as fastifyAuth from '@auth-errors/fastify';
import Fastify from 'fastify';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  basic,
  header,
  INSUFFICIENT_SCOPE,
  ISSUER,
  listen,
  PROBLEM,
  publicKeyPem,
  rawRequest,
  signToken,
  TYPE_BASE,
} from './helpers.js';

const bearer = fastifyAuth.jwtAuth({ key: publicKeyPem, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] });
const extensions = { traceId: 'trace-1' };

describe('a route with a response schema for its 4xx', () => {
  it('a schema that lists none of our members strips nothing from the problem', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors, { extensions });
    const narrow = { type: 'object', properties: { message: { type: 'string' } }, additionalProperties: false };
    app.get(
      '/orders',
      {
        onRequest: [bearer, fastifyAuth.requireScopes('orders:write')],
        schema: { response: { 200: { type: 'array' }, '4xx': narrow } },
      },
      async () => [],
    );
    const port = await listen(app);
    const token = await signToken({ scope: 'orders:read' });
    const res = await rawRequest(port, { path: '/orders', headers: [['Authorization', `Bearer ${token}`]] });
    expect(res.status).toBe(403);
    expect(header(res, 'content-type')).toBe(PROBLEM);
    expect(JSON.parse(res.body)).toEqual({ ...INSUFFICIENT_SCOPE, traceId: 'trace-1' });
  });

  it('declared with problemSchema per media type, the problem comes out whole', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors, { extensions });
    const problem = { content: { 'application/problem+json': { schema: fastifyAuth.problemSchema } } };
    app.get('/orders', { onRequest: bearer, schema: { response: { 401: problem, 403: problem } } }, async () => []);
    const port = await listen(app);
    const res = await rawRequest(port, { path: '/orders' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'credentials_required', traceId: 'trace-1' });
  });
});

describe('problemSchema', () => {
  it('describes every body the renderer sends: Fastify’s validator accepts each one', async () => {
    const app = Fastify();
    await app.register(fastifyAuth.authErrors, { extensions, instance: true, onError: () => {} });
    const staff = fastifyAuth.basicAuth({ verify: () => false });
    const failing = fastifyAuth.bearerAuth({
      verify: () => {
        throw new Error('down');
      },
    });
    app.get('/basic', { onRequest: staff }, async () => 'ok');
    app.get('/bearer', { onRequest: bearer }, async () => 'ok');
    app.get('/policy', { onRequest: [bearer, fastifyAuth.requireAuth(() => false)] }, async () => 'ok');
    app.get('/scope', { onRequest: [bearer, fastifyAuth.requireScopes('orders:write')] }, async () => 'ok');
    app.get(
      '/step-up',
      { onRequest: [bearer, fastifyAuth.requireStepUp({ acrValues: ['urn:mfa'], maxAge: 60 })] },
      () => 'ok',
    );
    app.get('/unavailable', { onRequest: failing }, async () => 'ok');
    app.get('/busy', async () => {
      throw new fastifyAuth.AuthError('too_many_requests', { retryAfter: 3 });
    });
    // DPoP: a proof key whose thumbprint the opaque token is bound to (RFC 9449 §6.2).
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const jkt = await calculateJwkThumbprint(jwk);
    const dpop = (nonce?: { secrets: string[] }) =>
      fastifyAuth.bearerAuth({ verify: () => ({ cnf: { jkt } }), dpop: { mode: 'required', nonce } });
    app.get('/dpop', { onRequest: dpop() }, async () => 'ok');
    app.get(
      '/dpop-nonce',
      { onRequest: dpop({ secrets: ['a-nonce-secret-of-at-least-32-bytes!'] }) },
      async () => 'ok',
    );
    app.post('/validate', { schema: { body: fastifyAuth.problemSchema } }, async () => 'valid');
    const port = await listen(app);
    const token = await signToken();
    const proof = await new SignJWT({
      htm: 'GET',
      htu: `http://127.0.0.1:${port}/dpop-nonce`,
      jti: 'schema-test',
      ath: createHash('sha256').update('abc').digest('base64url'),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey);
    const cases: [string, [string, string][]][] = [
      ['/basic', [['Authorization', basic('ann', 'x')]]],
      ['/bearer', []],
      ['/bearer', [['Authorization', 'Bearer not.a.jwt']]],
      [
        '/bearer',
        [
          ['Authorization', 'Bearer a'],
          ['Authorization', 'Bearer b'],
        ],
      ],
      ['/policy', [['Authorization', `Bearer ${token}`]]],
      ['/scope', [['Authorization', `Bearer ${token}`]]],
      ['/step-up', [['Authorization', `Bearer ${token}`]]],
      ['/unavailable', [['Authorization', 'Bearer abc']]],
      ['/busy', []],
      ['/dpop', [['Authorization', 'DPoP abc']]],
      [
        '/dpop-nonce',
        [
          ['Authorization', 'DPoP abc'],
          ['DPoP', proof],
        ],
      ],
    ];
    const codes = new Set<string>();
    for (const [path, headers] of cases) {
      const problem = await rawRequest(port, { path, headers });
      codes.add(JSON.parse(problem.body).code);
      const checked = await rawRequest(port, {
        method: 'POST',
        path: '/validate',
        headers: [['Content-Type', 'application/json']],
        body: problem.body,
      });
      expect(checked.body, problem.body).toBe('valid');
    }
    expect([...codes].sort()).toEqual(Object.keys(catalog).sort());
    const notAProblem = await rawRequest(port, {
      method: 'POST',
      path: '/validate',
      headers: [['Content-Type', 'application/json']],
      body: JSON.stringify({ type: 'x', title: 'x', status: 418, detail: 'x', code: 'teapot' }),
    });
    expect(notAProblem.status).toBe(400);
  });

  it('keeps extension members when Fastify serializes a problem of the application’s own with it', async () => {
    const app = Fastify();
    const own = { type: `${TYPE_BASE}forbidden`, title: 'Forbidden', status: 403, detail: 'No', code: 'forbidden' };
    app.get('/own', { schema: { response: { 403: fastifyAuth.problemSchema } } }, async (_request, reply) =>
      reply.code(403).send({ ...own, tenant: 'acme' }),
    );
    const port = await listen(app);
    expect(JSON.parse((await rawRequest(port, { path: '/own' })).body)).toEqual({ ...own, tenant: 'acme' });
  });
});
