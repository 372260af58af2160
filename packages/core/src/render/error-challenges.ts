/**
 * Which `WWW-Authenticate` lines a failure gets: the behaviour contract's
 * challenge column, in one place for the renderer and for `err.headers`.
 */
import { type AuthErrorCode, type ChallengePolicy, catalog, type ErrorParameter } from '../errors/catalog.js';
import type { AuthErrorContext } from '../errors/context.js';
import {
  type AuthScheme,
  authSchemes,
  type BearerErrorParameters,
  type ChallengeFormatter,
  createChallengeFormatter,
  DEFAULT_DPOP_ALGORITHMS,
  type DpopChallenge,
} from './challenge.js';

const DEFAULT_DPOP_CHALLENGE: DpopChallenge = { algs: DEFAULT_DPOP_ALGORITHMS, only: true };

/** The fields of an AuthError that decide its challenges: its code, its description and its context. */
export type ChallengeSource = { readonly code: AuthErrorCode; readonly description: string } & AuthErrorContext;

/**
 * The schemes that answer `error`, in the order they are offered (RFC 9110
 * §11.6.1): its policy's `answer`, read against the offered schemes and the
 * DPoP challenge of the guard that failed.
 */
function answeringSchemes(
  policy: ChallengePolicy,
  error: ChallengeSource,
  offered: readonly AuthScheme[],
  dpop: DpopChallenge | undefined,
  failed: 'Bearer' | 'DPoP',
): readonly AuthScheme[] {
  const concerned = (s: AuthScheme) => s === error.scheme || offered.includes(s);
  switch (policy.answer) {
    case 'none':
      return [];
    case 'used':
      return error.scheme === 'Basic' ? [] : [failed];
    default: {
      if (dpop !== undefined) {
        const basic: AuthScheme[] = offered.includes('Basic') && error.scheme !== 'Basic' ? ['Basic'] : [];
        return [...basic, ...(dpop.only ? [] : ['Bearer' as const]), 'DPoP'];
      }
      if (policy.answer === 'bearer') {
        return concerned('Bearer') || (error.scheme === undefined && offered.length === 0) ? ['Bearer'] : [];
      }
      const schemes = authSchemes.filter(concerned);
      return schemes.length > 0 ? schemes : ['Bearer'];
    }
  }
}

/**
 * The `scope` parameter: what the client should request. The scopes the app
 * lists (`challengeScope`), then, where the policy says so, the required ones
 * it lacks, so that a client that re-authorizes keeps what it holds.
 */
function scopeParam(policy: ChallengePolicy, error: ChallengeSource): string | undefined {
  const listed = error.challengeScope ?? [];
  const required = policy.requiredScope ? (error.requiredScopes ?? []) : [];
  const scopes = [...listed, ...required.filter((s) => !listed.includes(s))];
  return scopes.length > 0 ? scopes.join(' ') : undefined;
}

/** The error information the policy puts on the failing scheme's challenge. */
function errorParams(policy: ChallengePolicy, error: ChallengeSource): BearerErrorParameters {
  const has = (name: ErrorParameter) => policy.error?.includes(name) === true;
  return {
    error: error.code,
    error_description: has('error_description') ? error.description : undefined,
    scope: has('scope') ? scopeParam(policy, error) : undefined,
    acr_values: has('acr_values') ? error.acrValues?.join(' ') : undefined,
    max_age: has('max_age') ? error.maxAge?.toString() : undefined,
  };
}

/** The `WWW-Authenticate` lines of `error`: its catalog entry's challenge policy, interpreted. */
export function challengeLines(
  error: ChallengeSource,
  formatter: ChallengeFormatter,
  offered: readonly AuthScheme[],
): string[] {
  return interpretChallengePolicy(catalog[error.code].challenge, error, formatter, offered);
}

/**
 * The one interpreter of a challenge policy: each answering scheme gets one
 * line, the failing one (DPoP when the client used it or the failure concerns
 * the proof, else Bearer) with the error information, the others bare.
 */
export function interpretChallengePolicy(
  policy: ChallengePolicy,
  error: ChallengeSource,
  formatter: ChallengeFormatter,
  offered: readonly AuthScheme[],
): string[] {
  // A DPoP failure raised without a guard's configuration still gets a DPoP challenge, never a Bearer one.
  const dpop = error.dpop ?? (policy.dpop ? DEFAULT_DPOP_CHALLENGE : undefined);
  const failed = dpop !== undefined && (error.scheme === 'DPoP' || policy.dpop) ? 'DPoP' : 'Bearer';
  const info = policy.error === undefined ? undefined : errorParams(policy, error);
  const scope = policy.bareScope ? scopeParam(policy, error) : undefined;
  return answeringSchemes(policy, error, offered, dpop, failed).map((scheme) => {
    const params = scheme === failed ? info : undefined;
    if (scheme === 'DPoP') return formatter.dpop(dpop ?? DEFAULT_DPOP_CHALLENGE, params, scope);
    if (scheme === 'Bearer' && params !== undefined) return formatter.bearer(params);
    return formatter.bare(scheme, scope);
  });
}

const formatters = new Map<string, ChallengeFormatter>();
const MAX_CACHED_REALMS = 64;

/**
 * A formatter for `realm`, or `fallback` when that realm cannot be sent.
 * Realms come from configuration, so the cache stays small; it is bounded anyway.
 */
export function formatterForRealm(realm: string | undefined, fallback: ChallengeFormatter): ChallengeFormatter {
  if (realm === undefined || realm === fallback.realm) return fallback;
  let formatter = formatters.get(realm);
  if (formatter === undefined) {
    try {
      formatter = createChallengeFormatter({ realm });
    } catch {
      return fallback;
    }
    if (formatters.size >= MAX_CACHED_REALMS) formatters.clear();
    formatters.set(realm, formatter);
  }
  return formatter;
}

const defaultFormatter = createChallengeFormatter();

/** `err.headers` for host error handlers: the challenges with the default realm, and `Retry-After`. */
export function defaultChallengeHeaders(error: ChallengeSource): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const lines = challengeLines(error, formatterForRealm(error.realm, defaultFormatter), []);
  if (lines.length > 0) headers['WWW-Authenticate'] = lines;
  if (hasRetryAfter(error.code)) headers['Retry-After'] = String(error.retryAfter ?? DEFAULT_RETRY_AFTER);
  if (error.dpop?.nonce !== undefined) headers['DPoP-Nonce'] = error.dpop.nonce;
  return headers;
}

export const DEFAULT_RETRY_AFTER = 5;

/** The failures that tell the client when to retry with the same credentials (the catalog's `retryAfter`). */
export function hasRetryAfter(code: AuthErrorCode): boolean {
  return catalog[code].retryAfter === true;
}
