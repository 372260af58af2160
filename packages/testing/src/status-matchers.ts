/**
 * `toBeUnauthorized` and `toBeForbidden`: the 401-versus-403 rule, from the
 * status and the challenges. The status each `error` code belongs to comes
 * from the catalog of @auth-errors/core, the one the renderer uses.
 */
import { catalog, isAuthErrorCode } from '@auth-errors/core/adapter';
import type { Challenge } from './challenges.js';
import { linesFound, type MatcherContext, type MatcherResult, read, verdict } from './matcher-context.js';

/** The status an error code belongs to, where the catalog knows the code. */
function statusOfError(challenge: Challenge): number | undefined {
  const error = challenge.parameters.error;
  return isAuthErrorCode(error) ? catalog[error].status : undefined;
}

/** What a status matcher checks: the status, the one sent in its place by mistake, and the challenges. */
interface StatusRule {
  readonly status: number;
  /** The status most often sent instead, with why it is wrong. */
  readonly mistaken: { readonly status: number; readonly problem: string };
  /** What is wrong with the challenges (every field line's, in order) for this status. */
  readonly challengeProblems: (challenges: readonly Challenge[]) => string[];
  readonly expected: string;
  readonly negated: string;
}

function matchStatus(context: MatcherContext, received: unknown, rule: StatusRule): MatcherResult {
  const result = read(context, received);
  if ('pass' in result) return result;
  const { response, challenges } = result;
  const problems: string[] = [];
  if (response.status !== rule.status) {
    problems.push(response.status === rule.mistaken.status ? rule.mistaken.problem : `status is ${response.status}`);
  }
  problems.push(...rule.challengeProblems(challenges.parsed.flat()));
  return verdict(problems, {
    expected: rule.expected,
    negated: rule.negated,
    shown: linesFound(response, challenges.lines),
  });
}

/**
 * 401 (RFC 9110 §15.5.2): at least one challenge, and no challenge whose
 * `error` belongs to another status (`insufficient_scope` is a 403).
 */
const UNAUTHORIZED: StatusRule = {
  status: 401,
  mistaken: {
    status: 403,
    problem:
      'status is 403: a 403 says the credentials are good but not enough; missing or refused credentials are a 401 (RFC 9110 §15.5.2, §15.5.4)',
  },
  challengeProblems: (all) => {
    const problems: string[] = [];
    if (all.length === 0) problems.push('a 401 must carry at least one WWW-Authenticate challenge (RFC 9110 §11.6.1)');
    for (const challenge of all) {
      const status = statusOfError(challenge);
      if (status !== undefined && status !== 401) {
        problems.push(`${challenge.scheme} error="${challenge.parameters.error}" belongs on a ${status}, not a 401`);
      }
    }
    return problems;
  },
  expected: 'expected a 401 with a challenge',
  negated: 'expected the response not to be a 401 with a challenge',
};

/**
 * 403 (RFC 9110 §15.5.4): authenticated, not allowed. No challenge that asks
 * for credentials (a browser would show a login prompt); the one challenge a
 * 403 may carry names an error of its own status, Bearer `insufficient_scope`
 * (RFC 6750 §3.1).
 */
const FORBIDDEN: StatusRule = {
  status: 403,
  mistaken: {
    status: 401,
    problem:
      'status is 401: a 401 asks for (other) credentials; an authenticated caller who is not allowed gets a 403 (RFC 9110 §15.5.4)',
  },
  challengeProblems: (all) =>
    all.flatMap((challenge) => {
      const status = statusOfError(challenge);
      if (challenge.parameters.error === undefined) {
        return [`${challenge.scheme} challenge without an error asks the client to authenticate: not on a 403`];
      }
      if (status !== undefined && status !== 403) {
        return [`${challenge.scheme} error="${challenge.parameters.error}" belongs on a ${status}, not a 403`];
      }
      return [];
    }),
  expected: 'expected a 403 without a challenge for credentials',
  negated: 'expected the response not to be a 403',
};

export function toBeUnauthorized(this: MatcherContext, received: unknown): MatcherResult {
  return matchStatus(this, received, UNAUTHORIZED);
}

export function toBeForbidden(this: MatcherContext, received: unknown): MatcherResult {
  return matchStatus(this, received, FORBIDDEN);
}
