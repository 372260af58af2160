/**
 * `import '@auth-errors/testing/jest'` in a Jest setup file
 * (`setupFilesAfterEnv`) registers the matchers with Jest's global `expect`,
 * and types them for `@jest/globals` (the `expect` module) and for
 * `@types/jest` (the global `jest` namespace).
 */
// Brings the `expect` module into the program, so that the augmentation below merges with it.
import type {} from 'expect';
import { type AuthMatchers, authMatchers } from './matchers.js';

const jestExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof jestExpect?.extend !== 'function') {
  throw new Error(
    '@auth-errors/testing/jest: no global expect. Import it from a Jest setup file (setupFilesAfterEnv), or call expect.extend(authMatchers) yourself',
  );
}
jestExpect.extend(authMatchers);

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> extends AuthMatchers<R> {}
}

declare global {
  namespace jest {
    // biome-ignore lint/complexity/noBannedTypes: the type parameters must match @types/jest's declaration to merge with it.
    interface Matchers<R, T = {}> extends AuthMatchers<R> {}
  }
}
