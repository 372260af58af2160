/** What modules outside options/ import to check one value the way declarations do (read.ts). */
import { duration } from './fields.js';
import { readField } from './read.js';

export { fail } from './fail.js';

export { DEFAULT_TYPE_BASE } from './renderer-values.js';

const SECONDS = duration('seconds', { min: 0 }, { doc: 'seconds' });

/** A non-negative integer number of seconds, or `undefined` when not given. */
export function validateSeconds(value: unknown, option: string): number | undefined {
  return readField(SECONDS, value, option) as number | undefined;
}
