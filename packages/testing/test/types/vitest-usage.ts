/**
 * The matchers typed on vitest's `expect` by `import '@auth-errors/testing/vitest'`.
 * Never run: `npm run lint` type-checks it (tsconfig.test.json, strict), and
 * each `@ts-expect-error` line must be a real error (an unused one fails, TS2578).
 */
import '@auth-errors/testing/vitest';
import request from 'supertest';
import { expect } from 'vitest';

export async function usage(app: Parameters<typeof request>[0]): Promise<void> {
  const res = await request(app).get('/orders');
  expect(res).toBeUnauthorized();
  expect(res).toHaveChallenge('Bearer');
  expect(res).toHaveChallenge({ scheme: 'Bearer', error: 'invalid_token', scope: ['orders:read'], realm: undefined });
  expect(res).toHaveChallenge({ scheme: 'Bearer', error_description: expect.stringContaining('expired') });
  expect(res).toHaveChallenges(['Basic', { scheme: 'Bearer' }]);
  expect(res).not.toBeForbidden();
  await expect(await fetch('http://127.0.0.1/orders')).toBeProblem({ code: 'credentials_required' });

  // @ts-expect-error a challenge needs its scheme
  expect(res).toHaveChallenge({ error: 'invalid_token' });
  // @ts-expect-error parameter values are strings or arrays of strings
  expect(res).toHaveChallenge({ scheme: 'Bearer', max_age: 300 });
  // @ts-expect-error toHaveChallenges takes a list
  expect(res).toHaveChallenges('Bearer');
  // @ts-expect-error toBeUnauthorized takes no argument
  expect(res).toBeUnauthorized(401);
}
