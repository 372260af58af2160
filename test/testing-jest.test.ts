/**
 * The matchers under Jest: registered on Jest's own `expect` (the `expect`
 * package, which Jest's global is built from), they pass and fail as in
 * vitest, with the same messages, sync and async. `@auth-errors/testing/jest`
 * registers them on the global `expect` of a Jest setup file, and says
 * clearly when there is none.
 */
import { pathToFileURL } from 'node:url';
import { authMatchers } from '@auth-errors/testing';
import { expect as jestExpect } from 'expect';
import { describe, expect, it } from 'vitest';

jestExpect.extend(authMatchers);

/** Jest's expect, typed with the matchers the way `@auth-errors/testing/jest` types it. */
const jest = jestExpect as unknown as (actual: unknown) => {
  toHaveChallenge(expected?: unknown): void;
  toHaveChallenges(expected: unknown[]): void;
  toBeProblem(expected?: unknown): void | Promise<void>;
  toBeUnauthorized(): void;
  toBeForbidden(): void;
  not: { toHaveChallenge(expected?: unknown): void; toBeForbidden(): void; toBeProblem(): void | Promise<void> };
};

const PROBLEM = {
  type: 'https://auth-errors.dev/problems/insufficient-scope',
  title: 'Insufficient scope',
  status: 403,
  code: 'insufficient_scope',
  requiredScopes: ['orders:write'],
};
const forbidden = {
  status: 403,
  headers: {
    'content-type': 'application/problem+json',
    'www-authenticate': 'Bearer realm="api", error="insufficient_scope", scope="orders:write"',
  },
  body: JSON.stringify(PROBLEM),
};

describe('under Jest’s expect', () => {
  it('the matchers pass, with Jest’s asymmetric matchers inside expectations', () => {
    jest(forbidden).toBeForbidden();
    jest(forbidden).toHaveChallenge({ scheme: 'Bearer', scope: jestExpect.stringContaining('orders') });
    jest(forbidden).toHaveChallenges([{ scheme: 'Bearer', error: 'insufficient_scope' }]);
    jest(forbidden).toBeProblem({
      code: 'insufficient_scope',
      requiredScopes: jestExpect.arrayContaining(['orders:write']),
    });
    jest(forbidden).not.toHaveChallenge('Basic');
  });

  it('they fail with the same messages, challenge lines included', () => {
    expect(() => jest(forbidden).toBeUnauthorized()).toThrow(
      /status is 403: a 403 says the credentials are good but not enough[\s\S]*1\. Bearer realm="api", error="insufficient_scope"/,
    );
    expect(() => jest(forbidden).not.toBeForbidden()).toThrow(/expected the response not to be a 403/);
    expect(() => jest(undefined).not.toHaveChallenge()).toThrow(/expected a response: .*; received undefined/);
  });

  it('toBeProblem on a fetch Response returns a promise that Jest awaits', async () => {
    const response = new Response(forbidden.body, { status: 403, headers: forbidden.headers });
    await jest(response).toBeProblem({ code: 'insufficient_scope' });
    await expect(jest(response).toBeProblem({ code: 'forbidden' })).rejects.toThrow(
      /"code" is "insufficient_scope", expected "forbidden"/,
    );
    await jest(new Response('<html>', { status: 403 })).not.toBeProblem();
  });
});

describe('@auth-errors/testing/jest', () => {
  // A fresh copy of the module each time, as each Jest test file loads its setup file.
  const entry = new URL(import.meta.resolve('@auth-errors/testing/jest'));
  const load = (tag: string) => import(`${pathToFileURL(entry.pathname).href}?${tag}`);
  const global = globalThis as { expect?: unknown };
  const before = global.expect;

  it('registers the matchers on the global expect, and exports nothing', async () => {
    const registered: string[] = [];
    global.expect = { extend: (matchers: object) => registered.push(...Object.keys(matchers)) };
    let module: object;
    try {
      module = await load('registers');
    } finally {
      global.expect = before;
    }
    expect(registered.sort()).toEqual(Object.keys(authMatchers).sort());
    expect(Object.keys(module)).toEqual([]);
  });

  it('without a global expect, says where to import it', async () => {
    await expect(load('no-global')).rejects.toThrow(
      /@auth-errors\/testing\/jest: no global expect\. Import it from a Jest setup file \(setupFilesAfterEnv\)/,
    );
  });
});
