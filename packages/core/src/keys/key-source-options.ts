/**
 * The key source's options, read and checked once when it is created: the
 * JWKS URL, the durations, the fetch limits and the event handler, each
 * refused with a TypeError naming the option as the caller wrote it.
 */
import { fail, validateFunction } from '../options/validate.js';
import { jwksUrlOf } from './jwks-url.js';
import type { KeySourceEvent } from './key-source.js';
import { createKeySourceLogger } from './key-source-log.js';

const OPTIONS = [
  'timeoutDuration',
  'cooldownDuration',
  'cacheMaxAge',
  'maxStale',
  'staleWaitDuration',
  'maxResponseBytes',
  'maxKeys',
];
/** The longest delay a timer takes (setTimeout's limit): the bound of the options that set one. */
const MAX_TIMER = 2 ** 31 - 1;
/** `prefix` names the options as the caller wrote them (`jwks.` inside jwtAuth). */
export function settings(url: unknown, options: unknown, prefix: string) {
  const href = jwksUrlOf(url, prefix ? 'option "jwksUrl"' : 'the JWKS URL');
  if (typeof options !== 'object' || options === null)
    fail(`option "${prefix.slice(0, -1) || 'options'}" must be an object`);
  for (const key of Object.keys(options)) {
    if (key !== 'onEvent' && !OPTIONS.includes(key)) fail(`option "${prefix}${key}" is not known`);
  }
  const o = options as Record<string, unknown>;
  const read = (key: string, fallback: number, integer: boolean, max = Number.MAX_SAFE_INTEGER): number => {
    const value = o[key] === undefined ? fallback : o[key];
    const ok = typeof value === 'number' && value >= (integer ? 1 : 0) && value <= max;
    if (!ok || (integer && !Number.isInteger(value))) {
      const what = integer
        ? 'a positive integer'
        : `a ${max === Infinity ? '' : 'finite '}number of milliseconds, 0 or more`;
      fail(
        `option "${prefix}${key}" must be ${what}${integer && max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}`,
      );
    }
    return value as number;
  };
  /** A delay for setTimeout: an integer number of ms, 0 allowed. */
  const readWait = (key: string, fallback: number): number => {
    const value = o[key] === undefined ? fallback : o[key];
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_TIMER) {
      fail(`option "${prefix}${key}" must be an integer number of milliseconds from 0 to ${MAX_TIMER}`);
    }
    return value as number;
  };
  return {
    href,
    limits: {
      timeoutDuration: read('timeoutDuration', 5000, true, MAX_TIMER),
      maxResponseBytes: read('maxResponseBytes', 512 * 1024, true),
      maxKeys: read('maxKeys', 100, true),
    },
    cooldown: read('cooldownDuration', 30_000, false),
    cacheMaxAge: read('cacheMaxAge', 600_000, false),
    maxStale: read('maxStale', 86_400_000, false, Infinity),
    staleWait: readWait('staleWaitDuration', 300),
    onEvent:
      validateFunction<(event: KeySourceEvent) => void>(o.onEvent, `${prefix}onEvent`) ??
      createKeySourceLogger(href.host),
  };
}
