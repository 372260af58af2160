/**
 * The matchers, for `expect.extend` in vitest or Jest, and their signatures.
 * Each reads the response (response.ts), parses every `WWW-Authenticate` line
 * with a strict challenge parser (challenges.ts), and on failure says what it
 * expected and shows the challenge lines it found (matcher-context.ts).
 */
import { type ChallengeExpectation, toHaveChallenge, toHaveChallenges } from './challenge-matchers.js';
import { type ProblemExpectation, toBeProblem } from './problem-matcher.js';
import { toBeForbidden, toBeUnauthorized } from './status-matchers.js';

export type { ChallengeExpectation, ParameterExpectation } from './challenge-matchers.js';
export type { ProblemExpectation } from './problem-matcher.js';

/** The matchers, to pass to `expect.extend` (the `/vitest` and `/jest` entry points do it for you). */
export const authMatchers = {
  toHaveChallenge,
  toHaveChallenges,
  toBeProblem,
  toBeUnauthorized,
  toBeForbidden,
};

/**
 * The matchers' signatures, for typings: `R` is what a matcher returns in
 * your test framework. `toBeProblem` returns a promise for a fetch Response:
 * await it.
 */
export interface AuthMatchers<R = unknown> {
  /** A `WWW-Authenticate` challenge matches (any challenge when `expected` is left out; with `.not`, none does). */
  toHaveChallenge(expected?: string | ChallengeExpectation): R;
  /** Exactly these challenges, in order, one per field line. */
  toHaveChallenges(expected: readonly (string | ChallengeExpectation)[]): R;
  /** An RFC 9457 `application/problem+json` body with these members; await it for a fetch Response. */
  toBeProblem(expected?: ProblemExpectation): R | Promise<R>;
  /** 401 with at least one challenge, and no challenge error that belongs to another status. */
  toBeUnauthorized(): R;
  /** 403 with no challenge asking for credentials (only an error of a 403, such as Bearer `insufficient_scope`). */
  toBeForbidden(): R;
}
