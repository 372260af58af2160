/**
 * The context of an AuthError: every field it carries besides its code,
 * declared once. The class, its init, `withContext`, the challenge source and
 * a guard's context all derive from this declaration and from `CONTEXT_FIELDS`,
 * so a new field is added here and nowhere else, and no copy written field by
 * field can drop one (one such copy once lost `acrValues` and `maxAge`).
 */
import type { AuthScheme, DpopChallenge } from '../render/challenge.js';

export interface AuthErrorContext {
  /** Public, human-readable text for the problem `detail`. Never put a token, a password or internals here. */
  readonly detail: string;
  /** The internal reason, handed to `onError` and never sent. */
  readonly cause: unknown;
  /** The scheme the failure concerns (`Basic`, `Bearer` or `DPoP`). */
  readonly scheme: AuthScheme | undefined;
  /** A guard's own realm, when it differs from the renderer's. */
  readonly realm: string | undefined;
  /** The scopes the request requires (`insufficient_scope`), for the problem body. */
  readonly requiredScopes: readonly string[] | undefined;
  /**
   * Scopes the client should request, for the `scope` parameter of the Bearer
   * challenge (RFC 6750 §3) on a 401 `credentials_required` or `invalid_token`,
   * which otherwise carries none. On `insufficient_scope` the challenge names
   * these plus any required scope they lack (scopes the client holds and
   * should keep); the body's `requiredScopes` stays the required ones.
   */
  readonly challengeScope: readonly string[] | undefined;
  /** RFC 9470 `acr_values`, in order of preference. */
  readonly acrValues: readonly string[] | undefined;
  /** RFC 9470 `max_age`: the allowable age of the authentication, in seconds. */
  readonly maxAge: number | undefined;
  /** Seconds a client should wait before retrying (`auth_unavailable` and `too_many_requests` only). */
  readonly retryAfter: number | undefined;
  /** The DPoP challenge of the guard that failed, when it accepts DPoP, and the nonce to send (RFC 9449 §7.1, §9). */
  readonly dpop: DpopChallenge | undefined;
}

export type ContextField = keyof AuthErrorContext;

/** What the constructor takes: any of the context's fields, each of them optional. */
export type AuthErrorInit = { readonly [K in ContextField]?: AuthErrorContext[K] | undefined };

/** The fields at run time. `satisfies` makes the compiler refuse a field of `AuthErrorContext` missing here, or one too many. */
const FIELDS = {
  detail: true,
  cause: true,
  scheme: true,
  realm: true,
  requiredScopes: true,
  challengeScope: true,
  acrValues: true,
  maxAge: true,
  retryAfter: true,
  dpop: true,
} as const satisfies Record<ContextField, true>;

export const CONTEXT_FIELDS = Object.keys(FIELDS) as readonly ContextField[];

/** Every context field of `source`, read through the one list. */
export function contextOf(source: AuthErrorInit): AuthErrorInit {
  const context: Partial<Record<ContextField, unknown>> = {};
  for (const field of CONTEXT_FIELDS) context[field] = source[field];
  return context as AuthErrorInit;
}

/** The fields `source` lacks that `defaults` has, or `undefined` when it lacks none of them. */
export function missingFields(source: AuthErrorInit, defaults: AuthErrorInit): AuthErrorInit | undefined {
  let missing: Partial<Record<ContextField, unknown>> | undefined;
  for (const field of CONTEXT_FIELDS) {
    if (source[field] !== undefined || defaults[field] === undefined) continue;
    missing ??= {};
    missing[field] = defaults[field];
  }
  return missing as AuthErrorInit | undefined;
}
