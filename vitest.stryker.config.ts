/**
 * Vitest config used only by mutation testing (stryker.config.mjs).
 *
 * The core's tests import the published entry points (`@auth-errors/core`,
 * `@auth-errors/core/<subpath>`), which resolve to the built `dist/`. Stryker
 * mutates `packages/core/src`, so here every entry point is aliased to the
 * source file it is built from, read from the core's `exports` map
 * (`./dist/x.js` -> `./src/x.ts`): a new subpath is picked up without editing
 * this file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreDir = fileURLToPath(new URL('./packages/core/', import.meta.url));
const manifest = JSON.parse(readFileSync(`${coreDir}package.json`, 'utf8')) as {
  exports: Record<string, string | { default?: string; import?: string }>;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const alias = Object.entries(manifest.exports).flatMap(([subpath, target]) => {
  const file = typeof target === 'string' ? target : (target.import ?? target.default);
  const built = file?.match(/^\.\/dist\/(.+)\.js$/);
  if (!built) return []; // ./package.json and the like
  const specifier = `@auth-errors/core${subpath.slice(1)}`;
  return [{ find: new RegExp(`^${escapeRegExp(specifier)}$`), replacement: `${coreDir}src/${built[1]}.ts` }];
});

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/core/test/**/*.test.ts'],
    // It loads the built packages in a child process: mutants never reach it.
    exclude: ['packages/core/test/packaging.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
