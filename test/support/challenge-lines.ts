/**
 * The standard WWW-Authenticate lines of the contract table: a scheme, its
 * realm (default "api"), then the parameters in the one order the library
 * sends them (docs/conformance.md rules 18 and 21: every value quoted), so
 * a test expecting the challenge of a failure names the failure, not the text.
 * Values are written as given, unescaped: a test about escaping or about
 * the exact text of one line (grammar, parameter order, an RFC's example)
 * keeps its literal instead.
 */

export interface ChallengeParameters {
  readonly realm?: string;
  readonly error?: string;
  readonly error_description?: string;
  readonly scope?: string;
  readonly acr_values?: string;
  readonly max_age?: string | number;
  /** DPoP only (RFC 9449 §5.1). */
  readonly algs?: string;
  /** Last on every Bearer and DPoP line (RFC 9728 §5.1). */
  readonly resource_metadata?: string;
}

const ORDER = ['error', 'error_description', 'scope', 'acr_values', 'max_age', 'algs', 'resource_metadata'] as const;

function line(scheme: string, { realm = 'api', ...parameters }: ChallengeParameters): string {
  const sent = ORDER.filter((name) => parameters[name] !== undefined).map((name) => `${name}="${parameters[name]}"`);
  return [`${scheme} realm="${realm}"`, ...sent].join(', ');
}

export const challenge = {
  /** RFC 7617 §2.1: the realm and charset="UTF-8", nothing else. */
  basic: (realm = 'api') => `Basic realm="${realm}", charset="UTF-8"`,
  bearer: (parameters: ChallengeParameters = {}) => line('Bearer', parameters),
  dpop: (parameters: ChallengeParameters & { readonly algs: string }) => line('DPoP', parameters),
};
