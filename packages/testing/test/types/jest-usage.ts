/**
 * The matchers typed for Jest by `@auth-errors/testing/jest`: on `@jest/globals`'
 * `expect` (the `expect` module) and on `@types/jest`'s global `jest.Matchers`.
 * Never run: `npm run lint` type-checks it (tsconfig.test.json, strict), and
 * each `@ts-expect-error` line must be a real error (an unused one fails, TS2578).
 */
import type {} from '@auth-errors/testing/jest';
import { expect } from 'expect';

const res = { status: 403, headers: { 'www-authenticate': 'Bearer realm="api", error="insufficient_scope"' } };

expect(res).toBeForbidden();
expect(res).toHaveChallenge({ scheme: 'Bearer', error: 'insufficient_scope' });
expect(res).toHaveChallenges([{ scheme: 'Bearer', scope: expect.stringContaining('orders') }]);
expect(res).not.toBeUnauthorized();
export const problem: void | Promise<void> = expect(res).toBeProblem({ code: 'insufficient_scope' });
// @ts-expect-error a challenge needs its scheme
expect(res).toHaveChallenge({ error: 'insufficient_scope' });

declare const matchers: jest.Matchers<void>;
matchers.toBeUnauthorized();
// @ts-expect-error toBeForbidden takes no argument
matchers.toBeForbidden(403);
