/**
 * The RFC 9457 problem details body. Every failure has its own absolute type
 * URI, a fixed title, a detail and the `code` extension (plus
 * `requiredScopes`, `acrValues`, `maxAge` where they apply, and the
 * application's own extension members last).
 */
import Negotiator from 'negotiator';
import { type AuthErrorCode, catalog } from '../errors/catalog.js';
import type { AuthError } from '../errors/errors.js';

export interface ProblemDetails {
  /** `${typeBase}${slug}`: an absolute URI, one per failure (RFC 9457 §3.1.1). */
  readonly type: string;
  /** Fixed per type (RFC 9457 §3.1.3). */
  readonly title: string;
  /** Always the HTTP status of the response (RFC 9457 §3.1.2). */
  readonly status: number;
  readonly detail: string;
  /** The request path, never the query, when the renderer's `instance` option is on. */
  readonly instance?: string;
  readonly code: AuthErrorCode;
  readonly requiredScopes?: readonly string[];
  readonly acrValues?: readonly string[];
  readonly maxAge?: number;
  /** The application's own extension members (the renderer's `extensions` option). */
  readonly [member: string]: unknown;
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

export function problemDetails(
  error: AuthError,
  typeBase: string,
  instance?: string,
  extensions?: Readonly<Record<string, unknown>>,
): ProblemDetails {
  const entry = catalog[error.code];
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
  // Validated by extensions.ts: never one of the members above.
  if (extensions !== undefined) Object.assign(body, extensions);
  return body as unknown as ProblemDetails;
}
