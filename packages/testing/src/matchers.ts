/**
 * The matchers, for `expect.extend` in vitest or Jest. Each one reads the
 * response (response.ts), parses every `WWW-Authenticate` line with a strict
 * challenge parser (challenges.ts), and on failure says what it expected and
 * shows the challenge lines it found. A value that is not a response fails
 * every matcher, `.not` included, with a message that says what it got.
 */
import { catalog, isAuthErrorCode } from '@auth-errors/core/adapter';
import { type Challenge, parseChallenges } from './challenges.js';
import { type ReadResponse, readResponse } from './response.js';

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

/** Members the problem body must have, compared with `equals` (asymmetric matchers work); `undefined` means absent. */
export type ProblemExpectation = Readonly<Record<string, unknown>>;

/** What vitest and Jest give a matcher as `this`: only these two members are used. */
export interface MatcherContext {
  readonly isNot?: boolean | undefined;
  equals(a: unknown, b: unknown): boolean;
}

export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

const PROBLEM_JSON = 'application/problem+json';

/** Fails whether or not the assertion is negated: `.not` must not turn a broken input into a pass. */
function broken(context: MatcherContext, message: string): MatcherResult {
  return { pass: context.isNot === true, message: () => message };
}

/** A value as the messages show it: JSON, or an asymmetric matcher's own description. */
function showValue(value: unknown): string {
  const describe = (value as { toAsymmetricMatcher?: unknown } | null)?.toAsymmetricMatcher;
  return typeof describe === 'function' ? String(describe.call(value)) : JSON.stringify(value);
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

interface Challenges {
  readonly lines: string[];
  /** The challenges of each line, in order. */
  readonly parsed: Challenge[][];
}

function linesFound(response: ReadResponse, lines: readonly string[]): string {
  if (lines.length === 0) return 'WWW-Authenticate lines found: none';
  const heading = response.linesKept
    ? 'WWW-Authenticate lines found:'
    : 'WWW-Authenticate found (a fetch Response joins repeated lines into one):';
  return [heading, ...lines.map((line, i) => `  ${i + 1}. ${line}`)].join('\n');
}

/** Every line parsed, or the message naming the first line that does not parse. */
function challengesOf(response: ReadResponse): Challenges | string {
  const lines = response.lines('www-authenticate');
  const parsed: Challenge[][] = [];
  for (const [i, line] of lines.entries()) {
    try {
      parsed.push(parseChallenges(line));
    } catch (error) {
      return `WWW-Authenticate line ${i + 1} is not a valid challenge list: ${(error as Error).message}\n${linesFound(response, lines)}`;
    }
  }
  return { lines, parsed };
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

function read(
  context: MatcherContext,
  received: unknown,
): { response: ReadResponse; challenges: Challenges } | MatcherResult {
  const response = readResponse(received);
  if (typeof response === 'string') return broken(context, response);
  const challenges = challengesOf(response);
  if (typeof challenges === 'string') return broken(context, challenges);
  return { response, challenges };
}

/** At least one challenge, on any line, matches `expected` (any challenge when `expected` is left out). */
function toHaveChallenge(
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
function toHaveChallenges(
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
  const lines = linesFound(response, challenges.lines);
  return {
    pass: problems.length === 0,
    message: () =>
      problems.length === 0
        ? `expected other challenges than ${wants.map(show).join(' | ')}\n${lines}`
        : [`expected the challenges ${wants.map(show).join(' | ')}`, ...problems.map((p) => `  ${p}`), lines].join(
            '\n',
          ),
  };
}

function mediaTypeOf(response: ReadResponse): string | undefined {
  const lines = response.lines('content-type');
  return lines.length === 1 ? (lines[0] as string).split(';')[0]?.trim().toLowerCase() : undefined;
}

/** What makes `body` an RFC 9457 problem of this response (§3.1), as a list of defects. */
function problemDefects(response: ReadResponse, body: unknown): string[] {
  const defects: string[] = [];
  const contentType = response.lines('content-type');
  if (mediaTypeOf(response) !== PROBLEM_JSON) {
    defects.push(
      `Content-Type is ${contentType.length === 0 ? 'missing' : JSON.stringify(contentType.join(', '))}, expected ${PROBLEM_JSON}`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    defects.push('the body is not a JSON object');
    return defects;
  }
  const members = body as Record<string, unknown>;
  for (const name of ['type', 'title', 'detail', 'instance']) {
    if (name in members && typeof members[name] !== 'string') defects.push(`"${name}" is not a string`);
  }
  if ('status' in members && members.status !== response.status) {
    defects.push(`"status" is ${JSON.stringify(members.status)}, but the response status is ${response.status}`);
  }
  return defects;
}

function parseBody(response: ReadResponse, text: string | undefined): { body: unknown } | string {
  if (text === undefined) {
    return typeof response.parsed === 'object' && response.parsed !== null && Object.keys(response.parsed).length > 0
      ? { body: response.parsed }
      : 'the response has no body';
  }
  try {
    return { body: JSON.parse(text) };
  } catch {
    return `the body is not JSON: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`;
  }
}

function judgeProblem(
  context: MatcherContext,
  response: ReadResponse,
  text: string | undefined,
  expected: ProblemExpectation | undefined,
): MatcherResult {
  const parsed = parseBody(response, text);
  const lines = linesFound(response, response.lines('www-authenticate'));
  if (typeof parsed === 'string') {
    return {
      pass: false,
      message: () => `expected an RFC 9457 problem (status ${response.status}): ${parsed}\n${lines}`,
    };
  }
  const { body } = parsed;
  const defects = problemDefects(response, body);
  if (defects.length === 0 && expected !== undefined) {
    const members = body as Record<string, unknown>;
    for (const [name, want] of Object.entries(expected)) {
      const present = Object.hasOwn(members, name);
      if (want === undefined) {
        if (present) defects.push(`"${name}" is ${JSON.stringify(members[name])}, expected it absent`);
      } else if (!present) {
        defects.push(`"${name}" is absent, expected ${showValue(want)}`);
      } else if (!context.equals(members[name], want)) {
        defects.push(`"${name}" is ${JSON.stringify(members[name])}, expected ${showValue(want)}`);
      }
    }
  }
  const shown = `status ${response.status}, body ${JSON.stringify(body)}`;
  const matching =
    expected === undefined
      ? ''
      : ` matching { ${Object.entries(expected)
          .map(([name, want]) => `${name}: ${want === undefined ? '(absent)' : showValue(want)}`)
          .join(', ')} }`;
  return {
    pass: defects.length === 0,
    message: () =>
      defects.length === 0
        ? `expected the response not to be a problem${matching}, but it is: ${shown}`
        : [
            `expected an RFC 9457 problem${matching}`,
            ...defects.map((d) => `  ${d}`),
            `  received ${shown}`,
            lines,
          ].join('\n'),
  };
}

/**
 * An `application/problem+json` body (RFC 9457) whose standard members have
 * their types and whose `status` is the response's, with the `expected`
 * members. Returns a promise for a fetch Response, whose body is read from a clone.
 */
function toBeProblem(
  this: MatcherContext,
  received: unknown,
  expected?: ProblemExpectation,
): MatcherResult | Promise<MatcherResult> {
  if (expected !== undefined && (typeof expected !== 'object' || expected === null || Array.isArray(expected))) {
    throw new TypeError('toBeProblem: expected an object of members, e.g. { code: "invalid_token" }');
  }
  const response = readResponse(received);
  if (typeof response === 'string') return broken(this, response);
  const text = response.text();
  if (text instanceof Promise) {
    return text.then(
      (body) => judgeProblem(this, response, body, expected),
      (error: Error) => broken(this, error.message),
    );
  }
  return judgeProblem(this, response, text, expected);
}

/** The status an error code belongs to, where the catalog knows the code. */
function statusOfError(challenge: Challenge): number | undefined {
  const error = challenge.parameters.error;
  return isAuthErrorCode(error) ? catalog[error].status : undefined;
}

/**
 * 401 (RFC 9110 §15.5.2): at least one challenge, and no challenge whose
 * `error` belongs to another status (`insufficient_scope` is a 403).
 */
function toBeUnauthorized(this: MatcherContext, received: unknown): MatcherResult {
  const result = read(this, received);
  if ('pass' in result) return result;
  const { response, challenges } = result;
  const problems: string[] = [];
  if (response.status !== 401) {
    problems.push(
      response.status === 403
        ? 'status is 403: a 403 says the credentials are good but not enough; missing or refused credentials are a 401 (RFC 9110 §15.5.2, §15.5.4)'
        : `status is ${response.status}`,
    );
  }
  const all = challenges.parsed.flat();
  if (all.length === 0) problems.push('a 401 must carry at least one WWW-Authenticate challenge (RFC 9110 §11.6.1)');
  for (const challenge of all) {
    const status = statusOfError(challenge);
    if (status !== undefined && status !== 401) {
      problems.push(`${challenge.scheme} error="${challenge.parameters.error}" belongs on a ${status}, not a 401`);
    }
  }
  const lines = linesFound(response, challenges.lines);
  return {
    pass: problems.length === 0,
    message: () =>
      problems.length === 0
        ? `expected the response not to be a 401 with a challenge\n${lines}`
        : ['expected a 401 with a challenge', ...problems.map((p) => `  ${p}`), lines].join('\n'),
  };
}

/**
 * 403 (RFC 9110 §15.5.4): authenticated, not allowed. No challenge that asks
 * for credentials (a browser would show a login prompt); the one challenge a
 * 403 may carry names an error of its own status, Bearer `insufficient_scope`
 * (RFC 6750 §3.1).
 */
function toBeForbidden(this: MatcherContext, received: unknown): MatcherResult {
  const result = read(this, received);
  if ('pass' in result) return result;
  const { response, challenges } = result;
  const problems: string[] = [];
  if (response.status !== 403) {
    problems.push(
      response.status === 401
        ? 'status is 401: a 401 asks for (other) credentials; an authenticated caller who is not allowed gets a 403 (RFC 9110 §15.5.4)'
        : `status is ${response.status}`,
    );
  }
  for (const challenge of challenges.parsed.flat()) {
    const status = statusOfError(challenge);
    if (challenge.parameters.error === undefined) {
      problems.push(`${challenge.scheme} challenge without an error asks the client to authenticate: not on a 403`);
    } else if (status !== undefined && status !== 403) {
      problems.push(`${challenge.scheme} error="${challenge.parameters.error}" belongs on a ${status}, not a 403`);
    }
  }
  const lines = linesFound(response, challenges.lines);
  return {
    pass: problems.length === 0,
    message: () =>
      problems.length === 0
        ? `expected the response not to be a 403\n${lines}`
        : ['expected a 403 without a challenge for credentials', ...problems.map((p) => `  ${p}`), lines].join('\n'),
  };
}

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
