/**
 * Stateless resource-server nonces (RFC 9449 §9): `<expiry>.<mac>`, where the
 * MAC is HMAC-SHA-256 over the expiry and the proof key's thumbprint. Any
 * instance holding one of the secrets can check a nonce, so no state is shared;
 * the first secret signs and every listed secret verifies, which is how a
 * secret is rotated. WebCrypto only: this module runs wherever the core does.
 */
import { base64url } from 'jose';
import { fail } from '../options/validate.js';

export interface DpopNonceOptions {
  /** HMAC secrets of at least 32 bytes: the first signs new nonces, all of them verify. */
  readonly secrets: readonly (string | Uint8Array)[];
  /** How long a nonce is accepted, in seconds (10 to 86400). Default 300. */
  readonly lifetime?: number | undefined;
}

/** What a nonce check finds: a current nonce, one past half its life (renewed on success), or one to refuse. */
export type NonceStatus = 'valid' | 'renew' | 'invalid';

export interface NonceIssuer {
  /** A fresh nonce for the key with this thumbprint. */
  issue(jkt: string): Promise<string>;
  /** `renew` when valid but past half its lifetime, so a success hands out the next one. */
  check(nonce: unknown, jkt: string): Promise<NonceStatus>;
}

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();
const MAX_NONCE_LENGTH = 128;

function importSecret(secret: string | Uint8Array): Promise<HmacKey> {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
    fail('option "dpop.nonce.secrets" must list secrets of at least 32 bytes');
  }
  return crypto.subtle.importKey('raw', new Uint8Array(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

export function createNonceIssuer(options: DpopNonceOptions, now: () => number = () => Date.now()): NonceIssuer {
  if (typeof options !== 'object' || options === null) fail('option "dpop.nonce" must be an object');
  if (!Array.isArray(options.secrets) || options.secrets.length === 0) {
    fail('option "dpop.nonce.secrets" must be a non-empty array');
  }
  const lifetime = options.lifetime ?? 300;
  if (!Number.isSafeInteger(lifetime) || lifetime < 10 || lifetime > 86400) {
    fail('option "dpop.nonce.lifetime" must be an integer number of seconds from 10 to 86400');
  }
  const keys = Promise.all(options.secrets.map(importSecret));
  keys.catch(() => {}); // a TypeError above is thrown synchronously; this only quiets an import failure until used

  const message = (expiry: string, jkt: string) => encoder.encode(`dpop-nonce:${expiry}:${jkt}`);

  return {
    async issue(jkt) {
      const expiry = Math.floor(now() / 1000 + lifetime).toString(36);
      const [signer] = await keys;
      const mac = await crypto.subtle.sign('HMAC', signer as HmacKey, message(expiry, jkt));
      return `${expiry}.${base64url.encode(new Uint8Array(mac))}`;
    },
    async check(nonce, jkt) {
      if (typeof nonce !== 'string' || nonce.length > MAX_NONCE_LENGTH) return 'invalid';
      const match = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/.exec(nonce);
      if (match === null) return 'invalid';
      const [, expiry = '', mac = ''] = match;
      const left = Number.parseInt(expiry, 36) - now() / 1000;
      if (!(left > 0 && left <= lifetime)) return 'invalid';
      const signature = base64url.decode(mac);
      for (const key of await keys) {
        // crypto.subtle.verify compares in constant time.
        if (await crypto.subtle.verify('HMAC', key, signature, message(expiry, jkt))) {
          return left < lifetime / 2 ? 'renew' : 'valid';
        }
      }
      return 'invalid';
    },
  };
}
