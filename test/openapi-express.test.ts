/**
 * docs/openapi.md's Express example, run as written (its `app.listen(3000);`
 * becomes `export default app;`) on 127.0.0.1: the document it serves at
 * /openapi.json validates with Redocly's linter, and each failure the app
 * really sends is a status its operation documents, with the documented
 * required headers and a body that conforms to the documented schema.
 */
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { repoRoot } from './support/examples.js';
import { AUDIENCE, ISSUER, startJwks } from './support/jwks.js';
import {
  expectDocumentedFailure,
  lintOpenApi,
  requiredHeaders,
  type ServedDocument,
  withSentBody,
} from './support/openapi-lint.js';

const page = readFileSync(join(repoRoot, 'docs', 'openapi.md'), 'utf8');
const block = /^## With Express\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(page)?.[1] ?? '';
const file = join(repoRoot, 'test', '.readme-openapi.ts');

let jwks: Awaited<ReturnType<typeof startJwks>>;
const servers: Server[] = [];

/** A fresh copy of the page's app (a module query makes a new instance), listening on 127.0.0.1. */
async function start(tag: string): Promise<string> {
  const app = (await import(`${file}?${tag}`)).default as Express;
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  jwks = await startJwks();
  Object.assign(process.env, { JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  expect(block).toContain('app.listen(3000);');
  writeFileSync(file, block.replace('app.listen(3000);', 'export default app;'));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await jwks?.close();
  rmSync(file, { force: true });
});

describe("docs/openapi.md's example on Express", () => {
  it('serves a document that validates (Redocly, recommended-strict)', async () => {
    const url = await start('lint');
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as object;
    expect(await lintOpenApi(document)).toEqual([]);
  });

  it('each failure it sends is documented: status, required headers, and a body of the documented schema', async () => {
    const url = await start('failures');
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as ServedDocument;
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
      await expectDocumentedFailure(document, '/orders', res, what);
    }
    const reader = `Bearer ${await jwks.sign({ scope: 'orders:read' })}`;
    expect((await fetch(`${url}/orders`, { headers: { authorization: reader } })).status).toBe(200);
  });

  it('an identity-provider outage is the documented 503, with Retry-After, logged once without the token', async () => {
    jwks.setMode('error');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const url = await start('outage');
      const document = (await (await fetch(`${url}/openapi.json`)).json()) as ServedDocument;
      const token = `Bearer ${await jwks.sign({ scope: 'orders:read' })}`;
      const res = await fetch(`${url}/orders`, { headers: { authorization: token } });
      expect(res.status).toBe(503);
      expect(requiredHeaders(document, '/orders', 503)).toEqual(['Retry-After']);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      await expectDocumentedFailure(document, '/orders', res, 'outage', { code: 'auth_unavailable' });
      const lines = logged.mock.calls.map((call) => call.join(' '));
      // The key source logs the outage once, as a state change; the refused request adds no line of its own.
      expect(lines).toEqual([
        expect.stringMatching(
          /^auth-errors: JWKS at 127\.0\.0\.1:\d+ is unavailable \(\w[\w ]*\); no keys yet, JWT requests get 503$/,
        ),
      ]);
      expect(lines.join('\n')).not.toContain(token.slice(7));
    } finally {
      logged.mockRestore();
      jwks.setMode('ok');
    }
  });

  it('the check can fail: a body that breaks the documented schema is reported', async () => {
    const url = await start('negative');
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as ServedDocument;
    const wrong = {
      type: 'https://auth-errors.dev/problems/forbidden',
      title: 'Forbidden',
      status: 401,
      detail: 'x',
      code: 'forbidden',
    };
    expect(await lintOpenApi(withSentBody(document, '/orders', 401, wrong))).toEqual([
      expect.stringMatching(/^no-invalid-media-type-examples /),
    ]);
  });
});
