/**
 * Reading a Fetch API `Request` (fromFetchRequest, fetchRenderFacts): the
 * request target from an absolute URL, and the `Authorization` lines that
 * `Headers` joined with ", " split back apart, so that two fields are still a
 * 400 (docs/conformance.md rule 35) while one Digest-style auth-param list stays
 * one field. Rule numbers refer to docs/conformance.md.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fetchRenderFacts, fromFetchRequest } from '../src/adapter.js';
import { readAuthorization } from '../src/credentials/authorization.js';

const request = (url: string, headers: [string, string][] = [], method = 'GET') =>
  new Request(url, { method, headers: new Headers(headers) });

/** The Authorization lines fromFetchRequest found, after readAuthorization's trimming of empty ones. */
function lines(...fields: string[]): string[] {
  const found = fromFetchRequest(
    request(
      'https://rs.example/',
      fields.map((f) => ['authorization', f]),
    ),
  ).authorization;
  return (found ?? []).map((line) => line.trim()).filter((line) => line !== '');
}

describe('fromFetchRequest', () => {
  it('reads method, target, content type and preflight; the body is never read', () => {
    const read = fromFetchRequest(
      request(
        'https://rs.example/a/b?x=1&y=2',
        [
          ['content-type', 'text/plain'],
          ['access-control-request-method', 'GET'],
        ],
        'OPTIONS',
      ),
    );
    // origin is a getter on the view's prototype (parsed on first read), so it is read by name.
    expect({ ...read, origin: read.origin }).toEqual({
      method: 'OPTIONS',
      url: '/a/b?x=1&y=2',
      authorization: undefined,
      contentType: 'text/plain',
      body: undefined,
      preflight: true,
      dpop: undefined,
      origin: 'https://rs.example',
    });
    expect(
      fromFetchRequest(request('https://rs.example/', [['origin', 'https://app.example']], 'OPTIONS')).preflight,
    ).toBe(false);
  });

  it('finds the request target of any absolute URL, and of a bare path', () => {
    const target = (url: string) => fromFetchRequest({ method: 'GET', url, headers: new Headers() }).url;
    expect(target('http://127.0.0.1:8080')).toBe('/');
    expect(target('http://127.0.0.1:8080/')).toBe('/');
    expect(target('https://rs.example?q=1')).toBe('/?q=1');
    expect(target('https://user@rs.example:443/p/q?access_token=a/b')).toBe('/p/q?access_token=a/b');
    expect(target('/already/a/path?x')).toBe('/already/a/path?x');
    expect(target('*')).toBe('/');
  });

  it('one line stays one line, whatever it holds', () => {
    expect(lines('Bearer abc')).toEqual(['Bearer abc']);
    expect(lines('Basic YWxpY2U6d29uZGVybGFuZA==')).toEqual(['Basic YWxpY2U6d29uZGVybGFuZA==']);
    expect(lines('Digest username="a, b", realm="api", nonce=abc, qop=auth')).toEqual([
      'Digest username="a, b", realm="api", nonce=abc, qop=auth',
    ]);
    expect(lines('Digest realm = "x, Bearer y" , nonce="\\", Bearer z"')).toHaveLength(1);
    expect(lines('Bearer abc,def=')).toEqual(['Bearer abc,def=']);
  });

  it('two lines joined by Headers are two credentials again, so readAuthorization answers 400 (rule 35)', () => {
    expect(lines('Bearer a', 'Bearer b')).toEqual(['Bearer a', 'Bearer b']);
    expect(lines('Basic YTpi', 'Bearer x')).toEqual(['Basic YTpi', 'Bearer x']);
    expect(lines('Digest a="1", b=2', 'Bearer x')).toEqual(['Digest a="1", b=2', 'Bearer x']);
    expect(lines('Bearer a"b', 'Bearer c')).toEqual(['Bearer a"b', 'Bearer c']);
    expect(lines('Bearer x', 'Negotiate')).toEqual(['Bearer x', 'Negotiate']);
    expect(() =>
      readAuthorization(
        fromFetchRequest(
          request('https://rs.example/', [
            ['authorization', 'Bearer a'],
            ['authorization', 'Bearer a'],
          ]),
        ).authorization,
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400 }));
  });

  it('empty lines are no credentials, alone or next to real ones', () => {
    expect(lines('')).toEqual([]);
    expect(lines('', 'Bearer x')).toEqual(['Bearer x']);
    expect(lines('Bearer x', '')).toEqual(['Bearer x']);
  });

  it('any set of token68 or auth-param lines comes back as the same lines (fast-check)', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,8}$/);
    const token68 = fc.stringMatching(/^[A-Za-z0-9._~+/-]{1,20}={0,2}$/);
    const quoted = fc
      .string({ unit: fc.constantFrom('a', ',', ' ', '=', '\\\\', '\\"', 'B'), maxLength: 12 })
      .map((s) => `"${s}"`);
    const param = fc.tuple(token, fc.constantFrom('=', ' = ', '= '), fc.oneof(token, quoted)).map((p) => p.join(''));
    const credentials = fc.oneof(
      fc.tuple(token, token68).map(([s, t]) => `${s} ${t}`),
      fc.tuple(token, fc.array(param, { minLength: 1, maxLength: 4 })).map(([s, ps]) => `${s} ${ps.join(', ')}`),
      token,
    );
    fc.assert(
      fc.property(fc.array(credentials, { minLength: 1, maxLength: 4 }), (fields) => {
        expect(lines(...fields)).toEqual(fields);
      }),
      { numRuns: 500, seed: 20261130 },
    );
  });

  it('never throws on any joined value (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ',', ' ', '=', '"', '\\', 'B', '\t') }), (value) => {
        fromFetchRequest({
          method: 'GET',
          url: 'https://rs.example/',
          headers: new Headers([['authorization', value]]),
        });
      }),
      { numRuns: 500, seed: 20261130 },
    );
  });
});

describe('fetchRenderFacts', () => {
  it('method, target, Accept and Origin; undefined for absent headers', () => {
    expect(
      fetchRenderFacts(
        request(
          'https://rs.example/p?q',
          [
            ['accept', 'application/json'],
            ['origin', 'https://app.example'],
          ],
          'HEAD',
        ),
      ),
    ).toEqual({ method: 'HEAD', url: '/p?q', accept: 'application/json', origin: 'https://app.example' });
    expect(fetchRenderFacts(request('https://rs.example/'))).toEqual({
      method: 'GET',
      url: '/',
      accept: undefined,
      origin: undefined,
    });
  });
});
