/**
 * basicAuth bounds how many `verify` calls run at once (default 2): a flood of
 * Basic requests with a slow password hash would otherwise fill libuv's thread
 * pool, which WebCrypto shares, and stall every JWT route of the process.
 * Past the bound a request gets 503 auth_unavailable with Retry-After: 1 at
 * once, without calling verify; one log line names the guard, at most once a
 * minute, never one per request.
 */

import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createRenderer } from '../src/adapter.js';
import { createBasicGuard } from '../src/guards/credentials-guards.js';
import { AuthError, type AuthRequest } from '../src/index.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const request = (password = 'pw'): AuthRequest => ({
  method: 'GET',
  url: '/r',
  authorization: [`Basic ${b64(`ann:${password}`)}`],
  contentType: undefined,
  body: undefined,
  preflight: false,
});

/** A verify whose calls stay pending until released, counting how many ran. */
function pendingVerify() {
  const releases: (() => void)[] = [];
  const verify = vi.fn(
    (_user: string, password: string) =>
      new Promise<boolean>((resolve) => releases.push(() => resolve(password === 'right'))),
  );
  const releaseAll = () => {
    for (const release of releases.splice(0)) release();
  };
  return { verify, releaseAll };
}

let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

describe('basicAuth maxConcurrent', () => {
  it('runs at most 2 verify calls by default; the third request is 503 at once, with Retry-After: 1', async () => {
    const { verify, releaseAll } = pendingVerify();
    const guard = createBasicGuard({ verify, realm: 'staff' });
    const first = guard(request('right'));
    const second = guard(request('wrong'));
    const third = await guard(request('right'));
    expect(verify).toHaveBeenCalledTimes(2);
    expect(AuthError.is(third)).toBe(true);
    const busy = third as AuthError;
    expect([busy.code, busy.status, busy.retryAfter, busy.scheme, busy.realm]).toEqual([
      'auth_unavailable',
      503,
      1,
      'Basic',
      'staff',
    ]);
    expect((busy.cause as Error).name).toBe('VerifyBusyError');
    const rendered = createRenderer()(busy, { method: 'GET', url: '/r' });
    expect([rendered?.status, rendered?.headers['retry-after'], rendered?.headers['www-authenticate']]).toEqual([
      503,
      '1',
      undefined,
    ]);
    releaseAll();
    expect(await first).toMatchObject({ scheme: 'Basic', principal: { user: 'ann' } });
    expect(((await second) as AuthError).code).toBe('invalid_credentials');
    // The slots are free again.
    const fourth = guard(request('right'));
    releaseAll();
    await Promise.resolve();
    expect(await fourth).toMatchObject({ scheme: 'Basic' });
  });

  it('frees the slot when verify throws or rejects (503) as when it answers', async () => {
    let calls = 0;
    const guard = createBasicGuard({
      maxConcurrent: 1,
      verify: async () => {
        calls += 1;
        if (calls === 1) throw new Error('db down');
        return true;
      },
    });
    expect(((await guard(request())) as AuthError).code).toBe('auth_unavailable');
    expect(await guard(request())).toMatchObject({ scheme: 'Basic' });
  });

  it('takes the bound as an option, and never calls verify past it', async () => {
    const { verify, releaseAll } = pendingVerify();
    const guard = createBasicGuard({ verify, maxConcurrent: 5 });
    const results = Array.from({ length: 20 }, () => guard(request('right')));
    expect(verify).toHaveBeenCalledTimes(5);
    releaseAll();
    const settled = await Promise.all(results);
    expect(settled.filter((r) => AuthError.is(r) && r.code === 'auth_unavailable')).toHaveLength(15);
    expect(settled.filter((r) => !AuthError.is(r))).toHaveLength(5);
  });

  it('logs one line when it starts refusing, none per request, and the renderer adds none', async () => {
    const { verify, releaseAll } = pendingVerify();
    const guard = createBasicGuard({ verify, maxConcurrent: 1 });
    const render = createRenderer();
    const held = guard(request());
    for (let i = 0; i < 50; i += 1) render(await guard(request()), { method: 'GET', url: '/r' });
    expect(consoleError.mock.calls).toEqual([
      ['auth-errors: basicAuth: 1 verify call running (maxConcurrent), 1 request answered 503 since the last line'],
    ]);
    releaseAll();
    await held;
  });

  it('while it keeps refusing, writes at most one line a minute, with the count since the last one', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    try {
      const { verify, releaseAll } = pendingVerify();
      const guard = createBasicGuard({ verify, maxConcurrent: 1 });
      const held = guard(request());
      for (let second = 0; second < 150; second += 1) {
        vi.setSystemTime(1_700_000_000_000 + second * 1000);
        await guard(request());
        await guard(request());
      }
      expect(consoleError.mock.calls.map(([line]) => line)).toEqual([
        'auth-errors: basicAuth: 1 verify call running (maxConcurrent), 1 request answered 503 since the last line',
        'auth-errors: basicAuth: 1 verify call running (maxConcurrent), 120 requests answered 503 since the last line',
        'auth-errors: basicAuth: 1 verify call running (maxConcurrent), 120 requests answered 503 since the last line',
      ]);
      releaseAll();
      await held;
    } finally {
      vi.useRealTimers();
    }
  });

  it.each([
    [0],
    [-1],
    [1.5],
    ['2'],
    [Number.POSITIVE_INFINITY],
    [null],
  ])('maxConcurrent %j is a TypeError naming it', (value) => {
    expect(() => createBasicGuard({ verify: () => true, maxConcurrent: value as number })).toThrow(
      'auth-errors: option "maxConcurrent" must be a positive integer',
    );
  });
});
