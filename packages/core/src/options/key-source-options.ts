/**
 * A remote key source's options: `createRemoteKeySource(url, options)` and
 * jwtAuth's `jwks`. Network timings are in milliseconds, as jose's
 * createRemoteJWKSet names them (`timeoutDuration`, `cooldownDuration`,
 * `cacheMaxAge`), so that values copied from jose mean the same here.
 */
import type { KeySourceEvent } from '../keys/key-source.js';
import { count, declare, duration, fn, nested } from './fields.js';
import type { UrlPolicy } from './url.js';

/** The longest delay a timer takes (setTimeout's limit): the bound of the options that set one. */
export const MAX_TIMER = 2 ** 31 - 1;

/** A JWKS URL: any path and query; https except to a loopback host (docs/conformance.md rule 66). */
export const JWKS_URL: UrlPolicy = { path: true, query: true };

/** A jose-named network timing: integer milliseconds, with its default. */
const ms = (
  range: { readonly min: number; readonly max?: number; readonly forever?: boolean },
  value: number,
  doc: string,
) => duration('milliseconds', range, { doc, default: value });

export const KEY_SOURCE_OPTIONS = {
  timeoutDuration: ms({ min: 1, max: MAX_TIMER }, 5000, 'How long one fetch may take, body included.'),
  cooldownDuration: ms(
    { min: 0 },
    30_000,
    'Least time between two fetches for unknown `kid`s, and the cap of the failure backoff.',
  ),
  cacheMaxAge: ms(
    { min: 0 },
    600_000,
    'Longest freshness of a fetched set; a shorter `Cache-Control: max-age` is honoured.',
  ),
  maxStale: ms(
    { min: 0, forever: true },
    86_400_000,
    'How long past its freshness the last good set is used while refetches fail (24 h).',
  ),
  staleWaitDuration: ms(
    { min: 0, max: MAX_TIMER },
    300,
    'How long a request waits for the refetch of an expired set before it is served from that set; 0: never wait.',
  ),
  maxResponseBytes: count({ unit: 'bytes' }, { doc: 'Largest JWKS response body (512 KiB).', default: 512 * 1024 }),
  maxKeys: count({}, { doc: 'Most keys a JWKS may hold.', default: 100 }),
  onEvent: fn<(event: KeySourceEvent) => void>('(event) => void', {
    doc: 'Receives every event, instead of the default log (one stderr line per state change).',
  }),
} as const;

export const REMOTE_KEY_SOURCE_OPTIONS = declare('option "options" of createRemoteKeySource', KEY_SOURCE_OPTIONS, {
  title: 'createRemoteKeySource(url, options)',
});

/** jwtAuth's `jwks`: the same options, named `jwks.…` in messages. */
export const JWKS_OPTIONS = nested(KEY_SOURCE_OPTIONS, {
  doc: "With `jwksUrl`: the key source's options (milliseconds, as jose's).",
});
