/** The renderer options that are more than a kind: the schemes offered, and the problem type prefix. */
import { type AuthScheme, authSchemes } from '../render/challenge.js';
import { fail } from './fail.js';

export const DEFAULT_TYPE_BASE = 'https://auth-errors.dev/problems/';

/** Scheme names in any case, as the library spells them. */
export function readSchemes(value: unknown): AuthScheme[] {
  if (!Array.isArray(value)) fail('option "schemes" must be an array such as ["Basic", "Bearer"]');
  return value.map((s) => {
    const scheme = typeof s === 'string' ? authSchemes.find((a) => a.toLowerCase() === s.toLowerCase()) : undefined;
    return scheme ?? fail(`option "schemes": ${JSON.stringify(s)} is not one of ${authSchemes.join(', ')}`);
  });
}

/** An absolute URI prefix: `${typeBase}${slug}` must be absolute (RFC 9457 §3.1.1) for every slug. */
export function readTypeBase(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail('option "typeBase" must be a non-empty string');
  if (!URL.canParse(`${value}invalid-token`) || !/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(value)) {
    fail('option "typeBase" must be an absolute URI prefix such as "https://example.com/problems/"');
  }
  return value;
}
