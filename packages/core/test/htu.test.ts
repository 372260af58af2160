/**
 * dpop/htu.ts: the `htu` comparison of RFC 9449 §4.3 (check 9). Each row is a
 * URI and exactly what it normalises to (RFC 3986 §6.2.2–6.2.3), or a request
 * target and what the check makes of it.
 */
import { describe, expect, it } from 'vitest';
import { externalUri, hasDotSegments, normalizeHtu } from '../src/dpop/htu.js';
import { DPOP_OPTIONS } from '../src/options/dpop-options.js';
import { readField } from '../src/options/read.js';

/** `dpop.publicUrl` as the guard reads it (its declaration), then the origin the policy takes from it. */
function validatePublicOrigin(value: unknown): string | undefined {
  const read = readField(DPOP_OPTIONS.publicUrl, value, 'dpop.publicUrl') as string | undefined;
  return read === undefined ? undefined : new URL(read).origin;
}

describe('normalizeHtu', () => {
  const rows: [string, string | undefined][] = [
    ['https://api.example/orders', 'https://api.example/orders'],
    // Query and fragment are not compared (RFC 9449 §4.3).
    ['https://api.example/orders?page=2#top', 'https://api.example/orders'],
    // Scheme and host are case-insensitive (RFC 3986 §6.2.2.1); the path is not.
    ['HTTPS://API.Example/Orders', 'https://api.example/Orders'],
    // The default port is dropped, another kept (§6.2.3).
    ['https://api.example:443/orders', 'https://api.example/orders'],
    ['http://api.example:80/orders', 'http://api.example/orders'],
    ['https://api.example:8443/orders', 'https://api.example:8443/orders'],
    // An empty path is "/" (§6.2.3).
    ['https://api.example', 'https://api.example/'],
    // Dot segments are removed (§6.2.2.3).
    ['https://api.example/a/./b/../orders', 'https://api.example/a/orders'],
    // Unreserved characters decoded, other percent-encodings in upper case (§6.2.2.2).
    ['https://api.example/%6f%72ders', 'https://api.example/orders'],
    ['https://api.example/a%2fb', 'https://api.example/a%2Fb'],
    ['https://api.example/caf%c3%a9', 'https://api.example/caf%C3%A9'],
    ['https://api.example/%7Euser', 'https://api.example/~user'],
    // Not an absolute http(s) URI: nothing to compare with.
    ['/orders', undefined],
    ['api.example/orders', undefined],
    ['//api.example/orders', undefined],
    ['ftp://api.example/orders', undefined],
    ['javascript://api.example/%0aalert(1)', undefined],
    ['https://', undefined],
    ['https://[::1/orders', undefined],
    // User info in an htu is refused, not dropped.
    ['https://user@api.example/orders', undefined],
    ['https://user:pass@api.example/orders', undefined],
    [`https://api.example/${'a'.repeat(8192)}`, undefined],
  ];
  it.each(rows)('%s -> %s', (uri, normalised) => {
    expect(normalizeHtu(uri)).toBe(normalised);
  });
});

describe('externalUri: the origin and the request target', () => {
  const rows: [string | undefined, string, string | undefined][] = [
    ['https://api.example', '/orders', 'https://api.example/orders'],
    ['https://api.example', '/orders?page=2', 'https://api.example/orders'],
    ['https://api.example', '/orders#top', 'https://api.example/orders'],
    ['https://api.example', 'orders', 'https://api.example/orders'],
    ['https://api.example', '', 'https://api.example/'],
    ['HTTPS://API.EXAMPLE:443', '/orders', 'https://api.example/orders'],
    // The adapter could not read the origin: no URI, so no proof matches.
    [undefined, '/orders', undefined],
  ];
  it.each(rows)('%s + %s -> %s', (origin, target, uri) => {
    expect(externalUri(origin, target)).toBe(uri);
  });
});

describe('hasDotSegments (rule 72)', () => {
  const rows: [string, boolean][] = [
    ['/orders', false],
    ['/orders/..json', false],
    ['/a.b/c', false],
    ['/orders?next=/../admin', false],
    ['/files/../orders', true],
    ['/files/./orders', true],
    ['/files/..', true],
    ['/files/%2e%2e/orders', true],
    ['/files/%2E./orders', true],
    ['/files/.%2e', true],
    ['/files\\orders', true],
    ['..', true],
  ];
  it.each(rows)('%s -> %s', (target, dots) => {
    expect(hasDotSegments(target)).toBe(dots);
  });
});

describe('dpop.publicUrl: an origin', () => {
  const MESSAGE = '"publicUrl" must be an http(s) origin such as "https://api.example.com"';
  const accepted: [unknown, string | undefined][] = [
    [undefined, undefined],
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['HTTPS://API.example.com:443', 'https://api.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    [new URL('https://api.example.com'), 'https://api.example.com'],
  ];
  it.each(accepted)('%s -> %s', (value, origin) => {
    expect(validatePublicOrigin(value)).toBe(origin);
  });

  const refused = [
    'https://api.example.com/v1',
    'https://api.example.com?x=1',
    'https://api.example.com#x',
    'https://user@api.example.com',
    'ftp://api.example.com',
    'api.example.com',
    '',
    'http://api.example.com',
    42,
    null,
  ];
  it.each(refused)('%j is a TypeError naming publicUrl', (value) => {
    expect(() => validatePublicOrigin(value)).toThrow(TypeError);
    expect(() => validatePublicOrigin(value)).toThrow(MESSAGE);
  });
});
