/**
 * What every matcher shares: the context vitest and Jest give it, reading the
 * response and its challenge lines, and the shape of its result and message.
 * A value that is not a response fails every matcher, `.not` included, with a
 * message that says what it got; every message shows the challenge lines found.
 */
import { type Challenge, parseChallenges } from './challenges.js';
import { type ReadResponse, readResponse } from './response.js';

/** What vitest and Jest give a matcher as `this`: only these two members are used. */
export interface MatcherContext {
  readonly isNot?: boolean | undefined;
  equals(a: unknown, b: unknown): boolean;
}

export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Fails whether or not the assertion is negated: `.not` must not turn a broken input into a pass. */
export function broken(context: MatcherContext, message: string): MatcherResult {
  return { pass: context.isNot === true, message: () => message };
}

/** A value as the messages show it: JSON, or an asymmetric matcher's own description. */
export function showValue(value: unknown): string {
  const describe = (value as { toAsymmetricMatcher?: unknown } | null)?.toAsymmetricMatcher;
  return typeof describe === 'function' ? String(describe.call(value)) : JSON.stringify(value);
}

export interface Challenges {
  readonly lines: string[];
  /** The challenges of each line, in order. */
  readonly parsed: Challenge[][];
}

export function linesFound(response: ReadResponse, lines: readonly string[]): string {
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

/** The response and its parsed challenges, or the failed result that says why they cannot be read. */
export function read(
  context: MatcherContext,
  received: unknown,
): { response: ReadResponse; challenges: Challenges } | MatcherResult {
  const response = readResponse(received);
  if (typeof response === 'string') return broken(context, response);
  const challenges = challengesOf(response);
  if (typeof challenges === 'string') return broken(context, challenges);
  return { response, challenges };
}

/**
 * The result of a matcher that lists what is wrong: it passes when the list
 * is empty. `expected` heads the message of a failure, `negated` that of a
 * pass under `.not`; `shown` is what was found.
 */
export function verdict(
  problems: readonly string[],
  text: { readonly expected: string; readonly negated: string; readonly shown: string },
): MatcherResult {
  return {
    pass: problems.length === 0,
    message: () =>
      problems.length === 0
        ? `${text.negated}\n${text.shown}`
        : [text.expected, ...problems.map((problem) => `  ${problem}`), text.shown].join('\n'),
  };
}
