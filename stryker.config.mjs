// Mutation testing of @auth-errors/core: `npm run mutation` (not part of CI;
// about 20 minutes on two cores). Mutates the core's sources and runs the
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
  timeoutMS: 10_000,
  ignorePatterns: ['dist', 'coverage', 'reports', 'bench/results', '*.tsbuildinfo'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
};
