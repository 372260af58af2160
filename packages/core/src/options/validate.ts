/** What modules outside options/ import to check one value the way declarations do (read.ts). */
import type { AuthScheme } from '../render/challenge.js';
import { fail } from './fail.js';
import { duration } from './fields.js';
import { readField } from './read.js';
import { DEFAULT_TYPE_BASE, readSchemes, readTypeBase } from './renderer-values.js';

export { fail } from './fail.js';
export { DEFAULT_TYPE_BASE } from './renderer-values.js';

const SECONDS = duration('seconds', { min: 0 }, { doc: 'seconds' });

/** A non-negative integer number of seconds, or `undefined` when not given. */
export function validateSeconds(value: unknown, option: string): number | undefined {
  return readField(SECONDS, value, option) as number | undefined;
}

export function validateSchemes(value: unknown): AuthScheme[] {
  return value === undefined ? [] : readSchemes(value);
}

export function validateTypeBase(value: unknown): string {
  return value === undefined ? DEFAULT_TYPE_BASE : readTypeBase(value);
}

export function validateFunction<T>(value: unknown, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') fail(`option "${option}" must be a function`);
  return value as T;
}
