/**
 * Options declared as data: what each option of a factory is (its kind, its
 * range and unit, whether it may be left out, its default, one line of doc).
 * `readOptions` (read.ts) checks a user's options against a declaration, and
 * scripts/options-doc.mjs writes docs/options.md from the same declarations,
 * so the reference cannot drift from the checks.
 */
import type { UrlPolicy } from './url.js';

/** One unit per kind of quantity: protocol times in seconds, jose's network timings in milliseconds. */
export type Unit = 'seconds' | 'milliseconds' | 'bytes';

/** How the value is given: left out (`undefined`) means the default, if any; `required` options have none. */
interface Presence<T> {
  /** One line for the reference: what the option is for. */
  readonly doc: string;
  readonly default?: T;
  /** Shown in the reference instead of `default` when the default is computed (`a tenth of maxEntries`). */
  readonly defaultDoc?: string;
  readonly required?: true;
}

export type Kind =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'string'; readonly nonEmpty: boolean }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** An integer from `min` to `max` in `unit`: a duration (seconds, milliseconds) or a count (of bytes, of things). */
  | {
      readonly kind: 'integer';
      readonly min: number;
      readonly max: number;
      readonly unit?: Unit | undefined;
      /** `Infinity` is accepted too (never). */
      readonly forever?: boolean | undefined;
    }
  | { readonly kind: 'function'; readonly signature: string }
  | {
      readonly kind: 'url';
      readonly policy: UrlPolicy;
      readonly acceptsUrl: boolean;
      /** The message of any defect, when it must not change. */
      readonly says?: string | undefined;
    }
  | {
      readonly kind: 'object';
      readonly declaration: Declaration;
      /** Put before any message about what is inside, when the option's own name must lead it. */
      readonly says?: string | undefined;
    }
  | {
      readonly kind: 'list';
      readonly of: Field;
      /** The items in words, plural: `non-empty strings`. */
      readonly items: string;
      readonly nonEmpty: boolean;
      /** A lone item stands for a list of one (`issuer: 'https://as.example'`). */
      readonly single?: boolean | undefined;
    }
  /** A check no kind above expresses; `type` names what it takes in the reference. */
  | { readonly kind: 'custom'; readonly type: string; readonly check: (value: unknown, path: string) => unknown };

/** A declared option whose value, once read, is a `T`; `Optional` when it may come back `undefined`. */
export type Field<T = unknown, Optional extends boolean = boolean> = Kind &
  Presence<unknown> & { readonly optional: Optional; readonly phantom?: T };

/** The options of one factory. */
export interface Declaration {
  /** How messages name the options object: `basic guard options must be an object`. */
  readonly name: string;
  /** Where the options are given, for the reference: `basicAuth(options)`. */
  readonly title?: string | undefined;
  /** Set when a peer's option (a renderer option given to `openApiComponents`) is "not an option of" this factory. */
  readonly scope?: string | undefined;
  readonly options: Readonly<Record<string, Field>>;
}

/** The values a declaration reads to: each field's type, `undefined` only where it may be left out with no default. */
export type Values<O extends Readonly<Record<string, Field>>> = {
  -readonly [K in keyof O]: O[K] extends Field<infer T, infer Optional>
    ? Optional extends true
      ? T | undefined
      : T
    : never;
};

type OptionalIf<P> = P extends { readonly default: unknown }
  ? false
  : P extends { readonly required: true }
    ? false
    : true;

function field<T, P extends Presence<unknown>>(kind: Kind, presence: P): Field<T, OptionalIf<P>> {
  const optional = presence.default === undefined && presence.required !== true;
  return { ...kind, ...presence, optional } as Field<T, OptionalIf<P>>;
}

export const bool = <P extends Presence<boolean>>(p: P) => field<boolean, P>({ kind: 'boolean' }, p);

export const text = <P extends Presence<string>>(p: P & { nonEmpty?: boolean }) =>
  field<string, P>({ kind: 'string', nonEmpty: p.nonEmpty === true }, p);

export const oneOf = <const V extends string, P extends Presence<V>>(values: readonly V[], p: P) =>
  field<V, P>({ kind: 'enum', values }, p);

/** An integer duration: protocol times in seconds, jose-named network timings in milliseconds. */
export const duration = <P extends Presence<number>>(
  unit: 'seconds' | 'milliseconds',
  range: { readonly min: number; readonly max?: number; readonly forever?: boolean },
  p: P,
) =>
  field<number, P>(
    { kind: 'integer', unit, min: range.min, max: range.max ?? Number.MAX_SAFE_INTEGER, forever: range.forever },
    p,
  );

/** A count of things (or of `bytes`): a positive integer unless `min` says otherwise. */
export const count = <P extends Presence<number>>(
  range: { readonly min?: number; readonly max?: number; readonly unit?: 'bytes' },
  p: P,
) =>
  field<number, P>(
    { kind: 'integer', unit: range.unit, min: range.min ?? 1, max: range.max ?? Number.MAX_SAFE_INTEGER },
    p,
  );

export const fn = <T, P extends Presence<T> = Presence<T>>(signature: string, p: P) =>
  field<T, P>({ kind: 'function', signature }, p);

export const url = <P extends Presence<string>>(
  policy: UrlPolicy,
  p: P & { readonly acceptsUrl?: boolean; readonly says?: string },
) => field<string, P>({ kind: 'url', policy, acceptsUrl: p.acceptsUrl === true, says: p.says }, p);

export const nested = <const O extends Readonly<Record<string, Field>>, P extends Presence<unknown>>(
  options: O,
  p: P & { readonly says?: string },
) => field<Values<O>, P>({ kind: 'object', declaration: { name: '', options }, says: p.says }, p);

export const list = <T, P extends Presence<unknown>>(
  of: Field<T>,
  shape: { readonly items: string; readonly nonEmpty?: boolean; readonly single?: boolean },
  p: P,
) =>
  field<T[], P>({ kind: 'list', of, items: shape.items, nonEmpty: shape.nonEmpty === true, single: shape.single }, p);

export const custom = <T, P extends Presence<T> = Presence<T>>(
  type: string,
  check: (value: unknown, path: string) => T,
  p: P,
) => field<T, P>({ kind: 'custom', type, check }, p);

/** A declaration, with its options' types kept for `readOptions`. */
export function declare<const O extends Readonly<Record<string, Field>>>(
  name: string,
  options: O,
  more: { readonly title?: string; readonly scope?: string } = {},
): Declaration & { readonly options: O } {
  return { name, options, ...more };
}
