/**
 * The renderer's default log: one line per 5xx, naming the cause's class and
 * code but never its message; nothing for expected 4xx failures; and nothing
 * for a key-source outage, which the key source itself logs once per state
 * change (down, still down, recovered) however many requests it refuses,
 * nor for a full DPoP replay store, which does the same.
 */
import { AuthError, authUnavailable, createMemoryReplayStore, invalidToken, KeySourceError } from '@auth-errors/core';
import { createRenderer } from '@auth-errors/core/adapter';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';

const GET = { method: 'GET', url: '/orders?access_token=secret-in-query' };
let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

describe('the default log', () => {
  it('is one line per 5xx with the cause class and code, never its message or the query', () => {
    const cause = Object.assign(new TypeError('fetch failed for https://idp.internal/jwks'), { code: 'ECONNREFUSED' });
    createRenderer()(authUnavailable({ cause }), GET);
    expect(consoleError.mock.calls).toEqual([
      ['auth-errors: auth_unavailable (503) for GET /orders: TypeError [ECONNREFUSED]'],
    ]);
  });

  it('escapes control characters in what the cause says, so a CR/LF in an error name or code cannot forge a log entry', () => {
    const cause = Object.assign(new Error('x'), {
      name: 'DriverError\r\nauth-errors: all good',
      code: 'E\u001b[2JCLEAR\u2028\\u000a',
    });
    createRenderer()(authUnavailable({ cause }), GET);
    expect(consoleError.mock.calls).toEqual([
      [
        'auth-errors: auth_unavailable (503) for GET /orders: DriverError\\u000d\\u000aauth-errors: all good [E\\u001b[2JCLEAR\\u2028\\\\u000a]',
      ],
    ]);
    const [[line]] = consoleError.mock.calls as [[string]];
    const controls = [...line].filter((c) => c < ' ' || (c >= '\u007f' && c <= '\u009f') || c === '\u2028');
    expect(controls).toEqual([]);
  });

  it('escapes a control character in the request path, and cuts a name or code past 64 characters', () => {
    const cause = Object.assign(new Error('x'), { name: 'N'.repeat(65), code: 'C'.repeat(64) });
    createRenderer()(authUnavailable({ cause }), { method: 'GET', url: '/a\u0085b' });
    expect(consoleError.mock.calls).toEqual([
      [`auth-errors: auth_unavailable (503) for GET /a\\u0085b: ${'N'.repeat(64)}… [${'C'.repeat(64)}]`],
    ]);
  });

  it('says nothing about expected 4xx failures', () => {
    createRenderer()(invalidToken(), GET);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('leaves a key-source outage to the key source, which logs state changes, not requests', () => {
    const render = createRenderer();
    for (let i = 0; i < 50; i += 1) {
      const response = render(authUnavailable({ cause: new KeySourceError('timeout') }), GET);
      expect(response?.status).toBe(503);
      expect(response?.headers['retry-after']).toBe('5');
    }
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('leaves a full in-process replay store to the store, and a 429 to the DPoP guard (rule 70)', async () => {
    const render = createRenderer();
    const store = createMemoryReplayStore({ maxEntries: 1 });
    expect(await store.reserve('a', 60_000, 'owner-a')).toBe(true);
    const full = await store.reserve('b', 60_000, 'owner-b').catch((error: unknown) => error);
    expect(consoleError).toHaveBeenCalledTimes(1); // the store's own line: it is full
    for (let i = 0; i < 50; i += 1) {
      expect(render(authUnavailable({ cause: full }), GET)?.status).toBe(503);
      expect(render(new AuthError('too_many_requests', { retryAfter: 3 }), GET)?.status).toBe(429);
    }
    expect(consoleError).toHaveBeenCalledTimes(1);
  });
});
