/**
 * The key source's options, read and checked once when it is created through
 * their declarations (options/key-source-options.ts): the JWKS URL, the
 * durations, the fetch limits and the event handler, each refused with a
 * TypeError naming the option as the caller wrote it.
 */
import type { Values } from '../options/fields.js';
import {
  JWKS_OPTIONS,
  JWKS_URL,
  type KEY_SOURCE_OPTIONS,
  REMOTE_KEY_SOURCE_OPTIONS,
} from '../options/key-source-options.js';
import { readField, readOptions } from '../options/read.js';
import { readUrl } from '../options/url.js';
import { createKeySourceLogger } from './key-source-log.js';

/** `prefix` names the options as the caller wrote them (`jwks.` inside jwtAuth). */
export function settings(url: unknown, options: unknown, prefix: string) {
  const href = new URL(readUrl(url, prefix ? 'option "jwksUrl"' : 'the JWKS URL', JWKS_URL));
  const read = prefix
    ? readField(JWKS_OPTIONS, options, prefix.slice(0, -1))
    : readOptions(REMOTE_KEY_SOURCE_OPTIONS, options);
  const o = read as Values<typeof KEY_SOURCE_OPTIONS>;
  return {
    href,
    limits: { timeoutDuration: o.timeoutDuration, maxResponseBytes: o.maxResponseBytes, maxKeys: o.maxKeys },
    cooldown: o.cooldownDuration,
    cacheMaxAge: o.cacheMaxAge,
    maxStale: o.maxStale,
    staleWait: o.staleWaitDuration,
    onEvent: o.onEvent ?? createKeySourceLogger(href.host),
  };
}
