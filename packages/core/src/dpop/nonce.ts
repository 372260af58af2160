/**
 * Stateless resource-server nonces (RFC 9449 §9): `<expiry>.<mac>`, where the
 * MAC is HMAC-SHA-256 over the expiry and the proof key's thumbprint. Any
 * instance holding one of the secrets can check a nonce, so no state is shared;
 * the first secret signs and every listed secret verifies, which is how a
 * secret is rotated. WebCrypto only: this module runs wherever the core does.
 */
import { base64url } from 'jose';

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

function importSecret(secret: Uint8Array): Promise<HmacKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

/** `settings` as options/dpop-options.ts reads `dpop.nonce`: secrets as bytes (32 or more), lifetime in seconds. */
export function createNonceIssuer(
  settings: { readonly secrets: readonly Uint8Array[]; readonly lifetime: number },
  now: () => number = () => Date.now(),
): NonceIssuer {
  const { lifetime } = settings;
  const keys = Promise.all(settings.secrets.map(importSecret));
  keys.catch(() => {}); // only quiets an import failure until used

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
