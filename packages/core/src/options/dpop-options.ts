/** A guard's `dpop` option (RFC 9449), and its `nonce` (§9). */
import type { ReplayStore } from '../dpop/replay.js';
import { ASYMMETRIC_ALGORITHMS } from '../keys/key-source-fetch.js';
import { DEFAULT_DPOP_ALGORITHMS } from '../render/challenge.js';
import { readProperty } from '../util/safe-read.js';
import { fail } from './fail.js';
import { custom, duration, list, nested, oneOf, url } from './fields.js';

const encoder = new TextEncoder();

/** An HMAC secret of at least 32 bytes, as bytes. */
function nonceSecret(value: unknown, path: string): Uint8Array {
  const bytes = typeof value === 'string' ? encoder.encode(value) : value;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32)
    fail(`option "${path}" must list secrets of at least 32 bytes`);
  return bytes;
}

export const NONCE_OPTIONS = {
  secrets: list(
    custom('a string or Uint8Array of at least 32 bytes', nonceSecret, { doc: 'An HMAC secret.' }),
    { items: 'secrets of at least 32 bytes (strings or Uint8Arrays)', nonEmpty: true },
    { doc: 'HMAC secrets shared by every instance: the first signs new nonces, all of them verify.', required: true },
  ),
  lifetime: duration('seconds', { min: 10, max: 86400 }, { doc: 'How long a nonce is accepted.', default: 300 }),
} as const;

export const DPOP_OPTIONS = {
  mode: oneOf(['allowed', 'required'], {
    doc: '`allowed`: Bearer and DPoP tokens; `required`: DPoP only (RFC 9449 §7).',
    required: true,
  }),
  algorithms: list(
    oneOf(ASYMMETRIC_ALGORITHMS, { doc: 'A JWS algorithm.' }),
    { items: ASYMMETRIC_ALGORITHMS.join(', '), nonEmpty: true },
    { doc: "Accepted proof algorithms, sent as the challenge's `algs`.", default: DEFAULT_DPOP_ALGORITHMS },
  ),
  window: duration(
    'seconds',
    { min: 1, max: 300 },
    { doc: "How far a proof's `iat` may lie from now (RFC 9449 §11.1).", default: 60 },
  ),
  nonce: nested(NONCE_OPTIONS, {
    doc: 'Server nonces (RFC 9449 §9), stateless and shared by every instance. Default: none.',
  }),
  replayStore: custom(
    'an object with a reserve(key, ttl, owner) method',
    (value) => {
      if (typeof readProperty(value, 'reserve') !== 'function') {
        fail('option "dpop.replayStore" must have a reserve(key, ttl, owner) method');
      }
      return value as ReplayStore;
    },
    {
      doc: 'Where used proofs are recorded; give every instance one shared store (@auth-errors/redis).',
      defaultDoc: 'an in-process store (one instance only)',
    },
  ),
  publicUrl: url(
    { path: false, query: false },
    {
      doc: "The origin clients use (`https://api.example.com`), for `htu`: a path here would silently change every `htu`. Default: the framework's.",
      acceptsUrl: true,
      says: 'option "dpop.publicUrl" is refused: "publicUrl" must be an http(s) origin such as "https://api.example.com" (http only to a loopback host), with no path, query, fragment or user info',
    },
  ),
  retryAfter: duration('seconds', { min: 0 }, { doc: '`Retry-After` when the replay store fails.' }),
} as const;
