import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/node';
import { sourceAliases } from './vitest.sources.js';

interface Totals {
  pct: number;
  covered: number;
  total: number;
}

/**
 * Prints the core's coverage in one line when the run ends. It runs before
 * the closing `Tests: ...` line, so that line stays the last one of a
 * passing run; the per-file report is in coverage/index.html.
 */
const coverageLine: Reporter = {
  onCoverage(coverage) {
    const summary = (coverage as { getCoverageSummary(): Record<string, Totals> }).getCoverageSummary();
    const part = (key: string) => {
      const totals = summary[key];
      return totals ? `${key} ${totals.pct} % (${totals.covered}/${totals.total})` : `${key} n/a`;
    };
    console.log(
      `Coverage of packages/core/src: ${['lines', 'branches', 'functions', 'statements'].map(part).join(', ')}`,
    );
  },
};

export default defineConfig({
  test: {
    environment: 'node',
    // Two cores here: keep the worker count low so timing-sensitive network tests stay stable.
    maxWorkers: 2,
    testTimeout: 20_000,
    reporters: ['default', coverageLine, './test/support/summary-reporter.ts'],
    projects: [
      {
        // Each package's own tests run on its TypeScript sources: no build
        // needed for `npx vitest run packages/core`.
        extends: true,
        resolve: { alias: sourceAliases },
        test: { name: 'unit', include: ['packages/*/test/**/*.test.ts'] },
      },
      {
        // Packaging, public surface, parity, examples and the black-box suites
        // run on the built packages, as users get them.
        extends: true,
        test: { name: 'built', include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'] },
      },
    ],
    // On with `--coverage`, which `npm test` passes (a focused `vitest run <file>`
    // measures nothing and enforces nothing). The unit tests run on
    // packages/core/src; the built suites import packages/core/dist, whose
    // source maps (tsc emits them) map V8 coverage back to the same sources.
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**', 'packages/core/dist/**/*.js'],
      reporter: ['html', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 95, branches: 90 },
    },
  },
});
