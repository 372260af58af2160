/**
 * Types that flow on Fastify, checked by the compiler (test/types.test.ts):
 * guards fit `onRequest` and `preHandler` (arrays or alone, on routes with
 * typed generics too), `guard.auth(request)` carries the principal's type,
 * the plugin's options are typed, and `problemSchema` fits a response schema.
 */
import * as fastifyAuth from '@auth-errors/fastify';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import type { JWTPayload } from 'jose';
import { expectTypeOf } from 'vitest';

interface OrderClaims {
  readonly tenant: string;
}

const app = Fastify();
await app.register(fastifyAuth.authErrors, {
  realm: 'orders',
  extensions: (request) => {
    expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
    return { traceId: request.id };
  },
});

const bearer = fastifyAuth.jwtAuth<OrderClaims>({ jwksUrl: 'https://as.example/jwks', issuer: 'i', audience: 'a' });
app.get('/orders', { onRequest: [bearer, fastifyAuth.requireScopes('orders:read')] }, async (request) => {
  const auth = bearer.auth(request);
  expectTypeOf(auth.claims).toEqualTypeOf<JWTPayload & OrderClaims>();
  expectTypeOf(auth.claims.tenant).toEqualTypeOf<string>();
  return { tenant: auth.claims.tenant, scheme: fastifyAuth.authOf(request)?.scheme };
});

// Route generics (params, body, reply) and preHandler: the same guards fit.
const staff = fastifyAuth.basicAuth({
  verify: async (user, password) => (fastifyAuth.safeEqual(password, 'pw') ? { id: 1, user } : false),
});
app.post<{ Params: { id: string }; Body: { item: string }; Reply: { id: number } }>(
  '/orders/:id',
  { preHandler: [staff, fastifyAuth.requireAuth((auth) => auth.scopes.includes('orders:write'))] },
  async (request) => {
    expectTypeOf(staff.auth(request).principal).toEqualTypeOf<{ id: number; user: string }>();
    return { id: staff.auth(request).principal.id + Number(request.params.id) };
  },
);

// Alone, as an application-wide hook, with the metadata document.
const metadata = fastifyAuth.resourceMetadata({
  resource: 'https://rs.example/api',
  authorizationServers: ['https://as'],
});
app.addHook('onRequest', metadata);
app.addHook('preHandler', fastifyAuth.requireStepUp({ acrValues: ['urn:mfa'] }));
expectTypeOf(metadata.url).toEqualTypeOf<string>();

// problemSchema as a response schema, per status or per media type.
app.get(
  '/schema',
  {
    onRequest: bearer,
    schema: {
      response: {
        401: fastifyAuth.problemSchema,
        403: { content: { 'application/problem+json': { schema: fastifyAuth.problemSchema } } },
      },
    },
  },
  async () => 'ok',
);

// @ts-expect-error options are checked: realm is a string
app.register(fastifyAuth.authErrors, { realm: 42 });

// A Fastify guard's accessor does not accept an Express request.
express().get('/', (req, res) => {
  // @ts-expect-error an Express request is not a Fastify request
  bearer.auth(req);
  res.end();
});
