/**
 * What a guard knows of its failures' context (scheme, realm, challenge
 * scope, DPoP challenge), and how an AuthError gets it.
 */
import { AuthError, withDefaults } from '../errors/errors.js';
import type { AuthScheme, DpopChallenge } from '../render/challenge.js';

/** What a guard's steps threw (the parsers throw on malformed input), as its failure in context; anything else is rethrown. */
export function failure(error: unknown, context: GuardContext): AuthError {
  if (AuthError.is(error)) return inContext(error, context);
  throw error;
}

export interface GuardContext {
  readonly scheme: AuthScheme;
  readonly realm: string | undefined;
  readonly challengeScope?: readonly string[] | undefined;
  readonly dpop?: DpopChallenge | undefined;
}

/**
 * An AuthError re-created with what the guard knows and it lacks (scheme,
 * realm, challenge scope), so the challenge names the right scheme and
 * protection space (a duplicate `Authorization` on a Basic route must not
 * advertise Bearer).
 */
export function inContext(error: AuthError, context: GuardContext): AuthError {
  return withDefaults(error, context);
}
