/**
 * The README's quick starts are code people paste: run each one. A block's
 * `app.listen(3000);` becomes `export default app;` so that supertest can
 * drive it; everything else runs as written, against a JWKS served here.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenges, repoRoot } from './support/examples.js';
import { AUDIENCE, ISSUER, startJwks } from './support/jwks.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/## (Express|Koa) quick start\n\n```ts\n([\s\S]*?)```/g)].map((m) => ({
  framework: m[1] as string,
  code: m[2] as string,
}));

describe('README quick starts', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  const written: string[] = [];
  beforeAll(async () => {
    jwks = await startJwks();
    Object.assign(process.env, { JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    for (const file of written) rmSync(file, { force: true });
    await jwks?.close();
  });

  it('fits on a screen: at most 250 lines, the details on the pages of docs/', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
  });

  it('has an Express and a Koa quick start, each under 20 lines', () => {
    expect(blocks.map((b) => b.framework)).toEqual(['Express', 'Koa']);
    for (const block of blocks) expect(block.code.trimEnd().split('\n').length).toBeLessThan(20);
  });

  for (const [index, framework] of ['Express', 'Koa'].entries()) {
    it(`the ${framework} quick start answers 401, 403 and 200 as the table says`, async () => {
      const block = blocks[index] as { code: string };
      expect(block.code).toContain('app.listen(3000);');
      // Inside the repo, so that its imports resolve to the workspace packages.
      const file = join(repoRoot, 'test', `.readme-${framework.toLowerCase()}.ts`);
      writeFileSync(file, block.code.replace('app.listen(3000);', 'export default app;'));
      written.push(file);
      const app = (await import(file)).default;
      const handler = framework === 'Koa' ? app.callback() : app;

      const anonymous = await request(handler).get('/orders');
      expect(anonymous.status).toBe(401);
      expect(challenges(anonymous)).toEqual(['Bearer realm="orders"']);
      expect(anonymous.headers['content-type']).toBe('application/problem+json');

      const reader = `Bearer ${await jwks.sign({ scope: 'orders:read' })}`;
      expect((await request(handler).get('/orders').set('Authorization', reader)).status).toBe(200);
      const writer = `Bearer ${await jwks.sign({ scope: 'orders:write' })}`;
      const denied = await request(handler).get('/orders').set('Authorization', writer);
      expect(denied.status).toBe(403);
      expect(challenges(denied)).toEqual(['Bearer realm="orders", error="insufficient_scope", scope="orders:read"']);

      if (framework === 'Express') {
        expect((await request(handler).delete('/orders/1').set('Authorization', reader)).status).toBe(403);
        const admin = `Bearer ${await jwks.sign({ roles: ['admin'] })}`;
        expect((await request(handler).delete('/orders/1').set('Authorization', admin)).status).toBe(204);
      }
    });
  }
});
