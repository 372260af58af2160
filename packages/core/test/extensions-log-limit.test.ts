/**
 * The extension-member log is bounded: at most 100 distinct reasons in a
 * process, so an extensions function failing in ever new ways cannot flood
 * the log. In a file of its own, so that the module starts with nothing
 * logged (each test file gets fresh modules) and the count is exact.
 */

import { forbidden } from '@auth-errors/core';
import { createRenderer } from '@auth-errors/core/adapter';
import { expect, it, vi } from 'vitest';

it('logs the first 100 distinct reasons, then nothing', () => {
  const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
  const letter = (n: number) => String.fromCharCode(97 + n);
  for (let i = 0; i < 150; i += 1) {
    const error = new Error('x');
    error.name = `Reason${letter(Math.floor(i / 26))}${letter(i % 26)}`;
    const render = createRenderer({
      extensions: () => {
        throw error;
      },
    });
    expect(render(forbidden(), { method: 'GET', url: '/orders' })?.status).toBe(403);
  }
  expect(consoleError).toHaveBeenCalledTimes(100);
  expect(consoleError.mock.calls.at(-1)?.[0]).toBe(
    'auth-errors: extensions function threw Reasondv; the problem is sent without extension members',
  );
  consoleError.mockRestore();
});
