/**
 * Which `WWW-Authenticate` lines a failure gets: the behaviour contract's
 * challenge column, in one place for the renderer and for `err.headers`.
 */
import type { AuthErrorCode } from '../errors/catalog.js';
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

/** The offered schemes plus the one the failure concerns, Basic first; Bearer when nothing else is known. */
function schemesFor(error: ChallengeSource, offered: readonly AuthScheme[]): AuthScheme[] {
  const schemes = authSchemes.filter((s) => s === error.scheme || offered.includes(s));
  return schemes.length > 0 ? schemes : ['Bearer'];
}

/**
 * The `scope` parameter: what the client should request. A 403 names the
 * required scopes (after any `challengeScope` the app lists, so a client that
 * re-authorizes keeps what it holds); a 401 only the `challengeScope` it was given.
 */
function scopeParam(error: ChallengeSource): string | undefined {
  const listed = error.challengeScope ?? [];
  const required = error.code === 'insufficient_scope' ? (error.requiredScopes ?? []) : [];
  const scopes = [...listed, ...required.filter((s) => !listed.includes(s))];
  return scopes.length > 0 ? scopes.join(' ') : undefined;
}

function bearerError(error: ChallengeSource): BearerErrorParameters {
  switch (error.code) {
    case 'insufficient_scope':
      // RFC 6750 §3.1 example: the needed scope says it all.
      return { error: error.code, scope: scopeParam(error) };
    case 'insufficient_user_authentication':
      return {
        error: error.code,
        error_description: error.description,
        scope: scopeParam(error),
        acr_values: error.acrValues?.join(' '),
        max_age: error.maxAge?.toString(),
      };
    case 'invalid_token':
      return { error: error.code, error_description: error.description, scope: scopeParam(error) };
    default:
      return { error: error.code, error_description: error.description };
  }
}

/**
 * The challenges of a guard that accepts DPoP (RFC 9449 §7.1): the scheme the
 * client used carries the error, each other accepted scheme a bare challenge,
 * Bearer before DPoP; a DPoP-only guard never offers Bearer. Scope and step-up
 * failures answer in the scheme the client used, alone.
 */
function dpopChallengeLines(
  error: ChallengeSource,
  dpop: DpopChallenge,
  formatter: ChallengeFormatter,
  offered: readonly AuthScheme[],
): string[] {
  const basic = offered.includes('Basic') && error.scheme !== 'Basic' ? [formatter.basic] : [];
  switch (error.code) {
    case 'forbidden':
    case 'too_many_requests':
    case 'auth_unavailable':
      return [];
    case 'insufficient_scope':
    case 'insufficient_user_authentication':
      if (error.scheme === 'Basic') return [];
      return [
        error.scheme === 'DPoP' ? formatter.dpop(dpop, bearerError(error)) : formatter.bearer(bearerError(error)),
      ];
    case 'credentials_required':
    case 'invalid_credentials': {
      const scope = error.code === 'credentials_required' ? scopeParam(error) : undefined;
      const bearer = dpop.only ? [] : [formatter.bare('Bearer', scope)];
      return [...basic, ...bearer, formatter.dpop(dpop, undefined, scope)];
    }
    default: {
      const usedDpop =
        error.scheme === 'DPoP' || error.code === 'invalid_dpop_proof' || error.code === 'use_dpop_nonce';
      const failed = bearerError(error);
      const bearer = dpop.only ? [] : [usedDpop ? formatter.bare('Bearer') : formatter.bearer(failed)];
      return [...basic, ...bearer, usedDpop ? formatter.dpop(dpop, failed) : formatter.dpop(dpop)];
    }
  }
}

export function challengeLines(
  error: ChallengeSource,
  formatter: ChallengeFormatter,
  offered: readonly AuthScheme[],
): string[] {
  if (error.dpop !== undefined) return dpopChallengeLines(error, error.dpop, formatter, offered);
  if (error.code === 'invalid_dpop_proof' || error.code === 'use_dpop_nonce') {
    // Raised without a guard's configuration: still a DPoP challenge, never a Bearer one (RFC 9449 §7.1).
    return dpopChallengeLines(error, DEFAULT_DPOP_CHALLENGE, formatter, offered);
  }
  switch (error.code) {
    case 'forbidden':
    case 'too_many_requests':
    case 'auth_unavailable':
      return [];
    case 'insufficient_scope':
    case 'insufficient_user_authentication':
      // A caller who signed in with Basic gets no Bearer advice (docs/conformance.md rule 15: no challenge on its 403).
      return error.scheme === 'Basic' ? [] : [formatter.bearer(bearerError(error))];
    case 'invalid_request':
      // Bearer when the failure concerns it, Bearer is configured, or nothing at all is known (as schemesFor).
      return error.scheme === 'Bearer' ||
        offered.includes('Bearer') ||
        (error.scheme === undefined && offered.length === 0)
        ? [formatter.bearer(bearerError(error))]
        : [];
    case 'invalid_token':
      return schemesFor(error, offered).map((s) =>
        s === 'Bearer' ? formatter.bearer(bearerError(error)) : formatter.bare(s),
      );
    case 'credentials_required':
      // RFC 6750 §3.1: no error information, but `scope` is a challenge attribute, not an error.
      return schemesFor(error, offered).map((s) => formatter.bare(s, scopeParam(error)));
    case 'invalid_credentials':
      return schemesFor(error, offered).map((s) => formatter.bare(s));
  }
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

/** The failures that tell the client when to retry with the same credentials (RFC 9110 §10.2.3, RFC 6585 §4). */
export function hasRetryAfter(code: AuthErrorCode): boolean {
  return code === 'auth_unavailable' || code === 'too_many_requests';
}
