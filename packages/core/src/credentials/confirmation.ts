/**
 * The confirmation (`cnf`) of a verified token: what the token is bound to
 * (RFC 7800 §3.1), read from the JWT claims or from what a `verify` callback
 * returns (an introspection response carries it the same way, RFC 9449 §6.2,
 * RFC 8705 §3.2). This server verifies one confirmation only, a DPoP key
 * (`{ "jkt": "<thumbprint>" }`); a token with any other `cnf`, or a `cnf` of
 * any other shape, was bound to something this server cannot check, so it is
 * no bearer token either (docs/conformance.md rule 71): a bound token stolen
 * from its holder must not pass here where it would fail elsewhere.
 */
import { readProperty } from '../util/safe-read.js';

export type Confirmation =
  | { readonly kind: 'none' }
  | { readonly kind: 'dpop'; readonly jkt: string }
  | { readonly kind: 'certificate' }
  | { readonly kind: 'unverifiable' };

const NONE: Confirmation = { kind: 'none' };
const CERTIFICATE: Confirmation = { kind: 'certificate' };
const UNVERIFIABLE: Confirmation = { kind: 'unverifiable' };

/** RFC 8705 §3.1: the SHA-256 thumbprint of a client certificate. */
const CERTIFICATE_MEMBER = 'x5t#S256';

export function confirmationOf(principal: unknown): Confirmation {
  const cnf = readProperty(principal, 'cnf');
  if (cnf === undefined) return NONE;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return UNVERIFIABLE;
  let members: string[];
  try {
    members = Object.keys(cnf);
  } catch {
    return UNVERIFIABLE; // a Proxy whose ownKeys trap throws
  }
  if (members.includes(CERTIFICATE_MEMBER)) return CERTIFICATE;
  const jkt = readProperty(cnf, 'jkt');
  return members.length === 1 && typeof jkt === 'string' ? { kind: 'dpop', jkt } : UNVERIFIABLE;
}

const DETAILS = {
  dpop: 'The access token is bound to a key and cannot be used as a bearer token',
  certificate: 'The access token is bound to a client certificate, which this server does not verify',
  unverifiable: 'The access token has a confirmation (cnf) claim this server cannot verify',
} as const;

/** Why a token with this confirmation cannot be a bearer token (RFC 9449 §7.2, RFC 8705 §3), or `undefined`. */
export function bearerRefusal(confirmation: Confirmation): string | undefined {
  return confirmation.kind === 'none' ? undefined : DETAILS[confirmation.kind];
}

/** Why a token with this confirmation, which is not a DPoP key, cannot be a DPoP token. */
export function dpopRefusal(confirmation: Exclude<Confirmation, { kind: 'dpop' }>): string {
  return confirmation.kind === 'none' ? 'The access token is not bound to a DPoP key' : DETAILS[confirmation.kind];
}
