/**
 * Extension members (RFC 9457 §3.2) an application adds to every problem
 * body, such as a `traceId`: body only, never a header; never one of the
 * members the library writes; JSON primitives only. Fixed members are checked
 * when the renderer is created; what a per-request function returns is
 * checked on every failure, and a bad member is dropped with one log line.
 */
import {
  authUnavailable,
  credentialsRequired,
  type Extensions,
  forbidden,
  insufficientScope,
  invalidToken,
} from '@auth-errors/core';
import { createRenderer } from '@auth-errors/core/adapter';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';

const GET = { method: 'GET', url: '/orders' };
const bodyOf = (response: { body: string } | undefined) => JSON.parse(response?.body ?? '');

let consoleError: MockInstance<typeof console.error>;
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

describe('fixed extension members', () => {
  it('come last in every body, and in no header', () => {
    const render = createRenderer({ extensions: { apiVersion: '2', retryable: false, shard: 3, note: null } });
    for (const error of [credentialsRequired(), invalidToken(), insufficientScope(['write']), authUnavailable()]) {
      const response = render(error, GET);
      const body = bodyOf(response);
      expect(Object.keys(body).slice(-4)).toEqual(['apiVersion', 'retryable', 'shard', 'note']);
      expect(body).toMatchObject({ apiVersion: '2', retryable: false, shard: 3, note: null, code: error.code });
      expect(JSON.stringify(response?.headers)).not.toMatch(/apiVersion|shard/);
      expect(response?.headers['content-length']).toBe(String(Buffer.byteLength(response?.body ?? '')));
    }
  });

  it('are not sent on HEAD, which has no body', () => {
    expect(createRenderer({ extensions: { apiVersion: '2' } })(credentialsRequired(), { method: 'HEAD' })?.body).toBe(
      '',
    );
  });

  it.each([
    ['a member the library writes', { code: 'mine' }, /member "code" is a member auth-errors writes itself/],
    ['status', { status: 200 }, /member "status" is a member auth-errors writes itself/],
    ['type', { type: 'about:blank' }, /member "type"/],
    ['requiredScopes', { requiredScopes: 'x' }, /member "requiredScopes"/],
    ['a short name', { id: 'x' }, /member "id" is not a letter followed by 2 to 63/],
    ['a name with a dash', { 'trace-id': 'x' }, /member "trace-id" is not a letter/],
    ['a function', { traceId: () => 'x' }, /member "traceId" is a function/],
    ['an object', { links: { self: '/x' } }, /member "links" is an object/],
    ['an array', { tags: ['a'] }, /member "tags" is an array/],
    ['NaN', { ratio: Number.NaN }, /member "ratio" is not a finite number/],
    ['Infinity', { ratio: Number.POSITIVE_INFINITY }, /not a finite number/],
    ['a bigint', { big: 1n }, /member "big" is a bigint/],
    ['undefined', { gone: undefined }, /member "gone" is undefined/],
    ['a huge string', { blob: 'x'.repeat(1025) }, /member "blob" is longer than 1024 characters/],
    ['17 members', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`member${i}`, i])), /more than 16/],
    ['an array option', ['traceId'], /option "extensions" must be an object of members or a function/],
    ['a string option', 'traceId', /option "extensions" must be/],
    ['null', null, /option "extensions" must be/],
  ])('%s is a TypeError naming it at creation', (_name, extensions, message) => {
    expect(() => createRenderer({ extensions: extensions as Extensions })).toThrow(TypeError);
    expect(() => createRenderer({ extensions: extensions as Extensions })).toThrow(message);
  });

  it('accepts 16 members', () => {
    const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`member${i}`, i]));
    const body = bodyOf(createRenderer({ extensions: sixteen })(forbidden(), GET));
    expect(Object.keys(body)).toHaveLength(5 + 16);
  });

  it('accepts a 1,024-character string and a 64-character name', () => {
    const name = `a${'b'.repeat(63)}`;
    const body = bodyOf(createRenderer({ extensions: { [name]: 'x'.repeat(1024) } })(forbidden(), GET));
    expect(body[name]).toHaveLength(1024);
  });
});

