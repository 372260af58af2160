/**
 * @auth-errors/testing: matchers that assert what a client of your API sees
 * when authentication or authorization fails: the `WWW-Authenticate`
 * challenges, parsed one field line at a time; the RFC 9457 problem body; and
 * the 401-versus-403 rule. Register them with `import '@auth-errors/testing/vitest'`
 * or `import '@auth-errors/testing/jest'`, or pass `authMatchers` to `expect.extend`.
 */
export { type Challenge, parseChallenges } from './challenges.js';
export {
  type AuthMatchers,
  authMatchers,
  type ChallengeExpectation,
  type ParameterExpectation,
  type ProblemExpectation,
} from './matchers.js';
