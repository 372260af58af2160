/**
 * Credential parsing: the Authorization field (RFC 9110 §11.6.2), Basic
 * (RFC 7617, docs/conformance.md rules 30-32) and Bearer (RFC 6750, rules 34-36),
 * plus the constant-time comparison helper. Property tests show the parsers
 * throw nothing but AuthErrors on any input, and an operation count (not a
 * clock) shows they run in linear time.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAuthorization } from '../src/credentials/authorization.js';
import { decodeBasic } from '../src/credentials/basic.js';
import { findBearerToken, isB64Token } from '../src/credentials/bearer.js';
import { AuthError, safeEqual } from '../src/index.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** RFC 7617 CTL: %x00-1F and %x7F. */
const hasControl = (text: string) =>
  Array.from(text).some((ch) => {
    const c = ch.charCodeAt(0);
    return c < 0x20 || c === 0x7f;
  });

/** Runs `fn`, expects it to throw an AuthError, and returns that error. */
function thrown(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (error) {
    expect(AuthError.is(error), `expected an AuthError, got ${String(error)}`).toBe(true);
    return error as AuthError;
  }
  throw new Error('expected a throw, got a return');
}

describe('readAuthorization', () => {
  it('returns undefined when there is no Authorization field', () => {
    expect(readAuthorization(undefined)).toBeUndefined();
    expect(readAuthorization([])).toBeUndefined();
    expect(readAuthorization('')).toBeUndefined();
    expect(readAuthorization('   ')).toBeUndefined();
    expect(readAuthorization([''])).toBeUndefined();
  });

  it('splits the scheme (lower-cased) from the credentials', () => {
    expect(readAuthorization('Bearer abc')).toEqual({ scheme: 'bearer', value: 'abc' });
    expect(readAuthorization(['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='])).toEqual({
      scheme: 'basic',
      value: 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    });
  });

  it('matches the scheme case-insensitively (rule 19)', () => {
    expect(readAuthorization('bEaReR abc')).toEqual({ scheme: 'bearer', value: 'abc' });
    expect(readAuthorization('basic Zm9vOmJhcg==')?.scheme).toBe('basic');
    expect(readAuthorization('BEARER abc')?.scheme).toBe('bearer');
  });

  it('accepts several spaces between scheme and credentials (1*SP)', () => {
    expect(readAuthorization('Bearer    abc')).toEqual({ scheme: 'bearer', value: 'abc' });
    expect(readAuthorization('  Bearer abc  ')).toEqual({ scheme: 'bearer', value: 'abc' });
  });

  it('keeps an empty value for a scheme with nothing after it', () => {
    expect(readAuthorization('Bearer')).toEqual({ scheme: 'bearer', value: '' });
    expect(readAuthorization('Basic   ')).toEqual({ scheme: 'basic', value: '' });
  });

  it('keeps the rest of the field intact for auth-params schemes', () => {
    expect(readAuthorization('Digest username="x", realm="a b"')).toEqual({
      scheme: 'digest',
      value: 'username="x", realm="a b"',
    });
  });

  it('rejects duplicate Authorization fields with 400 invalid_request (rule 35)', () => {
    const error = thrown(() => readAuthorization(['Bearer a', 'Bearer b']));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.statusCode).toBe(400);
    expect(error.detail).not.toContain('Bearer a');
    // Even two identical lines, or two different schemes, are a duplicate field.
    expect(thrown(() => readAuthorization(['Bearer a', 'Bearer a'])).code).toBe('invalid_request');
    expect(thrown(() => readAuthorization(['Basic Zm9vOmJhcg==', 'Bearer a'])).code).toBe('invalid_request');
  });

  it('rejects a scheme that is not an RFC 9110 token with 400 invalid_request', () => {
    for (const field of ['Be@rer abc', 'Bearer\tabc', '"Bearer" abc', 'Bear(er abc', 'Bärer abc', 'Bearer\u0000 abc']) {
      const error = thrown(() => readAuthorization(field));
      expect(error.code, JSON.stringify(field)).toBe('invalid_request');
      expect(error.status).toBe(400);
    }
  });
});

