/** Constant-time comparison of secrets. */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Compares two secrets in time that depends on neither their content nor
 * their lengths: both are hashed to 32-byte digests first, so
 * `timingSafeEqual` never sees unequal lengths. Strings compare as UTF-8;
 * normalize them (NFC) first if they come from different sources.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
