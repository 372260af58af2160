/**
 * What the renderer does that the contract table does not show: the exact
 * line of its default log, request facts an adapter could not read, which of
 * a route's headers it tells the adapter to remove, and the members of the
 * problem object an adapter gets from problemDetails(). Also the wording of a
 * Basic decoding failure, and a character just outside the Base64 alphabet.
 */

import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createRenderer } from '../src/adapter.js';
import { decodeBasic } from '../src/credentials/basic.js';
import {
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidRequest,
  invalidToken,
} from '../src/index.js';
import { problemDetails } from '../src/render/problem.js';

const GET = { method: 'GET', url: '/orders?page=2' };

describe('the default log line (5xx only)', () => {
  let consoleError: MockInstance<typeof console.error>;
  beforeEach(() => {
    consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    consoleError.mockRestore();
  });

  const line = (cause: unknown, request: object = GET) => {
    createRenderer()(authUnavailable({ cause }), request);
    expect(consoleError).toHaveBeenCalledTimes(1);
    return consoleError.mock.calls[0]?.[0];
  };

  it.each([
    [
      'the class name and the code of the cause',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
      'auth-errors: auth_unavailable (503) for GET /orders: Error [ECONNREFUSED]',
    ],
    [
      "the code of the cause's own cause (fetch failed)",
      new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }),
      'auth-errors: auth_unavailable (503) for GET /orders: TypeError [ENOTFOUND]',
    ],
    [
      'a code without a class name',
      { code: 'ETIMEDOUT' },
      'auth-errors: auth_unavailable (503) for GET /orders: [ETIMEDOUT]',
    ],
    [
      'a code, and a name that is not a string',
      { name: 42, code: 'EPIPE' },
      'auth-errors: auth_unavailable (503) for GET /orders: [EPIPE]',
    ],
    ['a cause with neither', { message: 'down' }, 'auth-errors: auth_unavailable (503) for GET /orders'],
    ['no cause', undefined, 'auth-errors: auth_unavailable (503) for GET /orders'],
  ])('%s', (_name, cause, expected) => {
    expect(line(cause)).toBe(expected);
  });

  it('says "?" for a method or path it was not given', () => {
    expect(line(undefined, {})).toBe('auth-errors: auth_unavailable (503) for ? ?');
  });
});

describe('request facts an adapter could not read', () => {
  it.each([
    ['no request facts at all', undefined],
    ['an empty object', {}],
    ['values that are not strings', { method: 42, url: 42, accept: ['application/json'], origin: 42 }],
  ])('%s: rendered all the same, nothing taken from them', (_name, request) => {
    const events: { method?: string; path?: string }[] = [];
    const response = createRenderer({ instance: true, onError: (event) => events.push(event) })(
      credentialsRequired(),
      request as never,
    );
    expect(response?.status).toBe(401);
    expect(response?.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response?.body ?? '')).not.toHaveProperty('instance');
    expect(response?.expose).toEqual([]);
    expect(events).toEqual([expect.objectContaining({ method: undefined, path: undefined })]);
  });
});

describe('remove: the headers a route set before it failed that would now be wrong', () => {
  const CONTENT = [
    'content-encoding',
    'content-language',
    'content-range',
    'content-disposition',
    'content-location',
    'etag',
    'last-modified',
  ];
  it.each([
    ['a 401 with a challenge: a stale Retry-After', credentialsRequired(), [...CONTENT, 'retry-after']],
    ['a 503: a stale challenge', authUnavailable(), [...CONTENT, 'www-authenticate']],
    ['a 403 without a challenge: both', forbidden(), [...CONTENT, 'www-authenticate', 'retry-after']],
  ])('%s', (_name, error, remove) => {
    expect(createRenderer()(error, GET)?.remove).toEqual(remove);
  });

  it('a 400 that offers no challenge (a Basic-only API) removes a stale one too', () => {
    const response = createRenderer({ schemes: ['Basic'] })(invalidRequest(), GET);
    expect(response?.headers['www-authenticate']).toBeUndefined();
    expect(response?.remove).toEqual([...CONTENT, 'www-authenticate', 'retry-after']);
  });
});

describe('problemDetails: exactly the members sent, none set to undefined', () => {
  const base = 'https://rs.example/problems/';
  const keys = (body: object) => Object.keys(body);
  it.each([
    ['invalid_token', invalidToken(), undefined, ['type', 'title', 'status', 'detail', 'code']],
    ['with instance', invalidToken(), '/orders', ['type', 'title', 'status', 'detail', 'instance', 'code']],
    [
      'insufficient_scope',
      insufficientScope(['read']),
      undefined,
      ['type', 'title', 'status', 'detail', 'code', 'requiredScopes'],
    ],
    [
      'step-up with acr_values only',
      insufficientUserAuthentication({ acrValues: ['gold'] }),
      undefined,
      ['type', 'title', 'status', 'detail', 'code', 'acrValues'],
    ],
    [
      'step-up with max_age only',
      insufficientUserAuthentication({ maxAge: 0 }),
      undefined,
      ['type', 'title', 'status', 'detail', 'code', 'maxAge'],
    ],
  ])('%s', (_name, error, instance, members) => {
    expect(keys(problemDetails(error, base, instance))).toEqual(members);
  });
});

describe('Basic decoding failures', () => {
  const detailOf = (token68: string) => {
    try {
      decodeBasic(token68);
    } catch (error) {
      return (error as { detail?: string }).detail;
    }
    return 'decoded';
  };

  it('say only that the credentials are malformed, whatever the defect', () => {
    for (const token68 of ['Zm9v', 'YWxp!!Y2U6cHc=', 'YWxpY2U6cHc', 'dGVzdDoxMjOj', 'dXMAZXI6cHc=']) {
      expect(detailOf(token68), token68).toBe('The Basic credentials are malformed');
    }
  });

  it('refuse a character just past ASCII where the alphabet has "A"', () => {
    expect(decodeBasic('dGVzdDpA')).toEqual({ user: 'test', password: '@' });
    expect(detailOf('dGVzdDp\u0080')).toBe('The Basic credentials are malformed');
  });
});
