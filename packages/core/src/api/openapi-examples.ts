/**
 * The examples of the document: failures the guards send, rendered by the
 * renderer with the document's options. The document shows what the
 * renderer produced, so it cannot drift from what a client receives.
 */
import { type AuthErrorCode, authErrorCodes } from '../errors/catalog.js';
import * as failures from '../errors/errors.js';
import { createRenderer } from '../render/render.js';
import { HEADERS, UNDESCRIBED } from './openapi-descriptions.js';
import type { OpenApiOptions } from './openapi-options.js';
import type { OpenApiObject } from './openapi-schemas.js';

interface Example {
  readonly key: string;
  readonly error: () => failures.AuthError;
}

/**
 * Failures to render for the examples: at least one per code, with the wording
 * the guards use. A new code (DPoP's `invalid_dpop_proof`, `use_dpop_nonce`)
 * does not compile until it has its failures here.
 */
const EXAMPLES: Record<AuthErrorCode, readonly Example[]> = {
  credentials_required: [{ key: 'credentials_required', error: () => failures.credentialsRequired() }],
  invalid_request: [
    {
      key: 'invalid_request',
      error: () => failures.invalidRequest({ detail: 'The request has more than one Authorization header field' }),
    },
  ],
  invalid_token: [{ key: 'invalid_token', error: () => failures.invalidToken({ detail: 'The access token expired' }) }],
  invalid_credentials: [{ key: 'invalid_credentials', error: () => failures.invalidCredentials() }],
  insufficient_scope: [{ key: 'insufficient_scope', error: () => failures.insufficientScope(['orders:write']) }],
  forbidden: [{ key: 'forbidden', error: () => failures.forbidden() }],
  insufficient_user_authentication: [
    {
      key: 'insufficient_user_authentication',
      error: () =>
        failures.insufficientUserAuthentication(
          { acrValues: ['urn:example:mfa'] },
          { detail: 'A different authentication level is required' },
        ),
    },
    {
      key: 'insufficient_user_authentication_max_age',
      error: () =>
        failures.insufficientUserAuthentication({ maxAge: 300 }, { detail: 'More recent authentication is required' }),
    },
  ],
  invalid_dpop_proof: [
    {
      key: 'invalid_dpop_proof',
      error: () =>
        failures.invalidDpopProof({
          detail: 'The DPoP proof is for another URI',
          dpop: { algs: ['ES256'], only: false },
        }),
    },
  ],
  use_dpop_nonce: [
    {
      key: 'use_dpop_nonce',
      error: () => failures.useDpopNonce({ dpop: { algs: ['ES256'], only: false, nonce: 'mbq3h2d8.eyJ2IjoxfQ' } }),
    },
  ],
  too_many_requests: [
    {
      key: 'too_many_requests',
      error: () =>
        failures.tooManyRequests({
          detail: 'This DPoP key sent more proofs than the server holds for one key. Retry after Retry-After seconds',
          retryAfter: 30,
        }),
    },
  ],
  auth_unavailable: [{ key: 'auth_unavailable', error: () => failures.authUnavailable() }],
};

/** Described only when asked for (`tooManyRequests: true`). */
const OPT_IN: readonly AuthErrorCode[] = ['too_many_requests'];
const EXAMPLE_PATH = '/orders';

/** One example as the renderer sent it: its body parsed, its headers as they are. */
export interface Rendered {
  readonly code: AuthErrorCode;
  readonly key: string;
  readonly body: OpenApiObject;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
}

/** The failures the document describes. */
export function describedCodes(options: OpenApiOptions): readonly AuthErrorCode[] {
  return authErrorCodes.filter((code) => options.tooManyRequests === true || !OPT_IN.includes(code));
}

/** Renders every example of `codes`; a header the document cannot describe stops the generation. */
export function renderExamples(options: OpenApiOptions, codes: readonly AuthErrorCode[]): Rendered[] {
  const { tooManyRequests: _, ...renderOptions } = options;
  // The renderer validates every option it shares with us, with the same TypeErrors.
  const render = createRenderer({ ...renderOptions, onError: () => {} });
  return codes.flatMap((code) =>
    EXAMPLES[code].map(({ key, error }) => {
      const response = render(error(), { method: 'GET', url: EXAMPLE_PATH });
      if (response === undefined) throw new Error(`auth-errors: the example ${key} did not render`);
      for (const name of Object.keys(response.headers)) {
        if (!UNDESCRIBED.has(name) && HEADERS[name] === undefined) {
          throw new Error(
            `auth-errors: the renderer sends a "${name}" header that api/openapi-descriptions.ts does not describe`,
          );
        }
      }
      return { code, key, body: JSON.parse(response.body) as OpenApiObject, headers: response.headers };
    }),
  );
}
