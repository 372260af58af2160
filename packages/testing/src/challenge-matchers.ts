/**
 * `toHaveChallenge` and `toHaveChallenges`: the `WWW-Authenticate`
 * challenges, compared by scheme and parameter, line by line.
 */
import type { Challenge } from './challenges.js';
import { linesFound, type MatcherContext, type MatcherResult, read, showValue, verdict } from './matcher-context.js';

/** An asymmetric matcher of vitest or Jest, such as `expect.stringContaining(…)`. */
export interface AsymmetricMatcherLike {
  asymmetricMatch(other: unknown): boolean;
}

/**
 * A parameter's expected value: a string (exact), an array (the
 * space-separated values, in any order, e.g. a `scope`), `undefined` (the
 * parameter must be absent), or an asymmetric matcher.
 */
export type ParameterExpectation = string | readonly string[] | AsymmetricMatcherLike | undefined;

/** A challenge: its scheme (compared case-insensitively) and the parameters to check; others are ignored. */
export interface ChallengeExpectation {
  readonly scheme: string;
  readonly realm?: ParameterExpectation;
  readonly error?: ParameterExpectation;
  readonly error_description?: ParameterExpectation;
  readonly scope?: ParameterExpectation;
  readonly [parameter: string]: ParameterExpectation;
}

function show(expected: ChallengeExpectation): string {
  const parameters = Object.entries(expected)
    .filter(([name]) => name !== 'scheme')
    .map(([name, value]) => `${name}=${value === undefined ? '(absent)' : showValue(value)}`);
  return parameters.length === 0 ? expected.scheme : `${expected.scheme} ${parameters.join(', ')}`;
}

function normalizeExpectation(matcher: string, expected: unknown): ChallengeExpectation {
  if (typeof expected === 'string') return { scheme: expected };
  if (
    typeof expected === 'object' &&
    expected !== null &&
    typeof (expected as { scheme?: unknown }).scheme === 'string'
  ) {
    return expected as ChallengeExpectation;
  }
  throw new TypeError(
    `${matcher}: expected a scheme name or { scheme, ...parameters }, not ${JSON.stringify(expected)}`,
  );
}

/** Why `challenge` does not match `expected`: one entry per difference, none when it matches. */
function differences(context: MatcherContext, challenge: Challenge, expected: ChallengeExpectation): string[] {
  if (challenge.scheme.toLowerCase() !== expected.scheme.toLowerCase()) return [`scheme is ${challenge.scheme}`];
  const found: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    if (key === 'scheme') continue;
    const name = key.toLowerCase();
    const actual = Object.hasOwn(challenge.parameters, name) ? challenge.parameters[name] : undefined;
    if (want === undefined) {
      if (actual !== undefined) found.push(`${name} is ${JSON.stringify(actual)}, expected it absent`);
    } else if (actual === undefined) {
      found.push(`${name} is absent, expected ${showValue(want)}`);
    } else if (Array.isArray(want)) {
      const have = actual.split(' ').filter((v) => v !== '');
      const same = have.length === want.length && want.every((v) => have.includes(v));
      if (!same) found.push(`${name} is ${JSON.stringify(actual)}, expected the values ${JSON.stringify(want)}`);
    } else if (!context.equals(actual, want)) {
      found.push(`${name} is ${JSON.stringify(actual)}, expected ${showValue(want)}`);
    }
  }
  return found;
}

/** At least one challenge, on any line, matches `expected` (any challenge when `expected` is left out). */
export function toHaveChallenge(
  this: MatcherContext,
  received: unknown,
  expected?: string | ChallengeExpectation,
): MatcherResult {
  const want = expected === undefined ? undefined : normalizeExpectation('toHaveChallenge', expected);
  const result = read(this, received);
  if ('pass' in result) return result;
  const { response, challenges } = result;
  const all = challenges.parsed.flatMap((list, line) => list.map((challenge) => ({ challenge, line })));
  const found = linesFound(response, challenges.lines);
  if (want === undefined) {
    return {
      pass: all.length > 0,
      message: () =>
        all.length > 0
          ? `expected no WWW-Authenticate challenge, but the response has ${all.length}\n${found}`
          : `expected a WWW-Authenticate challenge (status ${response.status})\n${found}`,
    };
  }
  const match = all.find(({ challenge }) => differences(this, challenge, want).length === 0);
  if (match !== undefined) {
    return {
      pass: true,
      message: () => `expected no challenge matching ${show(want)}, but line ${match.line + 1} has one\n${found}`,
    };
  }
  const near = all
    .filter(({ challenge }) => challenge.scheme.toLowerCase() === want.scheme.toLowerCase())
    .map(({ challenge, line }) => `  line ${line + 1}: ${differences(this, challenge, want).join('; ')}`);
  return {
    pass: false,
    message: () =>
      [`expected a challenge matching ${show(want)}`, ...(near.length > 0 ? ['closest:', ...near] : []), found].join(
        '\n',
      ),
  };
}

/**
 * Exactly these challenges, in order, each on a field line of its own (RFC
 * 9110 §11.6.1 allows several per line; clients handle one per line best).
 * With a fetch Response, whose lines are joined, the list of challenges is compared.
 */
export function toHaveChallenges(
  this: MatcherContext,
  received: unknown,
  expected: readonly (string | ChallengeExpectation)[],
): MatcherResult {
  if (!Array.isArray(expected)) throw new TypeError('toHaveChallenges: expected an array of challenges');
  const wants = expected.map((want) => normalizeExpectation('toHaveChallenges', want));
  const result = read(this, received);
  if ('pass' in result) return result;
  const { response, challenges } = result;
  const problems: string[] = [];
  let found: Challenge[];
  if (response.linesKept) {
    for (const [i, list] of challenges.parsed.entries()) {
      if (list.length > 1) problems.push(`line ${i + 1} holds ${list.length} challenges: send one per line`);
    }
    found = challenges.parsed.map((list) => list[0] as Challenge);
  } else {
    found = challenges.parsed.flat();
  }
  const unit = response.linesKept ? 'line' : 'challenge';
  if (found.length !== wants.length) problems.push(`expected ${wants.length} ${unit}(s), found ${found.length}`);
  for (const [i, want] of wants.entries()) {
    const challenge = found[i];
    if (challenge === undefined) continue;
    const diff = differences(this, challenge, want);
    if (diff.length > 0) problems.push(`${unit} ${i + 1}: expected ${show(want)}: ${diff.join('; ')}`);
  }
  const listed = wants.map(show).join(' | ');
  return verdict(problems, {
    expected: `expected the challenges ${listed}`,
    negated: `expected other challenges than ${listed}`,
    shown: linesFound(response, challenges.lines),
  });
}
