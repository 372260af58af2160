/**
 * The RFC 9457 problem details body. `about:blank` types carry only the five
 * standard members; every other type has its own absolute URI, a fixed title,
 * a detail and the `code` extension (plus `requiredScopes`, `acrValues`,
 * `maxAge` where they apply).
 */
import Negotiator from 'negotiator';
import { catalog } from './catalog.js';
import type { AuthError } from './errors.js';

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code?: string;
  readonly requiredScopes?: readonly string[];
  readonly acrValues?: readonly string[];
  readonly maxAge?: number;
}

export const PROBLEM_JSON = 'application/problem+json';
const PLAIN_JSON = 'application/json';
const OFFERED = [PROBLEM_JSON, PLAIN_JSON];

/**
 * `application/problem+json`, or `application/json` for a client that accepts
 * only that. RFC 9457 §3 lets a server send problem+json even when `Accept`
 * does not list it, so anything else gets problem+json too.
 */
export function problemMediaType(accept: string | undefined): string {
  if (accept === undefined || accept === '' || accept === '*/*') return PROBLEM_JSON;
  const acceptable = new Negotiator({ headers: { accept } }).mediaTypes(OFFERED);
  // `application/json, application/problem+json` accepts both: only a client that refuses problem+json gets json.
  return acceptable.includes(PLAIN_JSON) && !acceptable.includes(PROBLEM_JSON) ? PLAIN_JSON : PROBLEM_JSON;
}

/** The path of a request target, without query or fragment: query tokens (RFC 6750 §2.3) must not be echoed. */
export function instancePath(url: string | undefined): string | undefined {
  if (typeof url !== 'string' || !url.startsWith('/')) return undefined;
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

export function problemDetails(error: AuthError, typeBase: string, instance?: string): ProblemDetails {
  const entry = catalog[error.code];
  if (entry.slug === undefined) {
    // about:blank defines no extensions (RFC 9457 §4.2.1); an application's own detail is kept.
    const body: Record<string, unknown> = { type: 'about:blank', title: entry.title, status: entry.status };
    if (error.code === 'forbidden' && error.detail !== entry.detail) body.detail = error.detail;
    if (instance !== undefined) body.instance = instance;
    return body as unknown as ProblemDetails;
  }
  const body: Record<string, unknown> = {
    type: `${typeBase}${entry.slug}`,
    title: entry.title,
    status: entry.status,
    detail: error.detail,
  };
  if (instance !== undefined) body.instance = instance;
  body.code = error.code;
  if (error.requiredScopes !== undefined) body.requiredScopes = error.requiredScopes;
  if (error.acrValues !== undefined) body.acrValues = error.acrValues;
  if (error.maxAge !== undefined) body.maxAge = error.maxAge;
  return body as unknown as ProblemDetails;
}
