/**
 * `WWW-Authenticate` challenges (RFC 9110 §11, RFC 7617 §2, RFC 6750 §3,
 * RFC 9470 §3, RFC 9728 §5.1). One challenge per field line: headless
 * Chromium ignores a Basic challenge that follows a Bearer one on one line.
 */
import { RESOURCE_METADATA_URL, readUrl } from '../options/url.js';
import { assertHeaderText, quote } from './header-values.js';

export type AuthScheme = 'Basic' | 'Bearer' | 'DPoP';

/**
 * Schemes a renderer may offer on its own, in the order they are offered:
 * Basic first (RFC 9110 §11.6.1). `DPoP` is offered by the guards that accept
 * it, since its challenge names their algorithms.
 */
export const authSchemes: readonly AuthScheme[] = ['Basic', 'Bearer'];

/** What a DPoP challenge of a guard says (RFC 9449 §7.1), and the nonce to send with it (§9). */
export interface DpopChallenge {
  /** The accepted proof algorithms, sent as `algs`. */
  readonly algs: readonly string[];
  /** A DPoP-only guard: no Bearer challenge next to the DPoP one. */
  readonly only: boolean;
  /** A fresh server nonce, sent as the `DPoP-Nonce` header. */
  readonly nonce?: string | undefined;
}

/**
 * Proof algorithms accepted when a guard names none: the asymmetric ones clients use most (RFC 9449 §4.2).
 * Ed25519 twice: `EdDSA`, and its fully-specified name `Ed25519` (RFC 9864), which oauth4webapi and
 * oidc-provider 9 put in their proofs.
 */
export const DEFAULT_DPOP_ALGORITHMS: readonly string[] = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'];

const ALG = /^[A-Za-z0-9_.+-]{1,32}$/;
/** RFC 9449 §8.1: nonce = 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E. */
const NONCE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;

/** Throws a TypeError when a DPoP challenge cannot be sent safely. */
export function assertDpopChallenge(value: DpopChallenge): void {
  const valid =
    typeof value === 'object' &&
    value !== null &&
    Array.isArray(value.algs) &&
    value.algs.length > 0 &&
    value.algs.every((alg) => typeof alg === 'string' && ALG.test(alg)) &&
    typeof value.only === 'boolean' &&
    (value.nonce === undefined || (typeof value.nonce === 'string' && NONCE.test(value.nonce)));
  if (!valid) throw new TypeError('auth-errors: option "dpop" must hold algorithm names and an NQCHAR nonce');
}

/** Error information carried by a Bearer challenge, in canonical parameter order. */
export interface BearerErrorParameters {
  readonly error: string;
  readonly error_description?: string | undefined;
  readonly scope?: string | undefined;
  readonly acr_values?: string | undefined;
  readonly max_age?: string | undefined;
}

export interface ChallengeOptions {
  /** The protection space (RFC 9110 §11.5). Always sent, always quoted. Default `"api"`. */
  readonly realm?: string | undefined;
  /** RFC 9728 protected resource metadata URL, added to Bearer challenges. */
  readonly resourceMetadata?: string | URL | undefined;
}

export interface ChallengeFormatter {
  readonly realm: string;
  /** `Basic realm="…", charset="UTF-8"`, built once. */
  readonly basic: string;
  /** A Bearer challenge, with error information when a token was sent and failed. */
  bearer(error?: BearerErrorParameters): string;
  /**
   * The challenge for `scheme` with no error information; `scope` (Bearer only)
   * names the scopes to request, which RFC 6750 §3 allows on any Bearer challenge.
   */
  bare(scheme: AuthScheme, scope?: string): string;
  /** A DPoP challenge with its `algs`, and error information when a DPoP request failed. */
  dpop(challenge: DpopChallenge, error?: BearerErrorParameters, scope?: string): string;
}

export const DEFAULT_REALM = 'api';

function param(name: string, value: string): string {
  return `${name}=${quote(value)}`;
}

/** Validates an RFC 9728 metadata URL with the options' URL policy (options/url.ts). */
function resourceMetadataParam(value: string | URL | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  assertHeaderText(text, 'resourceMetadata');
  readUrl(text, 'option "resourceMetadata"', RESOURCE_METADATA_URL);
  return `, ${param('resource_metadata', text)}`;
}

/**
 * Builds the static parts of every challenge once, refusing at creation any
 * configured value that cannot be sent safely.
 */
export function createChallengeFormatter(options: ChallengeOptions = {}): ChallengeFormatter {
  const realm = options.realm ?? DEFAULT_REALM;
  assertHeaderText(realm, 'realm');
  const realmParam = param('realm', realm);
  const metadata = resourceMetadataParam(options.resourceMetadata);
  const basic = `Basic ${realmParam}, charset="UTF-8"`;
  const bareBearer = `Bearer ${realmParam}${metadata}`;

  function bearer(error?: BearerErrorParameters): string {
    if (error === undefined) return bareBearer;
    let line = `Bearer ${realmParam}, ${param('error', error.error)}`;
    if (error.error_description !== undefined) line += `, ${param('error_description', error.error_description)}`;
    if (error.scope !== undefined) line += `, ${param('scope', error.scope)}`;
    if (error.acr_values !== undefined) line += `, ${param('acr_values', error.acr_values)}`;
    if (error.max_age !== undefined) line += `, ${param('max_age', error.max_age)}`;
    return line + metadata;
  }

  function dpop(challenge: DpopChallenge, error?: BearerErrorParameters, scope?: string): string {
    let line = `DPoP ${realmParam}`;
    if (error !== undefined) {
      line += `, ${param('error', error.error)}`;
      if (error.error_description !== undefined) line += `, ${param('error_description', error.error_description)}`;
      if (error.scope !== undefined) line += `, ${param('scope', error.scope)}`;
      if (error.acr_values !== undefined) line += `, ${param('acr_values', error.acr_values)}`;
      if (error.max_age !== undefined) line += `, ${param('max_age', error.max_age)}`;
    } else if (scope !== undefined) {
      line += `, ${param('scope', scope)}`;
    }
    return `${line}, ${param('algs', challenge.algs.join(' '))}${metadata}`;
  }

  return {
    realm,
    basic,
    bearer,
    dpop,
    bare: (scheme, scope) =>
      scheme === 'Basic'
        ? basic
        : scope === undefined
          ? bareBearer
          : `Bearer ${realmParam}, ${param('scope', scope)}${metadata}`,
  };
}
