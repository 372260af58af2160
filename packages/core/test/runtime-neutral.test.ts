/**
 * The core runs on any JavaScript runtime (Node, Bun, Deno, Workers): its
 * Base64 decoding, UTF-8 byte counting and constant-time comparison are
 * written without Buffer or node:crypto. These tests hold each one to what
 * Node's own implementation gives (Buffer is the reference here, in a test,
 * never in the library), on hand-picked edge cases and with fast-check.
 * Rule numbers refer to docs/conformance.md.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRenderer } from '../src/adapter.js';
import { decodeBasic } from '../src/credentials/basic.js';
import { AuthError, credentialsRequired, safeEqual } from '../src/index.js';

/** Node's strict decode: Buffer skips bad characters, so the round trip is what makes it strict. */
function referenceBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

/** The text decodeBasic gives back (`user:password`), or 'refused'. */
function basicText(token68: string): string {
  try {
    const { user, password } = decodeBasic(token68);
    return `${user}:${password}`;
  } catch (error) {
    if (!AuthError.is(error)) throw error;
    return 'refused';
  }
}

/** What RFC 7617 accepts above the Base64 layer: UTF-8, a colon, no control characters. */
function acceptableText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    const control = [...text].some((ch) => (ch.codePointAt(0) as number) < 0x20 || ch === '\u007f');
    return text.includes(':') && !control ? text : undefined;
  } catch {
    return undefined;
  }
}

describe('strict Base64 for Basic credentials (rule 31), without Buffer', () => {
  it('refuses non-zero pad bits, which a lenient decoder maps to the same bytes', () => {
    // "YQ==" is "a"; "YR==" has pad bits set and decodes to "a" in Buffer and atob alike.
    expect(Buffer.from('YR==', 'base64').toString()).toBe('a');
    for (const token of ['YTpi', 'YTpiYw==', 'YTpiYzE=']) expect(() => decodeBasic(token)).not.toThrow();
    for (const token of ['YTpiYx==', 'YTpiYzF=', 'YTpiYz==', 'YTpiYzG=']) {
      expect(referenceBase64(token), token).toBeUndefined();
      expect(() => decodeBasic(token), token).toThrow(AuthError);
    }
  });

  it('refuses padding in the middle, missing padding, extra padding, base64url and whitespace', () => {
    for (const token of [
      'YQ==YTpi',
      'YTpiYw',
      'YTpiYw===',
      'YTpi====',
      '====',
      'YT-i',
      'YT_i',
      'YTpi ',
      ' YTpi',
      'YT\npi',
    ]) {
      expect(() => decodeBasic(token), JSON.stringify(token)).toThrow(AuthError);
    }
  });

  it('refuses characters outside ASCII, including ones whose low byte is in the alphabet', () => {
    // U+0141 has the low byte 0x41 ("A"): a decoder that masks code units would accept it.
    for (const token of ['YTp\u0141', 'YTp\u0169', '\u00c0Tpi']) expect(() => decodeBasic(token)).toThrow(AuthError);
  });

  it('agrees with the Buffer round trip on every input (fast-check)', () => {
    const alphabet = fc.constantFrom(...'AQgwYZaz09+/=-_ '.split(''), 'Ł');
    const token = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 24 }),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.string({ maxLength: 30 }).map((text) => Buffer.from(`u:${text}`).toString('base64')),
    );
    fc.assert(
      fc.property(token, (token68) => {
        const reference = referenceBase64(token68);
        const text = reference === undefined ? undefined : acceptableText(reference);
        // Split at the first colon, then NFC on each side (rule 32), as decodeBasic does.
        const colon = text?.indexOf(':') ?? -1;
        const expected =
          text === undefined
            ? 'refused'
            : `${text.slice(0, colon).normalize('NFC')}:${text.slice(colon + 1).normalize('NFC')}`;
        expect(basicText(token68)).toBe(expected);
      }),
      { numRuns: 1000, seed: 20261130 },
    );
  });
});

describe('Content-Length without Buffer', () => {
  const render = (note: string) =>
    createRenderer({ extensions: { note } })(credentialsRequired(), { method: 'GET', url: '/' });

  it('counts the UTF-8 bytes of the body: ASCII, 2-, 3- and 4-byte characters', () => {
    for (const note of ['plain', 'é', '€', '😀', 'a😀é€z', '\u07ff\u0800\uffff']) {
      const response = render(note);
      expect(response?.headers['content-length'], note).toBe(String(Buffer.byteLength(response?.body ?? '')));
    }
  });

  it('equals Buffer.byteLength for any string (fast-check, lone surrogates included)', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: codeUnit })), (note) => {
        const response = render(note);
        expect(response?.headers['content-length']).toBe(String(Buffer.byteLength(response?.body ?? '')));
      }),
      { numRuns: 500, seed: 20261130 },
    );
  });
});

describe('safeEqual without node:crypto', () => {
  it('a prefix, a repetition or a longer secret never compares equal', () => {
    // The comparison cycles through the second argument: the length check must still decide.
    expect(safeEqual('abcabc', 'abc')).toBe(false);
    expect(safeEqual('abc', 'abcabc')).toBe(false);
    expect(safeEqual('aaaa', 'a')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual(new Uint8Array([0, 0]), new Uint8Array([]))).toBe(false);
    expect(safeEqual(new Uint8Array([]), new Uint8Array([]))).toBe(true);
  });

  it('is plain equality for any strings and byte arrays (fast-check)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('', 'a', 'aa', 'é', 'e\u0301'));
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(safeEqual(a, b)).toBe(a === b);
        expect(safeEqual(new TextEncoder().encode(a), b)).toBe(a === b);
      }),
      { numRuns: 1000, seed: 20261130 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(safeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
      }),
      { numRuns: 1000, seed: 20261130 },
    );
  });
});