describe('decodeBasic (RFC 7617, rules 30-32)', () => {
  const rejects = (token68: string) => {
    const error = thrown(() => decodeBasic(token68));
    expect(error.code, token68).toBe('invalid_credentials');
    expect(error.status).toBe(401);
    expect(error.scheme).toBe('Basic');
    return error;
  };

  it('decodes the RFC 7617 example', () => {
    expect(decodeBasic('QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toEqual({ user: 'Aladdin', password: 'open sesame' });
  });

  it('splits at the first colon only: base64(a:b:c) is user a, password b:c', () => {
    expect(b64('a:b:c')).toBe('YTpiOmM=');
    expect(decodeBasic('YTpiOmM=')).toEqual({ user: 'a', password: 'b:c' });
    expect(decodeBasic(b64('user::'))).toEqual({ user: 'user', password: ':' });
  });

  it('accepts an empty user or password', () => {
    expect(decodeBasic(b64(':pw'))).toEqual({ user: '', password: 'pw' });
    expect(decodeBasic(b64('user:'))).toEqual({ user: 'user', password: '' });
  });

  it('rejects credentials without a colon', () => {
    rejects('Zm9v');
    rejects(b64('Aladdin'));
  });

  it('rejects an empty value (`Basic` alone)', () => {
    rejects('');
  });

  it('rejects NUL and other control characters in user or password', () => {
    expect(b64('us\u0000er:pw')).toBe('dXMAZXI6cHc=');
    rejects('dXMAZXI6cHc=');
    for (const text of ['user:p\u0000w', 'user:pw\r\n', 'us\ter:pw', 'user:\u007f', 'u\u001bser:pw', 'user:pw\n']) {
      rejects(b64(text));
    }
  });

  it('rejects invalid base64 characters instead of skipping them (rule 31)', () => {
    const error = rejects('QWxh!!ZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(error.detail).not.toContain('Aladdin');
    // Same length as a valid value, so only the character check can catch it.
    rejects('QW!hZGRpbjpvcGVuIHNlc2FtZQ==');
    rejects('QWxh ZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it('rejects trailing garbage after the padding', () => {
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZQ==garbage');
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZQ==AAAA');
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZQ===');
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZQ==\u0000');
  });

  it('rejects padding in the middle', () => {
    rejects('QQ=A');
    rejects('====');
    rejects('A===');
  });

  it('rejects the base64url alphabet', () => {
    // base64('u:??>~1') uses both '+' and '/'; the same value in base64url must not decode.
    expect(decodeBasic('dTo/Pz5+MQ==')).toEqual({ user: 'u', password: '??>~1' });
    rejects('dTo_Pz5-MQ==');
    rejects('dTo_Pz5-MQ');
  });

  it('rejects missing padding', () => {
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZQ');
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZQ=');
    rejects('YTpiOmM');
  });

  it('rejects non-zero padding bits (a second spelling of the same bytes)', () => {
    expect(Buffer.from('QWxhZGRpbjpvcGVuIHNlc2FtZR==', 'base64').toString()).toBe('Aladdin:open sesame');
    rejects('QWxhZGRpbjpvcGVuIHNlc2FtZR==');
    rejects('YTpiOmN=');
  });

  it('decodes UTF-8 (rule 32): dGVzdDoxMjPCow== is test / 123£', () => {
    expect(decodeBasic('dGVzdDoxMjPCow==')).toEqual({ user: 'test', password: '123£' });
    expect(decodeBasic(b64('jürgen:pässwörd€😀'))).toEqual({ user: 'jürgen', password: 'pässwörd€😀' });
  });

  it('rejects Latin-1 bytes (strict UTF-8, no U+FFFD replacement)', () => {
    rejects('dGVzdDoxMjOj');
    // An overlong encoding of ':' and a lone surrogate encoded in UTF-8 are not UTF-8 either.
    rejects(Buffer.from([0x61, 0xc0, 0xba, 0x62]).toString('base64'));
    rejects(Buffer.from([0x61, 0x3a, 0xed, 0xa0, 0x80]).toString('base64'));
  });

  it('normalizes to NFC: a password typed in NFD equals the stored NFC one', () => {
    const nfd = 'cafe\u0301';
    const nfc = 'caf\u00e9';
    expect(nfd).not.toBe(nfc);
    const { user, password } = decodeBasic(b64(`Jose\u0301:${nfd}`));
    expect(password).toBe(nfc);
    expect(user).toBe('Jos\u00e9');
    expect(safeEqual(password, nfc)).toBe(true);
  });

  it('never returns a partial decode: the detail names neither user nor password', () => {
    const error = rejects(b64('secret-user:secret\u0000pw'));
    expect(error.detail).not.toMatch(/secret/);
    expect(error.message).not.toMatch(/secret/);
  });
});

describe('findBearerToken (RFC 6750, rules 34-36)', () => {
  const header = (field: string) => readAuthorization(field);

  it('returns the header token', () => {
    expect(findBearerToken({ authorization: header('Bearer abc.DEF-_~+/==') })).toBe('abc.DEF-_~+/==');
    expect(findBearerToken({ authorization: header('bearer   abc') })).toBe('abc');
  });

  it('returns undefined without Bearer credentials', () => {
    expect(findBearerToken({ authorization: undefined })).toBeUndefined();
    expect(findBearerToken({ authorization: header('Basic Zm9vOmJhcg==') })).toBeUndefined();
    expect(findBearerToken({ authorization: undefined, query: [], body: [] })).toBeUndefined();
  });

  it('returns a query or body token when given one', () => {
    expect(findBearerToken({ authorization: undefined, query: ['q1'] })).toBe('q1');
    expect(findBearerToken({ authorization: undefined, body: ['b1'] })).toBe('b1');
    // Another scheme in the header is not a second Bearer method.
    expect(findBearerToken({ authorization: header('Basic Zm9vOmJhcg=='), query: ['q1'] })).toBe('q1');
  });

  it('rule 34: header plus query token is 400 invalid_request', () => {
    const error = thrown(() => findBearerToken({ authorization: header('Bearer T'), query: ['T'] }));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.scheme).toBe('Bearer');
    expect(error.detail).toBe('Multiple methods used to include access token');
    expect(error.description).toBe('Multiple methods used to include access token');
  });

  it('any two tokens are invalid_request: header+body, query+body, two query parameters', () => {
    for (const sources of [
      { authorization: header('Bearer T'), body: ['T'] },
      { authorization: undefined, query: ['T'], body: ['U'] },
      { authorization: undefined, query: ['T', 'T'] },
      { authorization: undefined, body: ['T', 'U'] },
    ]) {
      expect(thrown(() => findBearerToken(sources)).code).toBe('invalid_request');
    }
  });

  it('rule 36: `Bearer` with no token is 400 invalid_request', () => {
    for (const field of ['Bearer', 'Bearer ', 'bearer    ']) {
      const error = thrown(() => findBearerToken({ authorization: header(field) }));
      expect(error.code, field).toBe('invalid_request');
      expect(error.status).toBe(400);
    }
    expect(thrown(() => findBearerToken({ authorization: undefined, query: [''] })).code).toBe('invalid_request');
  });

  it('rule 36: a token outside b64token syntax is 401 invalid_token', () => {
    for (const field of ['Bearer a"b', 'Bearer abc def', 'Bearer abc,def', 'Bearer =abc', 'Bearer ab=c', 'Bearer é']) {
      const error = thrown(() => findBearerToken({ authorization: header(field) }));
      expect(error.code, field).toBe('invalid_token');
      expect(error.status).toBe(401);
      expect(error.scheme).toBe('Bearer');
      expect(error.detail).not.toContain(field.slice(7));
    }
    expect(thrown(() => findBearerToken({ authorization: undefined, query: ['a b'] })).code).toBe('invalid_token');
  });

  it('isB64Token follows the RFC 6750 grammar', () => {
    expect(isB64Token('aZ09-._~+/')).toBe(true);
    expect(isB64Token('abc==')).toBe(true);
    expect(isB64Token('')).toBe(false);
    expect(isB64Token('=')).toBe(false);
    expect(isB64Token('a=b')).toBe(false);
    expect(isB64Token('a\u0000')).toBe(false);
    expect(isB64Token('a\u0100')).toBe(false);
  });
});

describe('safeEqual', () => {
  it('compares strings and bytes by content', () => {
    expect(safeEqual('correct horse', 'correct horse')).toBe(true);
    expect(safeEqual('correct horse', 'correct horsE')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('a', '')).toBe(false);
    expect(safeEqual('short', 'a much longer secret value')).toBe(false);
    expect(safeEqual('pässwörd', new TextEncoder().encode('pässwörd'))).toBe(true);
    expect(safeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(safeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
  });

  it('does not normalize: NFD and NFC differ until normalized', () => {
    expect(safeEqual('cafe\u0301', 'caf\u00e9')).toBe(false);
    expect(safeEqual('cafe\u0301'.normalize('NFC'), 'caf\u00e9')).toBe(true);
  });

  it('a string with a lone surrogate equals nothing: UTF-8 would turn every one into U+FFFD', () => {
    expect(new TextEncoder().encode('\uD800')).toEqual(new TextEncoder().encode('\uDC00'));
    for (const [a, b] of [
      ['\uD800', '\uDC00'],
      ['\uD800', '\uD800'],
      ['x\uDC00', 'x\uDC00'],
      ['ab\uD83D', 'ab\uD83D'],
      ['\uDE00\uD83D', '\uDE00\uD83D'],
      ['\uFFFD', '\uD800'],
      ['\uD800', '\uFFFD'],
    ] as const) {
      expect(safeEqual(a, b), JSON.stringify([a, b])).toBe(false);
    }
    expect(safeEqual('\uD800', new TextEncoder().encode('\uFFFD'))).toBe(false);
    // Pairs are fine: an emoji password still matches itself.
    expect(safeEqual('p\uD83D\uDE00ss', 'p\uD83D\uDE00ss')).toBe(true);
    expect(safeEqual('\uD83D\uDE00', new TextEncoder().encode('\u{1F600}'))).toBe(true);
  });

  it('equals exactly when the two are the same well-formed string (fast-check)', () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
    const text = fc.oneof(fc.string({ unit }), fc.string({ unit: 'binary' }), fc.constantFrom('\uD800', '\uFFFD'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const wellFormed = (s: string) => s === new TextDecoder().decode(new TextEncoder().encode(s));
        expect(safeEqual(a, b)).toBe(a === b && wellFormed(a));
        expect(safeEqual(a, a)).toBe(wellFormed(a));
      }),
      { numRuns: 2000, seed: 20261207 },
    );
  });
});

describe('properties (fast-check)', () => {
  // Full Unicode (astral code points), every UTF-16 code unit (lone surrogates, NUL, controls), and
  // strings that look like real fields.
  const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
  const anyString = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'binary-ascii' }),
    fc.string({ unit: codeUnit }),
    fc.string({ unit: fc.constantFrom('A', 'z', '0', '+', '/', '=', ':', ' ', '-', '_', '"', '\u0000', 'é') }),
  );
  const field = fc.oneof(
    anyString,
    fc
      .tuple(
        fc.constantFrom('Bearer', 'bEaReR', 'Basic', 'basic', 'Digest', ''),
        fc.constantFrom(' ', '  ', ''),
        anyString,
      )
      .map(([scheme, sep, rest]) => `${scheme}${sep}${rest}`),
  );

  /** Runs fn; anything thrown must be an AuthError. */
  const onlyAuthErrors = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (!AuthError.is(error)) throw error;
      expect([400, 401]).toContain(error.status);
    }
  };

  it('readAuthorization throws only AuthErrors', () => {
    fc.assert(
      fc.property(fc.oneof(field, fc.array(field, { maxLength: 3 })), (lines) => {
        onlyAuthErrors(() => {
          const parsed = readAuthorization(lines);
          if (parsed !== undefined) expect(parsed.scheme).toBe(parsed.scheme.toLowerCase());
        });
      }),
      { numRuns: 500 },
    );
  });

  it('decodeBasic throws only AuthErrors, and what it returns has no control characters', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, anyString.map(b64)), (token68) => {
        onlyAuthErrors(() => {
          const { user, password } = decodeBasic(token68);
          expect(hasControl(`${user}${password}`)).toBe(false);
          expect(user).not.toContain(':');
        });
      }),
      { numRuns: 500 },
    );
  });

  it('findBearerToken throws only AuthErrors, and what it returns is a b64token', () => {
    const list = fc.option(fc.array(anyString, { maxLength: 2 }), { nil: undefined });
    fc.assert(
      fc.property(field, list, list, (line, query, body) => {
        onlyAuthErrors(() => {
          const token = findBearerToken({ authorization: readAuthorization(line), query, body });
          if (token !== undefined) expect(isB64Token(token)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('decodeBasic round-trips any user without colon or controls and any password without controls (NFC)', () => {
    const noControls = (s: string) => !hasControl(s);
    const user = fc.string({ unit: 'binary' }).filter((s) => noControls(s) && !s.includes(':'));
    const password = fc.string({ unit: 'binary' }).filter(noControls);
    fc.assert(
      fc.property(user, password, (u, p) => {
        expect(decodeBasic(b64(`${u}:${p}`))).toEqual({ user: u.normalize('NFC'), password: p.normalize('NFC') });
      }),
      { numRuns: 500 },
    );
  });
});

/*
 * Linear time, measured without a clock.
 *
 * Method: while a parser runs (synchronously, so no other code runs in this
 * thread), the string and buffer primitives it can use are replaced with
 * wrappers that add to a counter, then restored in `finally`. Each call is
 * weighted by the work the native code does for it: 1 for a char-code read,
 * the receiver's length for a scan (indexOf, trim, normalize, split, case
 * mapping, regex exec), the result's length for a copy (slice), the byte
 * length for Buffer and TextDecoder work. A parser that rescans its input in
 * a loop then shows up as a count that grows with the square of the length,
 * whatever the speed of the machine. Each adversarial shape runs at 1 B,
 * 1 KB, 8 KB and 64 KB: the count must stay under c * length + k, and going
 * from 8 KB to 64 KB must multiply it by about 8 (quadratic work would
 * multiply it by 64). The harness is checked against a deliberately
 * quadratic function so it is known to be able to fail.
 */
type Weigh = (self: unknown, args: unknown[], result: unknown) => number;

const lengthOf = (value: unknown): number =>
  typeof value === 'string' || value instanceof Uint8Array
    ? value.length
    : ArrayBuffer.isView(value)
      ? value.byteLength
      : 0;

function countOperations(run: () => void): number {
  let count = 0;
  const restore: (() => void)[] = [];
  const wrap = (target: object, name: string, weigh: Weigh) => {
    const original = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') return;
    (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      const result = original.apply(this, args);
      count += weigh(this, args, result);
      return result;
    };
    restore.push(() => {
      (target as Record<string, unknown>)[name] = original;
    });
  };
  const one: Weigh = () => 1;
  const receiver: Weigh = (self) => lengthOf(self) + 1;
  const scanFrom: Weigh = (self, args) => lengthOf(self) - Math.max(0, Number(args[1] ?? 0) || 0) + 1;
  const copied: Weigh = (_self, _args, result) => lengthOf(result) + 1;
  const firstArg: Weigh = (_self, args) => lengthOf(args[0]) + 1;

  const S = String.prototype;
  for (const name of ['charCodeAt', 'codePointAt', 'charAt', 'at']) wrap(S, name, one);
  for (const name of ['indexOf', 'includes']) wrap(S, name, scanFrom);
  for (const name of ['lastIndexOf', 'search', 'match', 'matchAll', 'replace', 'replaceAll', 'split']) {
    wrap(S, name, receiver);
  }
  for (const name of ['trim', 'trimStart', 'trimEnd', 'normalize', 'toLowerCase', 'toUpperCase', 'localeCompare']) {
    wrap(S, name, receiver);
  }
  for (const name of ['startsWith', 'endsWith']) wrap(S, name, firstArg);
  for (const name of ['slice', 'substring', 'substr', 'padStart', 'padEnd', 'repeat', 'concat']) wrap(S, name, copied);
  wrap(RegExp.prototype, 'exec', firstArg);
  wrap(RegExp.prototype, 'test', firstArg);
  wrap(Buffer, 'from', firstArg);
  wrap(Buffer.prototype, 'toString', receiver);
  wrap(TextDecoder.prototype, 'decode', firstArg);
  wrap(Array.prototype, 'indexOf', receiver);
  wrap(Array.prototype, 'includes', receiver);
  try {
    run();
  } catch (error) {
    if (!AuthError.is(error)) throw error;
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return count;
}

/** The whole pipeline a guard runs on one Authorization field. */
function parseField(field: string): void {
  const credentials = readAuthorization([field]);
  if (credentials?.scheme === 'basic') decodeBasic(credentials.value);
  else findBearerToken({ authorization: credentials });
}

const SIZES = [1, 1024, 8 * 1024, 64 * 1024];
const SHAPES: Record<string, (n: number) => string> = {
  'spaces after the scheme': (n) => `Bearer${' '.repeat(n)}x`,
  'spaces only': (n) => ' '.repeat(n),
  'long scheme': (n) => `${'B'.repeat(n)} x`,
  'bearer: a long run of =': (n) => `Bearer a${'='.repeat(n)}`,
  'bearer: = then a bad char': (n) => `Bearer a${'='.repeat(n)}!`,
  'bearer: a*n then !': (n) => `Bearer ${'a'.repeat(n)}!`,
  'bearer: long b64token, bad char at the end': (n) => `Bearer ${'aZ0-._~+/'.repeat(Math.ceil(n / 9)).slice(0, n)}"`,
  'bearer: valid long token': (n) => `Bearer ${'x'.repeat(n)}`,
  'basic: a long run of =': (n) => `Basic ${'='.repeat(n)}`,
  'basic: A*n then !': (n) => `Basic ${'A'.repeat(n)}!`,
  'basic: long base64, bad char at the end': (n) => `Basic ${'QUFB'.repeat(Math.ceil(n / 4))}QUF!`,
  'basic: many colons': (n) => `Basic ${b64(':'.repeat(n))}`,
  'basic: many colons and a control at the end': (n) => `Basic ${b64(`${':'.repeat(n)}\u0001`)}`,
  'basic: NFD text to normalize': (n) => `Basic ${b64(`u:${'e\u0301'.repeat(Math.ceil(n / 2))}`)}`,
  'basic: invalid UTF-8 at the end': (n) =>
    `Basic ${Buffer.concat([Buffer.from(`u:${'a'.repeat(n)}`), Buffer.from([0xff])]).toString('base64')}`,
};

describe('linear time (operation counts, not a clock)', () => {
  const C = 16;
  const K = 1000;
  const measured: Record<string, number[]> = {};

  for (const [shape, make] of Object.entries(SHAPES)) {
    it(`${shape}: count <= ${C} * length + ${K}, and x8 input is about x8 work`, () => {
      const counts = SIZES.map((n) => {
        const field = make(n);
        const count = countOperations(() => parseField(field));
        expect(count, `${shape} at ${field.length} chars`).toBeLessThanOrEqual(C * field.length + K);
        return count;
      });
      measured[shape] = counts;
      const [, , at8k, at64k] = counts as [number, number, number, number];
      expect(at64k / at8k, `${shape}: ${counts.join(' / ')}`).toBeLessThan(9);
    });
  }

  it('decodeBasic and findBearerToken alone are linear on 64 KB inputs', () => {
    for (const input of ['A'.repeat(65_536), `${'A'.repeat(65_535)}!`, b64(':'.repeat(49_152))]) {
      expect(countOperations(() => decodeBasic(input))).toBeLessThanOrEqual(C * input.length + K);
      expect(countOperations(() => findBearerToken({ authorization: undefined, query: [input] }))).toBeLessThanOrEqual(
        C * input.length + K,
      );
    }
  });

  it('the harness counts: it sees the work, and flags a quadratic parser', () => {
    // A naive parser that re-scans the rest of the field for every character.
    const quadratic = (s: string) => {
      for (let i = 0; i < s.length; i++) s.indexOf('!', i);
    };
    const small = countOperations(() => quadratic('a'.repeat(1024)));
    const large = countOperations(() => quadratic('a'.repeat(8192)));
    expect(large / small).toBeGreaterThan(32);
    expect(large).toBeGreaterThan(C * 8192 + K);
    // And the real parsers do register work, so the bounds above are not vacuous.
    expect(countOperations(() => parseField(`Bearer ${'a'.repeat(8192)}!`))).toBeGreaterThan(8192);
    // Restored afterwards.
    expect(String.prototype.charCodeAt.name).toBe('charCodeAt');
    if (process.env.AUTH_ERRORS_PRINT_COUNTS) console.log(JSON.stringify(measured, null, 1));
  });
});
