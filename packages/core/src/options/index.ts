/**
 * What a package beside the core (@auth-errors/redis) needs to declare its
 * factory's options and read them as the core's factories do: the same
 * kinds, the same messages, unknown keys refused with the closest name.
 */
export {
  bool,
  count,
  custom,
  type Declaration,
  declare,
  duration,
  type Field,
  fn,
  list,
  nested,
  oneOf,
  text,
  url,
  type Values,
} from './fields.js';
export { readOptions } from './read.js';
