/**
 * Vitest config used only by mutation testing (stryker.config.mjs). Stryker
 * mutates packages/core/src; every workspace entry point is aliased to its
 * source (vitest.sources.ts), so a mutant reaches the core's unit tests, the
 * adapters' tests and the root suites that run in this process.
 */
import type { RunnerTestCase } from 'vitest';
import { defineConfig } from 'vitest/config';
import type { Reporter, Vitest } from 'vitest/node';
import { sourceAliases as alias } from './vitest.sources.js';

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
      'test/packaging-*.test.ts',
      'test/testing-jest.test.ts',
      'test/public-surface.test.ts',
      'test/fetch-runtime-neutral.test.ts',
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
