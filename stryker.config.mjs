// Mutation testing of @auth-errors/core: `npm run mutation` (not part of CI;
// about an hour on two cores from scratch, minutes when incremental). Mutates the core's sources and runs the
// core's own tests against them (vitest.stryker.config.ts aliases the
// package's entry points to packages/core/src). Reports land in
// reports/mutation/.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['packages/core/src/**/*.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Generous: on a busy machine a static mutant (the whole suite reloaded) took
  // longer than a short timeout and was counted as a timeout, i.e. as killed.
  // Real infinite loops are still stopped by Stryker's hit limit, and a hung
  // promise by vitest's testTimeout.
  timeoutMS: 60_000,
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench/results', '*.tsbuildinfo'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  // Static mutants (module-level constants: the catalog, the OpenAPI document)
  // each rerun the whole suite: 1,559 of them would take about 8 hours on two
  // cores. They are left out; the score covers every other mutant.
  ignoreStatic: true,
  // `npm run mutation` again only retests mutants in changed code or covered by changed tests.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
};
