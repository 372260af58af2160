/**
 * docs/openapi.md's Fastify + @fastify/swagger example, run as written (its
 * `await app.listen({ port: 3000 });` becomes `export default app;`) on
 * 127.0.0.1: the document @fastify/swagger builds from the routes and the
 * components validates with Redocly's linter, and each failure the app
 * really sends is a documented status, with the documented required headers
 * and a body that conforms to the documented schema, extension member
 * included, although the route declares a response schema for that status.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoRoot } from './support/examples.js';
import { AUDIENCE, ISSUER, startJwks } from './support/jwks.js';
import { expectDocumentedFailure, lintOpenApi, requiredHeaders, type ServedDocument } from './support/openapi-lint.js';

const page = readFileSync(join(repoRoot, 'docs', 'openapi.md'), 'utf8');
const block = /^## With Fastify and @fastify\/swagger\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(page)?.[1] ?? '';
const LISTEN = 'await app.listen({ port: 3000 });';
const file = join(repoRoot, 'test', '.readme-openapi-fastify.ts');

let jwks: Awaited<ReturnType<typeof startJwks>>;
const apps: FastifyInstance[] = [];

/** A fresh copy of the page's app (a module query makes a new instance), listening on 127.0.0.1. */
async function start(tag: string): Promise<string> {
  const app = (await import(`${file}?${tag}`)).default as FastifyInstance;
  apps.push(app);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function served(url: string): Promise<ServedDocument> {
  return (await (await fetch(`${url}/openapi.json`)).json()) as ServedDocument;
}

beforeAll(async () => {
  jwks = await startJwks();
  Object.assign(process.env, { JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  expect(block).toContain(LISTEN);
  writeFileSync(file, block.replace(LISTEN, 'export default app;'));
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await jwks?.close();
  rmSync(file, { force: true });
});

describe("docs/openapi.md's example on Fastify with @fastify/swagger", () => {
  it('builds a document that validates (Redocly, recommended-strict), its auth statuses on the components', async () => {
    const document = await served(await start('lint'));
    expect(await lintOpenApi(document)).toEqual([]);
    expect(document.paths['/orders']?.get?.responses).toMatchObject({
      '400': { $ref: '#/components/responses/AuthBadRequest' },
      '401': { $ref: '#/components/responses/AuthUnauthorized' },
      '403': { $ref: '#/components/responses/AuthForbidden' },
      '503': { $ref: '#/components/responses/AuthUnavailable' },
    });
  });

  it('each failure it sends is documented, and keeps its extension member despite the route’s response schema', async () => {
    const url = await start('failures');
    const document = await served(url);
    const writer = `Bearer ${await jwks.sign({ scope: 'orders:write' })}`;
    const cases = [
      ['no credentials', {}, 401],
      ['"Bearer" and no token', { authorization: 'Bearer' }, 400],
      ['a token that is not a JWT', { authorization: 'Bearer not-a-jwt' }, 401],
      ['a token without orders:read', { authorization: writer }, 403],
    ] as const;
    for (const [what, headers, status] of cases) {
      const res = await fetch(`${url}/orders`, { headers });
      expect(res.status, what).toBe(status);
      await expectDocumentedFailure(document, '/orders', res, what, { requestId: expect.stringMatching(/^req-/) });
    }
    const reader = `Bearer ${await jwks.sign({ scope: 'orders:read' })}`;
    const ok = await fetch(`${url}/orders`, { headers: { authorization: reader } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([]);
  });

  it('an identity-provider outage is the documented 503, with Retry-After', async () => {
    jwks.setMode('error');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const url = await start('outage');
      const document = await served(url);
      const res = await fetch(`${url}/orders`, {
        headers: { authorization: `Bearer ${await jwks.sign({ scope: 'orders:read' })}` },
      });
      expect(res.status).toBe(503);
      expect(requiredHeaders(document, '/orders', 503)).toEqual(['Retry-After']);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      await expectDocumentedFailure(document, '/orders', res, 'outage', {
        code: 'auth_unavailable',
        requestId: expect.any(String),
      });
      // The key source logs the outage once, as a state change; the refused request adds no line of its own.
      expect(logged.mock.calls.map((call) => call.join(' '))).toEqual([
        expect.stringMatching(
          /^auth-errors: JWKS at 127\.0\.0\.1:\d+ is unavailable \(\w[\w ]*\); no keys yet, JWT requests get 503$/,
        ),
      ]);
    } finally {
      logged.mockRestore();
      jwks.setMode('ok');
    }
  });
});