describe('an extensions function', () => {
  it('gets the framework request and the error, and its members come last', () => {
    const produce = vi.fn((request: { id: string }, error) => ({ traceId: request.id, failure: error.code }));
    const render = createRenderer<{ id: string }>({ extensions: produce });
    const body = bodyOf(render(invalidToken(), GET, { id: 'req-42' }));
    expect(body).toMatchObject({ code: 'invalid_token', traceId: 'req-42', failure: 'invalid_token' });
    expect(Object.keys(body).slice(-2)).toEqual(['traceId', 'failure']);
    expect(produce).toHaveBeenCalledTimes(1);
    expect(produce.mock.calls[0]?.[1].code).toBe('invalid_token');
  });

  it('is not called for what is not an auth failure', () => {
    const produce = vi.fn(() => ({ traceId: 'x' }));
    expect(createRenderer({ extensions: produce })(new Error('not ours'), GET)).toBeUndefined();
    expect(produce).not.toHaveBeenCalled();
  });

  it('returning undefined or null adds nothing', () => {
    for (const value of [undefined, null]) {
      const render = createRenderer({ extensions: () => value as never });
      expect(Object.keys(bodyOf(render(forbidden(), GET)))).toEqual(['type', 'title', 'status', 'detail', 'code']);
    }
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('cannot replace a member the library writes: that member is dropped and logged once, the rest kept', () => {
    const render = createRenderer({ extensions: () => ({ code: 'ok', status: 200, traceIdA: 't-1' }) as never });
    for (let i = 0; i < 3; i += 1) {
      const response = render(credentialsRequired(), GET);
      expect(response?.status).toBe(401);
      expect(bodyOf(response)).toMatchObject({ status: 401, code: 'credentials_required', traceIdA: 't-1' });
    }
    const lines = consoleError.mock.calls.map((call) => String(call[0]));
    expect(lines).toEqual([
      'auth-errors: extension member "code" is a member auth-errors writes itself; dropped',
      'auth-errors: extension member "status" is a member auth-errors writes itself; dropped',
    ]);
  });

  it('drops values that are not JSON primitives, or too long, and never says what they were', () => {
    const secret = 'Bearer eyJ-secret';
    const render = createRenderer({
      extensions: () =>
        ({
          traceIdB: 'ok',
          cb: () => secret,
          nested: { secret },
          longOne: secret.repeat(200),
          bad_name_ü: secret,
        }) as never,
    });
    const response = render(invalidToken(), GET);
    expect(response?.status).toBe(401);
    expect(bodyOf(response)).toMatchObject({ traceIdB: 'ok' });
    expect(response?.body).not.toContain(secret);
    const lines = consoleError.mock.calls.map((call) => String(call[0])).join('\n');
    expect(lines).toContain('extension member "nested" is an object');
    expect(lines).toContain('extension member "longOne" is longer than 1024 characters');
    expect(lines).toContain('extension member "(invalid name)" is not a letter');
    expect(lines).not.toContain(secret);
  });

  it('that throws, or returns something that is not an object, leaves the response as it would be', () => {
    const cases = [
      () => {
        throw new RangeError('boom Bearer eyJ-secret');
      },
      () => 'traceId=x',
      () => ['traceId'],
      () =>
        new Proxy(
          {},
          {
            ownKeys() {
              throw new SyntaxError('hostile');
            },
          },
        ),
    ];
    for (const extensions of cases) {
      const response = createRenderer({ extensions: extensions as never })(authUnavailable(), GET);
      expect(response?.status).toBe(503);
      expect(response?.headers['retry-after']).toBe('5');
      expect(Object.keys(bodyOf(response))).toEqual(['type', 'title', 'status', 'detail', 'code']);
    }
    const lines = consoleError.mock.calls.map((call) => String(call[0]));
    expect(lines).toContain(
      'auth-errors: extensions function threw RangeError; the problem is sent without extension members',
    );
    expect(lines).toContain('auth-errors: extensions function returned a string, not an object; dropped');
    expect(lines).toContain('auth-errors: extensions function returned an array, not an object; dropped');
    expect(lines).toContain(
      'auth-errors: extensions function returned an object that cannot be read (SyntaxError); dropped',
    );
    expect(lines.join('\n')).not.toContain('eyJ-secret');
  });

  it('keeps the first 16 valid members, and logs each one past them', () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`extra${i}`, i]));
    const body = bodyOf(createRenderer({ extensions: () => many })(forbidden(), GET));
    expect(Object.keys(body).filter((k) => k.startsWith('extra'))).toHaveLength(16);
    expect(body.extra16).toBeUndefined();
    expect(consoleError.mock.calls.map((call) => String(call[0]))).toEqual(
      [16, 17, 18, 19].map((i) => `auth-errors: extension member "extra${i}" is past the first 16 members; dropped`),
    );
  });

  it('names what it threw only by a plain error name: anything else is "a value"', () => {
    const thrown = [
      null,
      'Error',
      { name: '1Error' },
      { name: 'Error1' },
      { name: 'A'.repeat(41) },
      { name: 'Bad\r\nName' },
    ];
    for (const value of thrown) {
      const render = createRenderer({
        extensions: () => {
          throw value;
        },
      });
      expect(render(forbidden(), GET)?.status).toBe(403);
    }
    const custom = new Error('x');
    custom.name = 'TraceLookupError';
    createRenderer({
      extensions: () => {
        throw custom;
      },
    })(forbidden(), GET);
    expect(consoleError.mock.calls.map((call) => String(call[0]))).toEqual([
      'auth-errors: extensions function threw a value; the problem is sent without extension members',
      'auth-errors: extensions function threw TraceLookupError; the problem is sent without extension members',
    ]);
  });
});
