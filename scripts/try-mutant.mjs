/**
 * Applies one mutant of the last mutation run to the core's source, runs the
 * test files Stryker says cover it (or the files given), prints what failed,
 * and restores the source: a surviving mutant checked by hand before anyone
 * writes a test for it, or calls it equivalent.
 *
 *   node scripts/try-mutant.mjs <mutant id> [test files…]
 *
 * The id is the one in reports/mutation/index.html (or mutation.json). The
 * tests run under vitest.stryker.config.ts, which points every package at its
 * sources, as in the mutation run. The source is restored even when the run
 * is interrupted (Ctrl-C, or a SIGTERM or SIGHUP).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const [id, ...given] = process.argv.slice(2);
if (id === undefined) {
  console.error('usage: node scripts/try-mutant.mjs <mutant id> [test files…]');
  process.exit(2);
}
const report = JSON.parse(readFileSync('reports/mutation/mutation.json', 'utf8'));
const found = Object.entries(report.files).flatMap(([file, { mutants }]) =>
  mutants.filter((mutant) => mutant.id === id).map((mutant) => ({ file, mutant })),
);
if (found.length !== 1) {
  console.error(`no mutant ${id} in reports/mutation/mutation.json`);
  process.exit(2);
}
const [{ file, mutant }] = found;

const testFiles = new Map(
  Object.entries(report.testFiles ?? {}).flatMap(([path, { tests }]) => tests.map((test) => [test.id, path])),
);
const files = given.length > 0 ? given : [...new Set((mutant.coveredBy ?? []).map((test) => testFiles.get(test)))];

const source = readFileSync(file, 'utf8');
const lines = source.split('\n');
// Report positions are 1-based lines and columns.
const offset = ({ line, column }) =>
  lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + column - 1;
const [start, end] = [offset(mutant.location.start), offset(mutant.location.end)];
console.log(`${file}:${mutant.location.start.line} ${mutant.mutatorName} (${mutant.status})`);
console.log(`  ${source.slice(start, end)}\n  => ${mutant.replacement}`);

const restore = () => writeFileSync(file, source);
// Without a handler, SIGTERM or SIGHUP would end the process at once and leave the mutant in the source.
// With one, the signal waits for the test run, and `finally` restores the file.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    restore();
    process.exit(128 + os.constants.signals[signal]);
  });
}
writeFileSync(file, source.slice(0, start) + mutant.replacement + source.slice(end));
try {
  const run = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.stryker.config.ts', ...files.filter(Boolean)], {
    encoding: 'utf8',
  });
  const summary = `${run.stdout}${run.stderr}`.split('\n').filter((line) => /FAIL|Tests |Test Files/.test(line));
  console.log(summary.join('\n'));
  console.log(run.status === 0 ? 'survives these tests' : 'killed by these tests');
} finally {
  restore();
}
