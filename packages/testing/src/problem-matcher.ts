/**
 * `toBeProblem`: an RFC 9457 problem body, labelled `application/problem+json`,
 * with the members the test expects.
 */
import { PROBLEM_JSON } from '@auth-errors/core/adapter';
import { broken, linesFound, type MatcherContext, type MatcherResult, showValue, verdict } from './matcher-context.js';
import { type ReadResponse, readResponse } from './response.js';

/** Members the problem body must have, compared with `equals` (asymmetric matchers work); `undefined` means absent. */
export type ProblemExpectation = Readonly<Record<string, unknown>>;

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
  const received = `status ${response.status}, body ${JSON.stringify(body)}`;
  const matching =
    expected === undefined
      ? ''
      : ` matching { ${Object.entries(expected)
          .map(([name, want]) => `${name}: ${want === undefined ? '(absent)' : showValue(want)}`)
          .join(', ')} }`;
  return verdict(defects, {
    expected: `expected an RFC 9457 problem${matching}`,
    negated: `expected the response not to be a problem${matching}, but it is one:`,
    shown: `  received ${received}\n${lines}`,
  });
}

/**
 * An `application/problem+json` body (RFC 9457) whose standard members have
 * their types and whose `status` is the response's, with the `expected`
 * members. Returns a promise for a fetch Response, whose body is read from a clone.
 */
export function toBeProblem(
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
