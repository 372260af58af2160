/**
 * Vitest config used only by mutation testing (stryker.config.mjs).
 *
 * The tests import the published entry points (`@auth-errors/core`,
 * `@auth-errors/express`, `@auth-errors/core/<subpath>`…), which resolve to
 * the built `dist/`. Stryker mutates `packages/core/src`, so here every entry
 * point of every workspace package is aliased to the source file it is built
 * from, read from that package's `exports` map (`./dist/x.js` ->
 * `./src/x.ts`). An adapter's own `import '@auth-errors/core'` then reaches
 * the mutated core too, so the adapter and DPoP suites count. A new package or
 * subpath is picked up without editing this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunnerTestCase } from 'vitest';
import { defineConfig } from 'vitest/config';
import type { Reporter, Vitest } from 'vitest/node';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const alias = readdirSync(packagesDir).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(`${packagesDir}${dir}/package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, string | { default?: string; import?: string }>;
  };
  return Object.entries(manifest.exports).flatMap(([subpath, target]) => {
    const file = typeof target === 'string' ? target : (target.import ?? target.default);
    const built = file?.match(/^\.\/dist\/(.+)\.js$/);
    if (!built) return []; // ./package.json and the like
    const specifier = `${manifest.name}${subpath.slice(1)}`;
    return [
      { find: new RegExp(`^${escapeRegExp(specifier)}$`), replacement: `${packagesDir}${dir}/src/${built[1]}.ts` },
    ];
  });
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
    // Every suite that runs the core in this process: the core's own tests,
    // the adapters' and the root suites (DPoP, parity, accessor, secrets…).
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [
      // They load the built packages, or copies of them, in a child process or
      // through the compiler: mutants never reach them.
      'packages/*/test/packaging.test.ts',
      'packages/testing/test/jest.test.ts',
      'test/public-surface.test.ts',
      'packages/fetch/test/runtime-neutral.test.ts',
      'test/copied-example.test.ts',
      'test/examples*.test.ts',
      'test/readme-types.test.ts',
      'test/root-start.test.ts',
      'test/self-contained.test.ts',
      'test/types.test.ts',
      // Each test waits out real network timeouts (2-8 s); key-source.test.ts
      // covers the same key source through the same faults in the core.
      'test/idp-faults.test.ts',
      'test/key-source-outage.test.ts',
      // Real time and a latency bound (the stale wait); key-source.test.ts covers the same bound in the core.
      'test/key-source-stale-wait.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', loadFailureAsFailedTest],
  },
});
