/**
 * A guard's DPoP configuration (`dpop: { mode, algorithms, window, nonce,
 * replayStore, publicUrl }`), validated once, and the request check it runs
 * after the access token itself was verified: the proof (proof.ts), then the
 * server nonce (nonce.ts), and last the replay store (replay.ts), so that a
 * proof failing any other check reserves nothing.
 */

import { confirmationOf, dpopRefusal } from '../credentials/confirmation.js';
import { authUnavailable, invalidDpopProof, invalidToken, tooManyRequests, useDpopNonce } from '../errors/errors.js';
import type { DPOP_OPTIONS } from '../options/dpop-options.js';
import type { Values } from '../options/fields.js';
import type { DpopChallenge } from '../render/challenge.js';
import type { AuthRequest } from '../request/request.js';
import { readProperty } from '../util/safe-read.js';
import { externalUri, hasDotSegments } from './htu.js';
import { createNonceIssuer, type DpopNonceOptions, type NonceIssuer } from './nonce.js';
import { verifyProof } from './proof.js';
import { createMemoryReplayStore, type ReplayStore, replayKey } from './replay.js';
import { createShareLog } from './share-log.js';

export interface DpopOptions {
  /** `allowed`: Bearer and DPoP tokens; `required`: DPoP only (RFC 9449 §7). */
  readonly mode: 'allowed' | 'required';
  /** Accepted proof algorithms (asymmetric only), sent as the challenge's `algs`. Default ES256, EdDSA, Ed25519, PS256, RS256. */
  readonly algorithms?: readonly string[] | undefined;
  /** How far a proof's `iat` may lie from now, in seconds (1 to 300). Default 60. */
  readonly window?: number | undefined;
  /** Server nonces (RFC 9449 §9): HMAC secrets shared by every instance, and their lifetime. Default: none. */
  readonly nonce?: DpopNonceOptions | undefined;
  /**
   * Where used proofs are recorded. Default: an in-process store, which only
   * protects one instance: give every instance one shared store (@auth-errors/redis).
   */
  readonly replayStore?: ReplayStore | undefined;
  /**
   * The origin clients use (`https://api.example.com`; http only to a loopback
   * host), for `htu`: an origin, unlike resourceMetadata's `publicUrl`, which
   * may carry a path prefix. Default: what the framework reports, which
   * honours its trusted-proxy setting only.
   */
  readonly publicUrl?: string | URL | undefined;
  /** `Retry-After` seconds when the replay store fails (a key over its share gets the store's own). */
  readonly retryAfter?: number | undefined;
}

/** What a verified DPoP request adds to the AuthInfo. */
export interface DpopResult {
  readonly jkt: string;
  /** A fresh nonce for the success response, when the one used is past half its life. */
  readonly nonce: string | undefined;
}

export interface DpopPolicy {
  readonly required: boolean;
  readonly challenge: DpopChallenge;
  /** Checks the request's proof for `token`, whose verified principal is `principal`. */
  check(request: AuthRequest, token: string, principal: unknown): Promise<DpopResult>;
}

const OVER_SHARE = 'This DPoP key sent more proofs than the server holds for one key. Retry after Retry-After seconds';

/** The seconds of a store's `{ retryAfter }` answer, or `undefined` when the answer is no such thing. */
function shareRetryAfter(reservation: unknown): number | undefined {
  const seconds = readProperty(reservation, 'retryAfter');
  return Number.isSafeInteger(seconds) && (seconds as number) >= 0 ? (seconds as number) : undefined;
}

/** The `dpop` option as options/dpop-options.ts reads it. */
export type DpopSettings = Values<typeof DPOP_OPTIONS>;

export function createDpopPolicy(
  settings: DpopSettings | undefined,
  now: () => number = () => Date.now(),
): DpopPolicy | undefined {
  if (settings === undefined) return undefined;
  const { mode, window, nonce, publicUrl, retryAfter } = settings;
  const algs = [...new Set(settings.algorithms)];
  const publicOrigin = publicUrl === undefined ? undefined : new URL(publicUrl).origin;
  const issuer: NonceIssuer | undefined = nonce === undefined ? undefined : createNonceIssuer(nonce, now);
  const store = {
    store: settings.replayStore ?? createMemoryReplayStore({}, now),
    shareLog: createShareLog(now),
    retryAfter,
  };
  const challenge: DpopChallenge = { algs, only: mode === 'required' };
  const policy = { algorithms: algs, window };

  return {
    required: mode === 'required',
    challenge,
    async check(request, token, principal) {
      // RFC 9449 §6: cnf.jkt of the JWT claims or of an introspection-style principal, and nothing else (rule 71).
      const confirmation = confirmationOf(principal);
      if (confirmation.kind !== 'dpop') {
        throw invalidToken({ scheme: 'DPoP', detail: dpopRefusal(confirmation) });
      }
      const { jkt } = confirmation;
      const uri = externalUri(publicOrigin ?? request.origin, request.url);
      const proof = await verifyProof(
        {
          lines: request.dpop,
          method: request.method,
          uri,
          dotSegments: hasDotSegments(request.url),
          accessToken: token,
        },
        policy,
        jkt,
        now(),
      );
      let fresh: string | undefined;
      if (issuer !== undefined) {
        const nonceStatus = await issuer.check(proof.nonce, jkt);
        if (nonceStatus === 'invalid') {
          throw useDpopNonce({ dpop: { ...challenge, nonce: await issuer.issue(jkt) } });
        }
        if (nonceStatus === 'renew') fresh = await issuer.issue(jkt);
      }
      const ttl = Math.max(1000, Math.ceil((proof.iat + window) * 1000 - now()));
      await reserve(store, proof, jkt, ttl);
      return { jkt, nonce: fresh };
    },
  };
}

interface Reservations {
  readonly store: ReplayStore;
  readonly shareLog: ReturnType<typeof createShareLog>;
  readonly retryAfter: number | undefined;
}

/** Records the proof in the replay store, last, so that a proof failing any other check reserves nothing. */
async function reserve(
  { store, shareLog, retryAfter }: Reservations,
  proof: { readonly htm: string; readonly htu: string; readonly jti: string; readonly jkt: string },
  jkt: string,
  ttl: number,
): Promise<void> {
  const key = await replayKey(jkt, proof.htm, proof.htu, proof.jti);
  let reservation: unknown;
  try {
    reservation = await store.reserve(key, ttl, proof.jkt);
  } catch (error) {
    throw authUnavailable({ scheme: 'DPoP', cause: error, retryAfter });
  }
  if (reservation === true) return;
  if (reservation === false) throw invalidDpopProof({ detail: 'The DPoP proof was already used' });
  const wait = shareRetryAfter(reservation);
  if (wait === undefined) {
    const cause = new TypeError('auth-errors: replayStore.reserve must resolve to a boolean or { retryAfter }');
    throw authUnavailable({ scheme: 'DPoP', cause, retryAfter });
  }
  // RFC 6585 §4: this key sent more than its share; its credentials are fine (docs/conformance.md rules 69, 70).
  shareLog.refused(jkt, ttl);
  throw tooManyRequests({ scheme: 'DPoP', detail: OVER_SHARE, retryAfter: wait });
}
