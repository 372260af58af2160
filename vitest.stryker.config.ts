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
import type { RunnerTestCase } from 'vitest';
import { defineConfig } from 'vitest/config';
import type { Reporter, Vitest } from 'vitest/node';

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

/**
 * A test file that fails to load counts as one failed test.
 *
 * A mutant that makes a module throw while it loads (say `if (true) throw` in
 * an options check that a test file runs at its top level) fails every test
 * file importing it before any test is collected. Stryker's vitest runner
 * (9.6, and 10.0) builds a mutant's result from collected tests only, so it
 * would report that mutant as survived (stryker-js issue 6150). Giving such a
 * file one failed test makes it killed, as it is.
 */
let vitest: Vitest | undefined;
const loadFailureAsFailedTest: Reporter = {
  onInit(ctx) {
    vitest = ctx;
  },
  onTestRunEnd() {
    // The tasks Stryker's runner reads after the run (vitest.state).
    for (const file of vitest?.state.getFiles() ?? []) {
      if (file.result?.state !== 'fail' || file.tasks.length > 0) continue;
      const failed: Omit<RunnerTestCase, 'context'> = {
        type: 'test',
        id: `${file.id}_load`,
        name: 'the test file loads',
        fullName: `${file.name} > the test file loads`,
        fullTestName: 'the test file loads',
        mode: 'run',
        file,
        suite: file,
        meta: {},
        annotations: [],
        artifacts: [],
        timeout: 0,
        result: { state: 'fail', errors: file.result.errors ?? [] },
      };
      file.tasks.push(failed as RunnerTestCase); // no context: nothing runs it
    }
  },
};

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/core/test/**/*.test.ts'],
    // It loads the built packages in a child process: mutants never reach it.
    exclude: ['packages/core/test/packaging.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', loadFailureAsFailedTest],
  },
});
