/**
 * The application's own problem extension members (RFC 9457 §3.2), such as a
 * `traceId` for support requests. They go into the body only, never into a
 * header, and can never replace a member the library writes. A fixed object
 * is checked when the renderer is created (a `TypeError` naming the member);
 * what a per-request function returns is checked on every failure, and a bad
 * member is dropped with one log line per distinct reason, so a mistake there
 * never turns a 401 into a 500.
 */
import type { AuthError } from '../errors/errors.js';
import { fail } from '../options/validate.js';
import { logLine } from '../util/log-line.js';

/** A member value: a JSON primitive. Strings are at most 1,024 characters. */
export type ExtensionValue = string | number | boolean | null;
export type ExtensionMembers = Readonly<Record<string, ExtensionValue>>;

/**
 * Fixed members, or a function of the framework's request (Express `req`,
 * Koa `ctx`) and the failure that returns them (or `undefined` for none).
 */
export type Extensions<Request = unknown> =
  | ExtensionMembers
  | ((request: Request, error: AuthError) => ExtensionMembers | undefined);

/** Members the library writes itself (RFC 9457 §3.1 plus ours): never the application's. */
const RESERVED = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requiredScopes',
  'acrValues',
  'maxAge',
]);
/** RFC 9457 §3.2: names start with a letter, then letters, digits and `_`, at least three characters. */
const NAME = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;
const MAX_MEMBERS = 16;
const MAX_STRING = 1024;

/** Why a member cannot be sent, or `undefined` when it can. */
function problemWith(name: string, value: unknown): string | undefined {
  if (!NAME.test(name)) return 'is not a letter followed by 2 to 63 letters, digits or "_" (RFC 9457 §3.2)';
  if (RESERVED.has(name)) return 'is a member auth-errors writes itself';
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'is not a finite number';
  if (typeof value === 'string')
    return value.length <= MAX_STRING ? undefined : `is longer than ${MAX_STRING} characters`;
  return `is ${kindOf(value)}, not a string, number, boolean or null`;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'undefined';
  const kind = typeof value;
  return kind === 'object' ? 'an object' : `a ${kind}`;
}

function entriesOf(members: object): [string, unknown][] {
  return Object.entries(members);
}

/** Turns the `extensions` option into a function of (request, error), checking fixed members now. */
export function createExtensions<Request>(
  option: unknown,
  log: (message: string) => void = logOnce,
): ((request: Request, error: AuthError) => ExtensionMembers | undefined) | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') {
    const produce = option as (request: Request, error: AuthError) => unknown;
    return (request, error) => {
      let members: unknown;
      try {
        members = produce(request, error);
      } catch (cause) {
        log(`extensions function threw ${readName(cause)}; the problem is sent without extension members`);
        return undefined;
      }
      return checked(members, log);
    };
  }
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    fail('option "extensions" must be an object of members or a function (request, error) => members');
  }
  const entries = entriesOf(option);
  if (entries.length > MAX_MEMBERS) fail(`option "extensions" has more than ${MAX_MEMBERS} members`);
  for (const [name, value] of entries) {
    const problem = problemWith(name, value);
    if (problem !== undefined) fail(`option "extensions": member "${name}" ${problem}`);
  }
  const fixed: ExtensionMembers = Object.freeze(Object.fromEntries(entries) as Record<string, ExtensionValue>);
  return () => fixed;
}

/** The members that can be sent; each one that cannot is dropped and logged. */
function checked(members: unknown, log: (message: string) => void): ExtensionMembers | undefined {
  if (members === undefined || members === null) return undefined;
  if (typeof members !== 'object' || Array.isArray(members)) {
    log(
      `extensions function returned ${Array.isArray(members) ? 'an array' : `a ${typeof members}`}, not an object; dropped`,
    );
    return undefined;
  }
  let entries: [string, unknown][];
  try {
    entries = entriesOf(members);
  } catch (cause) {
    log(`extensions function returned an object that cannot be read (${readName(cause)}); dropped`);
    return undefined;
  }
  const kept: Record<string, ExtensionValue> = {};
  let count = 0;
  for (const [name, value] of entries) {
    const problem = count >= MAX_MEMBERS ? `is past the first ${MAX_MEMBERS} members` : problemWith(name, value);
    if (problem !== undefined) {
      log(`extension member "${NAME.test(name) ? name : '(invalid name)'}" ${problem}; dropped`);
      continue;
    }
    kept[name] = value as ExtensionValue;
    count += 1;
  }
  return count > 0 ? kept : undefined;
}

function readName(cause: unknown): string {
  try {
    const name = (cause as { name?: unknown } | null)?.name;
    return typeof name === 'string' && /^[A-Za-z]{1,40}$/.test(name) ? name : 'a value';
  } catch {
    return 'a value';
  }
}

/** One line per distinct reason, and a bounded number of reasons: a bad function must not flood the log. */
const logged = new Set<string>();
function logOnce(message: string): void {
  if (logged.has(message) || logged.size >= 100) return;
  logged.add(message);
  logLine(message);
}
