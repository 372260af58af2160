/**
 * `import '@auth-errors/testing/vitest'` (in a test file or a `setupFiles`
 * entry) registers the matchers with vitest's `expect` and types them on
 * `expect(…)`.
 */
import { expect } from 'vitest';
import { type AuthMatchers, authMatchers } from './matchers.js';

expect.extend(authMatchers);

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the type parameter must match vitest's own declaration to merge with it.
  interface Matchers<T = any> extends AuthMatchers<void> {}
}
