/**
 * The package README's vitest example is a test file people paste: it runs
 * here as written (its `it` blocks join this file's), against the Express
 * app it builds. test/readme-types.test.ts type-checks it under strict.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = /## Vitest\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
// Inside the repository (and ignored by git), so that its imports resolve to the workspace packages.
const file = fileURLToPath(new URL('../../../test/.readme-testing-vitest.ts', import.meta.url));

it('the README has a vitest example that imports the matchers', () => {
  expect(example).toContain("import '@auth-errors/testing/vitest';");
});

if (example !== undefined) {
  writeFileSync(file, example);
  await import(file);
}
afterAll(() => rmSync(file, { force: true }));
