/**
 * The package README's vitest example is a test file people paste: it runs
 * here as written (its `it` blocks join this file's), against the Express app
 * it builds. The root README links to it for testing an API rather than
 * keeping a copy. test/readme-types.test.ts type-checks it under strict.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const examples = [['packages/testing/README.md', /## Vitest\n[\s\S]*?```ts\n([\s\S]*?)```/]] as const;
const root = new URL('../../../', import.meta.url);
const written: string[] = [];

for (const [readme, pattern] of examples) {
  const code = pattern.exec(readFileSync(new URL(readme, root), 'utf8'))?.[1];
  it(`${readme} has a vitest example that imports the matchers`, () => {
    expect(code).toContain("import '@auth-errors/testing/vitest';");
  });
  if (code === undefined) continue;
  // Inside the repository (and ignored by git), so that its imports resolve to the workspace packages.
  const file = fileURLToPath(new URL(`test/.readme-testing-${written.length}.ts`, root));
  writeFileSync(file, code);
  written.push(file);
  await import(file);
}
afterAll(() => {
  for (const file of written) rmSync(file, { force: true });
});
