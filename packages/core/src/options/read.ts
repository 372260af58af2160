/**
 * The one reader of options: it walks a declaration (fields.ts) against what
 * the user gave and returns the values, defaults filled in, or throws a
 * `TypeError` naming the option by its full path (`dpop.nonce.lifetime`).
 * Every own key is read once, so a getter or a Proxy cannot show the check
 * one value and the factory another; a key nobody declared is refused with
 * the closest declared name or a peer library's migration hint (suggest.ts).
 */

import { fail } from './fail.js';
import type { Declaration, Field, Values } from './fields.js';
import { unknownOption } from './suggest.js';
import { describeUrl, readUrl } from './url.js';

/** `prefix` is the path of a nested object (`dpop.`); messages then name `option "dpop"`, not the factory. */
export function readOptions<O extends Readonly<Record<string, Field>>>(
  declaration: Declaration & { readonly options: O },
  value: unknown,
  prefix = '',
): Values<O> {
  const label = prefix === '' ? declaration.name : `option "${prefix.slice(0, -1)}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${label} must be an object`);
  const given = ownValues(value, label, prefix);
  for (const key of given.keys()) {
    if (!Object.hasOwn(declaration.options, key)) unknownOption(key, prefix, declaration);
  }
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(declaration.options)) {
    values[key] = readField(field, given.get(key), `${prefix}${key}`);
  }
  return values as Values<O>;
}

/** Every own key (symbols included) and its value, each read once. */
function ownValues(value: object, label: string, prefix: string): Map<string, unknown> {
  let keys: (string | symbol)[];
  try {
    keys = Reflect.ownKeys(value);
  } catch (cause) {
    throw new TypeError(`auth-errors: ${label} could not be read`, { cause });
  }
  const given = new Map<string, unknown>();
  for (const key of keys) {
    if (typeof key === 'symbol') fail(`${label} has a symbol key (${String(key)}): options are named by strings`);
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch (cause) {
      throw new TypeError(`auth-errors: option "${prefix}${key}" could not be read`, { cause });
    }
    given.set(key, item);
  }
  return given;
}

/** One field's value; `undefined` is the default (or a failure when the option is required). */
export function readField(field: Field, value: unknown, path: string): unknown {
  if (value === undefined) {
    if (field.required === true) fail(`option "${path}" must be ${describe(field)} (it is required)`);
    return field.default;
  }
  if (field.kind === 'object') return readNested(field, value, path);
  if (field.kind === 'url') {
    if (value instanceof URL ? !field.acceptsUrl : typeof value !== 'string') {
      fail(field.says ?? `option "${path}" must be ${describeUrl(field.policy)}, as a string`);
    }
    readUrl(value, `option "${path}"`, field.policy, field.says);
    return value instanceof URL ? value.href : value;
  }
  if (field.kind === 'custom') return field.check(value, path);
  if (field.kind === 'list') return readList(field, value, path);
  if (!accepts(field, value)) fail(`option "${path}" must be ${describe(field)}`);
  return value;
}

function readNested(field: Field & { readonly kind: 'object' }, value: unknown, path: string): unknown {
  if (field.says === undefined) return readOptions(field.declaration, value, `${path}.`);
  try {
    return readOptions(field.declaration, value, `${path}.`);
  } catch (error) {
    throw new TypeError(`auth-errors: ${field.says}: ${(error as Error).message.replace(/^auth-errors: /, '')}`);
  }
}

function readList(field: Field & { readonly kind: 'list' }, value: unknown, path: string): unknown[] {
  const items = field.single === true && !Array.isArray(value) ? [value] : value;
  const whole = `option "${path}" must be ${describe(field)}`;
  if (!Array.isArray(items) || (field.nonEmpty && items.length === 0)) fail(whole);
  return items.map((item) => {
    if (field.of.kind === 'custom' || field.of.kind === 'url') return readField(field.of, item, path);
    if (item === undefined || !accepts(field.of, item)) fail(whole);
    return item;
  });
}

/** Whether `value` is of a simple kind's type and in its range. */
function accepts(field: Field, value: unknown): boolean {
  switch (field.kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' && (!field.nonEmpty || value !== '');
    case 'enum':
      return typeof value === 'string' && field.values.includes(value);
    case 'integer':
      return (
        (field.forever === true && value === Number.POSITIVE_INFINITY) ||
        (Number.isSafeInteger(value) && (value as number) >= field.min && (value as number) <= field.max)
      );
    case 'function':
      return typeof value === 'function';
    default:
      return false;
  }
}

const UNIT_WORDS = { seconds: 'seconds', milliseconds: 'milliseconds', bytes: 'bytes' } as const;

/** What a field takes, in the words of its messages and of the reference. */
export function describe(field: Field): string {
  switch (field.kind) {
    case 'boolean':
      return 'a boolean';
    case 'string':
      return field.nonEmpty ? 'a non-empty string' : 'a string';
    case 'enum':
      return field.values.map((v) => JSON.stringify(v)).join(' or ');
    case 'integer': {
      const of = field.unit === undefined ? '' : ` number of ${UNIT_WORDS[field.unit]}`;
      const forever = field.forever === true ? ', or Infinity' : '';
      if (field.max < Number.MAX_SAFE_INTEGER) return `an integer${of} from ${field.min} to ${field.max}${forever}`;
      return `a ${field.min === 0 ? 'non-negative' : field.min === 1 ? 'positive' : `${field.min} or greater`} integer${of}${forever}`;
    }
    case 'function':
      return `a function ${field.signature}`;
    case 'url':
      return describeUrl(field.policy);
    case 'object':
      return 'an object';
    case 'list':
      return `${field.single === true ? `${describe(field.of)} or ` : ''}${field.nonEmpty ? 'a non-empty array' : 'an array'} of ${field.items}`;
    case 'custom':
      return field.type;
  }
}
