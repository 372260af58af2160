// Where a benchmark runs: servers on CPU 0, the load generator (this process)
// on CPU 1, when taskset exists. On two cores this keeps the two from taking
// turns on the same core, which would show up in every figure.
import { execFileSync } from 'node:child_process';

export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pins this process (the load generator) to CPU 1. */
export function pinLoadGenerator() {
  if (hasTaskset) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
}

/** The command and arguments that start `node ...args` on CPU 0. */
export function serverCommand(args) {
  return hasTaskset ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
}
