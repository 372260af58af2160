/**
 * `WWW-Authenticate` formatting: docs/conformance.md rules 18–26, 29, 37–41 and 58,
 * checked with exact strings and against independent parsers (oauth4webapi v3,
 * auth-header), plus fast-check properties over realms, scopes, acr values,
 * max_age and arbitrary strings. The expected lines are literals on purpose:
 * this file pins the text that test/support/challenge-lines.ts builds for
 * every other test, so it must not be built the same way.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { errors as joseErrors } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createRenderer, type RenderOptions } from '../src/adapter.js';
import {
  type AuthError,
  type AuthScheme,
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  insufficientUserAuthentication,
  invalidCredentials,
  invalidRequest,
  invalidToken,
} from '../src/index.js';
import { type ChallengeFormatter, createChallengeFormatter } from '../src/render/challenge.js';

const require = createRequire(import.meta.url);
const authHeader = require('auth-header') as {
  parse(value: string): { scheme: string; params: Record<string, string | string[]>; token: unknown };
};

/** The challenge grammar of rule 18 as a regular expression. */
const CHALLENGE =
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?: [!#$%&'*+.^_`|~0-9A-Za-z-]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*"(?:, [!#$%&'*+.^_`|~0-9A-Za-z-]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*")*)?$/;
/** Rule 26, applied to the list structure: quoted-string contents are blanked first. */
const EMPTY_ELEMENT = /,\s*,|,\s*$|^\s*,/;
const structure = (header: string): string => header.replace(/"(?:[^"\\]|\\.)*"/g, '""');
/** Only HTAB and visible ASCII or SP (RFC 9110 §5.5); no CR, LF, NUL, DEL, controls or non-ASCII. */
const SAFE = /^[\t\x20-\x7e]*$/;

interface ParsedChallenge {
  readonly scheme: string;
  readonly parameters: Record<string, string>;
  readonly token68?: string;
}

/** The oauth4webapi v3 oracle: its challenge parser is internal, so it is reached through protectedResourceRequest. */
async function oracle(lines: readonly string[], status = 401): Promise<ParsedChallenge[]> {
  const headers = new Headers();
  for (const line of lines) headers.append('www-authenticate', line);
  const response = new Response(null, { status, headers });
  try {
    await oauth.protectedResourceRequest('t', 'GET', new URL('https://rs.example/'), undefined, undefined, {
      [oauth.customFetch]: async () => response,
    });
  } catch (error) {
    if (error instanceof oauth.WWWAuthenticateChallengeError) return error.cause as ParsedChallenge[];
    throw error;
  }
  throw new Error('oauth4webapi found no challenge');
}

/** auth-header un-escapes `\"` but not `\\` (rule 22), so undo that one step here. */
function authHeaderParse(line: string): { scheme: string; params: Record<string, string | string[]> } {
  const { scheme, params } = authHeader.parse(line);
  const unescaped: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(params)) {
    unescaped[name] = typeof value === 'string' ? value.replaceAll('\\\\', '\\') : value;
  }
  return { scheme, params: unescaped };
}

function linesOf(options: RenderOptions, error: AuthError): readonly string[] {
  const lines = createRenderer({ ...options, onError: () => {} })(error, { method: 'GET', url: '/r' })?.headers[
    'www-authenticate'
  ];
  return typeof lines === 'string' ? [lines] : (lines ?? []);
}

const allErrors = (): AuthError[] => [
  credentialsRequired(),
  credentialsRequired({ scheme: 'Basic' }),
  credentialsRequired({ scheme: 'Bearer' }),
  invalidRequest(),
  invalidRequest({ scheme: 'Bearer', detail: 'Multiple methods used to include access token' }),
  invalidToken(),
  invalidToken({ detail: 'The access token expired' }),
  invalidToken({ detail: 'unexpected "aud" claim value' }),
  invalidToken({ detail: 'Le jeton a expiré' }),
  invalidCredentials(),
  insufficientScope(['write']),
  insufficientScope(['orders:read', 'orders:write', 'https://rs.example/x']),
  forbidden(),
  insufficientUserAuthentication({ acrValues: ['myACR'] }),
  insufficientUserAuthentication({ maxAge: 300 }),
  insufficientUserAuthentication({ acrValues: ['a', 'b'], maxAge: 0 }),
  authUnavailable(),
];

const optionSets: readonly RenderOptions[] = [
  {},
  { schemes: ['Basic'] },
  { schemes: ['Bearer'] },
  { schemes: ['Basic', 'Bearer'] },
  { realm: 'a\\b"c', schemes: ['Basic', 'Bearer'] },
  { realm: 'tab\there, and "quotes"', schemes: ['Basic', 'Bearer'] },
  { resourceMetadata: 'https://rs.example/.well-known/oauth-protected-resource', schemes: ['Basic', 'Bearer'] },
];

/** Every line the renderer can emit for the matrix of errors × options. */
function everyEmittedLine(): { options: RenderOptions; error: AuthError; lines: readonly string[] }[] {
  const out = [];
  for (const options of optionSets) {
    for (const error of allErrors()) out.push({ options, error, lines: linesOf(options, error) });
  }
  return out;
}

describe('rule 18: challenge grammar', () => {
  it('every emitted line matches the rule-18 regex and no emitted header has empty list elements (rule 26)', () => {
    let count = 0;
    for (const { lines } of everyEmittedLine()) {
      for (const line of lines) {
        expect(line).toMatch(CHALLENGE);
        expect(structure(line)).not.toMatch(EMPTY_ELEMENT);
        count++;
      }
      expect(structure(lines.join(', '))).not.toMatch(EMPTY_ELEMENT);
    }
    expect(count).toBeGreaterThan(50);
  });

  it('the regex itself rejects the traps it is meant to catch', () => {
    for (const bad of [
      'Bearer realm = "api"',
      'Bearer realm="api",, error="x"',
      'Bearer realm=api',
      'Bearer realm="é"',
    ]) {
      expect(bad).not.toMatch(CHALLENGE);
    }
  });

  it('each emitted line is one challenge that the oracle parses (one challenge per field line, rule 25)', async () => {
    for (const { lines } of everyEmittedLine()) {
      for (const line of lines) {
        const parsed = await oracle([line]);
        expect(parsed).toHaveLength(1);
        expect(authHeader.parse(line).scheme).toBe(line.slice(0, line.indexOf(' ')));
      }
    }
  });
});

describe('rule 19: casing', () => {
  it('uses the registered scheme casing, lower-case parameter names and lower-case error codes', () => {
    for (const { lines } of everyEmittedLine()) {
      for (const line of lines) {
        expect(line).toMatch(/^(Basic|Bearer) /);
        const names = [...structure(line).matchAll(/(?:^\S+ |, )([^=]+)=/g)].map((m) => m[1]);
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) expect(name).toBe(name?.toLowerCase());
        const error = /error="([^"]*)"/.exec(line)?.[1];
        if (error !== undefined) {
          expect([
            'invalid_request',
            'invalid_token',
            'insufficient_scope',
            'insufficient_user_authentication',
          ]).toContain(error);
        }
      }
    }
  });
});

describe('rule 20: each parameter at most once', () => {
  it('has no duplicate parameter names, even with step-up, scope and resource_metadata merged', async () => {
    const options: RenderOptions = {
      schemes: ['Basic', 'Bearer'],
      resourceMetadata: 'https://rs.example/.well-known/oauth-protected-resource',
    };
    for (const error of allErrors()) {
      for (const line of linesOf(options, error)) {
        const names = [...structure(line).matchAll(/(?:^\S+ |, )([^=]+)=/g)].map((m) => m[1]?.toLowerCase());
        expect(new Set(names).size).toBe(names.length);
        const [parsed] = await oracle([line]);
        expect(Object.keys(parsed?.parameters ?? {})).toHaveLength(names.length);
      }
    }
  });
});

describe('rule 21: realm always present and quoted', () => {
  it('starts every challenge with realm="…"', () => {
    for (const { lines } of everyEmittedLine()) {
      for (const line of lines) expect(line).toMatch(/^(Basic|Bearer) realm="/);
    }
  });
});

describe('rule 22: quoted-string escaping', () => {
  it('escapes `a\\b"c` as realm="a\\\\b\\"c", which the oracle parses back', async () => {
    const formatter = createChallengeFormatter({ realm: 'a\\b"c' });
    expect(formatter.bare('Bearer')).toBe('Bearer realm="a\\\\b\\"c"');
    expect(formatter.basic).toBe('Basic realm="a\\\\b\\"c", charset="UTF-8"');
    const [bearer] = await oracle([formatter.bare('Bearer')]);
    expect(bearer?.parameters.realm).toBe('a\\b"c');
    const [basic] = await oracle([formatter.basic]);
    expect(basic?.parameters.realm).toBe('a\\b"c');
  });

  it('escapes only `"` and `\\`', () => {
    const realm = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~ \t";
    expect(createChallengeFormatter({ realm }).bare('Bearer')).toBe(`Bearer realm="${realm}"`);
    expect(createChallengeFormatter({ realm: '\\\\""' }).bare('Bearer')).toBe('Bearer realm="\\\\\\\\\\"\\""');
  });

  it('a realm that looks like more parameters stays one parameter', async () => {
    const realm = 'api", error="invalid_token';
    const line = createChallengeFormatter({ realm }).bare('Bearer');
    expect(line).toMatch(CHALLENGE);
    expect(await oracle([line])).toEqual([{ scheme: 'bearer', parameters: { realm } }]);
  });
});

describe('rules 23 and 24: realms that cannot be sent are refused at creation', () => {
  const refused = [
    'x\r\nSet-Cookie: a=b',
    'x\r',
    'x\n',
    'a\u0000b',
    '\u0001',
    'esc\u001b[31m',
    'del\u007f',
    'café',
    '€',
    'snow ☃',
    '\u{1f600}',
    '\u00a0',
    '',
  ];

  it.each(
    refused.map((r) => [r]),
  )('realm %j → TypeError naming "realm" from the formatter and the renderer', (realm) => {
    expect(() => createChallengeFormatter({ realm })).toThrow(TypeError);
    expect(() => createChallengeFormatter({ realm })).toThrow(/"realm"/);
    expect(() => createRenderer({ realm })).toThrow(TypeError);
    expect(() => createRenderer({ realm })).toThrow(/"realm"/);
  });

  it.each([[42], [{}], [['api']]])('a non-string realm %j is refused too', (realm) => {
    expect(() => createChallengeFormatter({ realm: realm as never })).toThrow(/"realm"/);
  });

  it('the default realm is "api"', () => {
    expect(createChallengeFormatter().bare('Bearer')).toBe('Bearer realm="api"');
    expect(createChallengeFormatter().realm).toBe('api');
  });
});

describe('rule 25: several challenges', () => {
  it('sends Basic and Bearer on two lines, Basic first, and the oracle sees both', async () => {
    const lines = linesOf({ schemes: ['Bearer', 'Basic'] }, credentialsRequired());
    expect(lines).toEqual(['Basic realm="api", charset="UTF-8"', 'Bearer realm="api"']);
    expect(await oracle(lines)).toEqual([
      { scheme: 'basic', parameters: { realm: 'api', charset: 'UTF-8' } },
      { scheme: 'bearer', parameters: { realm: 'api' } },
    ]);
  });
});

describe('rule 29: Basic challenge', () => {
  it('is exactly Basic realm="…", charset="UTF-8" with no other parameters', async () => {
    for (const error of [credentialsRequired({ scheme: 'Basic' }), invalidCredentials()]) {
      expect(linesOf({}, error)).toEqual(['Basic realm="api", charset="UTF-8"']);
    }
    const [parsed] = await oracle(['Basic realm="api", charset="UTF-8"']);
    expect(parsed).toEqual({ scheme: 'basic', parameters: { realm: 'api', charset: 'UTF-8' } });
    expect(authHeaderParse('Basic realm="api", charset="UTF-8"')).toEqual({
      scheme: 'Basic',
      params: { realm: 'api', charset: 'UTF-8' },
    });
  });

  it('never carries resource_metadata or an error', () => {
    const lines = linesOf(
      { schemes: ['Basic', 'Bearer'], resourceMetadata: 'https://rs.example/.well-known/oauth-protected-resource' },
      invalidToken(),
    );
    expect(lines[0]).toBe('Basic realm="api", charset="UTF-8"');
  });
});

describe('resource_metadata (RFC 9728 §5.1)', () => {
  it('takes an http URL (a local server in development) as well as https, exactly as configured', () => {
    const url = 'http://localhost:3000/.well-known/oauth-protected-resource/mcp';
    expect(linesOf({ resourceMetadata: url }, credentialsRequired())).toEqual([
      `Bearer realm="api", resource_metadata="${url}"`,
    ]);
  });

  it.each([
    'https://RS.example/.well-known/oauth-protected-resource',
    'https://rs.example',
    'https://rs.example/a/../.well-known/oauth-protected-resource',
  ])('refuses %s, which is not in the normalized form clients compare', (url) => {
    expect(() => createRenderer({ resourceMetadata: url })).toThrow(
      /"resourceMetadata" must be an absolute http\(s\) URL in normalized form/,
    );
  });
});

describe('rule 37: RFC 6750 character sets', () => {
  it('never puts `"`, `\\`, controls or non-ASCII into error_description', () => {
    for (const detail of [
      'unexpected "aud" claim value',
      'back\\slash',
      'Le jeton a expiré',
      'line\r\nbreak',
      'nul\u0000',
      '',
    ]) {
      const [line] = linesOf({}, invalidToken({ detail }));
      const description = /error_description="([^"\\]*)"/.exec(line ?? '')?.[1];
      expect(line).toBe('Bearer realm="api", error="invalid_token", error_description="The access token is not valid"');
      expect(description).toBe('The access token is not valid');
    }
  });

  it('keeps a safe application detail as the error_description', () => {
    expect(linesOf({}, invalidToken({ detail: "Token revoked at 10:30 (id #42) - it's gone!" }))).toEqual([
      'Bearer realm="api", error="invalid_token", error_description="Token revoked at 10:30 (id #42) - it\'s gone!"',
    ]);
  });

  it('never lets a jose message through (rule 6 trap)', () => {
    const jose = new joseErrors.JWTClaimValidationFailed('unexpected "aud" claim value', {}, 'aud', 'check_failed');
    const response = createRenderer({ onError: () => {} })(jose, { method: 'GET', url: '/' });
    expect(response?.headers['www-authenticate']).toEqual([
      'Bearer realm="api", error="invalid_token", error_description="The access token is not intended for this resource"',
    ]);
  });

  it('joins scope tokens with single spaces, in order', async () => {
    const line =
      linesOf(
        {},
        insufficientScope(['orders:read', 'https://rs.example/write', "a!#$%&'()*+,-./:;<=>?@[]^_`{|}~"]),
      )[0] ?? '';
    expect(line).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="orders:read https://rs.example/write a!#$%&\'()*+,-./:;<=>?@[]^_`{|}~"',
    );
    const [parsed] = await oracle([line], 403);
    expect(parsed?.parameters.scope?.split(' ')).toEqual([
      'orders:read',
      'https://rs.example/write',
      "a!#$%&'()*+,-./:;<=>?@[]^_`{|}~",
    ]);
  });
});

describe('rule 38: no credentials → no error information', () => {
  it('credentials_required carries only realm (and configured resource_metadata)', async () => {
    for (const options of optionSets) {
      for (const line of linesOf(options, credentialsRequired())) {
        const [parsed] = await oracle([line]);
        expect(Object.keys(parsed?.parameters ?? {}).sort()).toEqual(
          parsed?.scheme === 'basic'
            ? ['charset', 'realm']
            : options.resourceMetadata === undefined
              ? ['realm']
              : ['realm', 'resource_metadata'],
        );
      }
    }
  });
});

describe('rule 39: never a bare Bearer', () => {
  it('every Bearer line has at least realm', () => {
    for (const { lines } of everyEmittedLine()) {
      for (const line of lines) {
        expect(line).not.toBe('Bearer');
        expect(line.startsWith('Bearer realm="') || line.startsWith('Basic realm="')).toBe(true);
      }
    }
  });
});

describe('rules 40, 41, 58: exact vectors', () => {
  it('rule 40: invalid_token', async () => {
    const lines = linesOf({}, invalidToken({ detail: 'The access token expired' }));
    expect(lines).toEqual(['Bearer realm="api", error="invalid_token", error_description="The access token expired"']);
    expect(await oracle(lines)).toEqual([
      {
        scheme: 'bearer',
        parameters: { realm: 'api', error: 'invalid_token', error_description: 'The access token expired' },
      },
    ]);
  });

  it('rule 41: insufficient_scope carries scope and (deliberately) no error_description', async () => {
    const lines = linesOf({}, insufficientScope(['write']));
    expect(lines).toEqual(['Bearer realm="api", error="insufficient_scope", scope="write"']);
    expect(await oracle(lines, 403)).toEqual([
      { scheme: 'bearer', parameters: { realm: 'api', error: 'insufficient_scope', scope: 'write' } },
    ]);
  });

  it('rule 58: acr_values', async () => {
    const lines = linesOf(
      {},
      insufficientUserAuthentication(
        { acrValues: ['myACR'] },
        { detail: 'A different authentication level is required' },
      ),
    );
    expect(lines).toEqual([
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR"',
    ]);
    const [parsed] = await oracle(lines);
    expect(parsed?.parameters.acr_values).toBe('myACR');
  });

  it('rule 58: max_age as a decimal integer string', async () => {
    const lines = linesOf(
      {},
      insufficientUserAuthentication({ maxAge: 300 }, { detail: 'More recent authentication is required' }),
    );
    expect(lines).toEqual([
      'Bearer realm="api", error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="300"',
    ]);
    const [parsed] = await oracle(lines);
    expect(parsed?.parameters.max_age).toBe('300');
  });

  it('rule 58: acr_values in order of preference, then max_age, both present; 0 is a valid max_age', () => {
    expect(linesOf({}, insufficientUserAuthentication({ acrValues: ['gold', 'silver'], maxAge: 0 }))).toEqual([
      'Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="gold silver", max_age="0"',
    ]);
  });

  it.each([
    [{ maxAge: -1 }],
    [{ maxAge: 1.5 }],
    [{ maxAge: Number.NaN }],
    [{ maxAge: Number.POSITIVE_INFINITY }],
    [{ maxAge: '300' }],
    [{}],
    [{ acrValues: [] }],
    [{ acrValues: ['two words'] }],
    [{ acrValues: ['q"uote'] }],
    [{ acrValues: ['back\\slash'] }],
    [{ acrValues: ['é'] }],
    [{ acrValues: [''] }],
  ])('rule 58: the step-up requirement %j cannot be expressed and is refused with a TypeError', (requirement) => {
    expect(() => insufficientUserAuthentication(requirement as never)).toThrow(TypeError);
  });
});

describe('the formatter directly', () => {
  it('builds lines in canonical parameter order', () => {
    const formatter = createChallengeFormatter({
      realm: 'api',
      resourceMetadata: 'https://rs.example/.well-known/oauth-protected-resource',
    });
    expect(
      formatter.bearer({
        error: 'insufficient_user_authentication',
        error_description: 'More',
        scope: 'a b',
        acr_values: 'x y',
        max_age: '5',
      }),
    ).toBe(
      'Bearer realm="api", error="insufficient_user_authentication", error_description="More", scope="a b", acr_values="x y", max_age="5", resource_metadata="https://rs.example/.well-known/oauth-protected-resource"',
    );
    expect(formatter.bearer({ error: 'invalid_token' })).toBe(
      'Bearer realm="api", error="invalid_token", resource_metadata="https://rs.example/.well-known/oauth-protected-resource"',
    );
    expect(formatter.bare('Basic')).toBe('Basic realm="api", charset="UTF-8"');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const RUNS = { numRuns: 200 };

/** One character a realm may hold: HTAB or 0x20–0x7E, with the interesting ones weighted up. */
const realmChar = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('"', '\\', ',', '=', ' ', '\t') },
);
const validRealm = fc.string({ unit: realmChar, minLength: 1, maxLength: 40 });

/** RFC 6749 NQCHAR: %x21 / %x23-5B / %x5D-7E. */
const nqchar = fc
  .integer({ min: 0x21, max: 0x7e })
  .filter((c) => c !== 0x22 && c !== 0x5c)
  .map((c) => String.fromCharCode(c));
const scopeToken = fc.string({ unit: nqchar, minLength: 1, maxLength: 16 });
const scopeTokens = fc.array(scopeToken, { minLength: 1, maxLength: 5 });
const maxAge = fc.oneof(fc.nat(), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER));

/** Any string at all, with control characters, quotes and non-ASCII well represented. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({
    unit: fc.constantFrom('a', ' ', '\t', '\r', '\n', '\u0000', '\u007f', '"', '\\', 'é', '€', '\ud800', '\u{1f600}'),
    maxLength: 20,
  }),
);

function errorLinesFor(formatter: ChallengeFormatter): string[] {
  return [
    formatter.basic,
    formatter.bare('Basic'),
    formatter.bare('Bearer'),
    formatter.bearer(),
    formatter.bearer({ error: 'invalid_token', error_description: 'The access token expired' }),
  ];
}

describe('properties', () => {
  it('for any valid realm, the oauth4webapi oracle and auth-header parse back the same scheme and parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        validRealm,
        fc.constantFrom<AuthScheme[]>(['Basic', 'Bearer'], ['Bearer']),
        async (realm, schemes) => {
          for (const error of [credentialsRequired(), invalidToken({ detail: 'The access token expired' })]) {
            const lines = linesOf({ realm, schemes }, error);
            for (const line of lines) {
              expect(line).toMatch(CHALLENGE);
              expect(structure(line)).not.toMatch(EMPTY_ELEMENT);
            }
            const expected = lines.map((line) =>
              line.startsWith('Basic')
                ? { scheme: 'basic', parameters: { realm, charset: 'UTF-8' } }
                : error.code === 'invalid_token'
                  ? {
                      scheme: 'bearer',
                      parameters: { realm, error: 'invalid_token', error_description: 'The access token expired' },
                    }
                  : { scheme: 'bearer', parameters: { realm } },
            );
            expect(await oracle(lines)).toEqual(expected);
            expect(lines.map(authHeaderParse)).toEqual(
              expected.map((e) => ({ scheme: e.scheme === 'basic' ? 'Basic' : 'Bearer', params: e.parameters })),
            );
          }
        },
      ),
      RUNS,
    );
  });

  it('for any valid scope tokens, the insufficient_scope challenge parses back to exactly those scopes', async () => {
    await fc.assert(
      fc.asyncProperty(validRealm, scopeTokens, async (realm, scopes) => {
        const lines = linesOf({ realm }, insufficientScope(scopes));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(CHALLENGE);
        const parameters = { realm, error: 'insufficient_scope', scope: scopes.join(' ') };
        expect(await oracle(lines, 403)).toEqual([{ scheme: 'bearer', parameters }]);
        expect(authHeaderParse(lines[0] ?? '')).toEqual({ scheme: 'Bearer', params: parameters });
      }),
      RUNS,
    );
  });

  it('for any valid acr values and max_age, the step-up challenge parses back to exactly those values', async () => {
    await fc.assert(
      fc.asyncProperty(
        validRealm,
        fc.option(scopeTokens, { nil: undefined }),
        fc.option(maxAge, { nil: undefined }),
        async (realm, acrValues, age) => {
          fc.pre(acrValues !== undefined || age !== undefined);
          const lines = linesOf({ realm }, insufficientUserAuthentication({ acrValues, maxAge: age }));
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(CHALLENGE);
          expect(structure(lines[0] ?? '')).not.toMatch(EMPTY_ELEMENT);
          const parameters: Record<string, string> = {
            realm,
            error: 'insufficient_user_authentication',
            error_description: 'A stronger or more recent authentication is required',
          };
          if (acrValues !== undefined) parameters.acr_values = acrValues.join(' ');
          if (age !== undefined) parameters.max_age = String(age);
          expect(await oracle(lines)).toEqual([{ scheme: 'bearer', parameters }]);
          expect(authHeaderParse(lines[0] ?? '')).toEqual({ scheme: 'Bearer', params: parameters });
          if (age !== undefined) expect(/max_age="(\d+)"/.exec(lines[0] ?? '')?.[1]).toBe(String(age));
        },
      ),
      RUNS,
    );
  });

  it('for ANY realm string, the formatter and the renderer either throw a TypeError or emit only safe lines', () => {
    fc.assert(
      fc.property(anyString, (realm) => {
        let formatter: ChallengeFormatter;
        try {
          formatter = createChallengeFormatter({ realm });
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
          expect(String((error as Error).message)).toContain('"realm"');
          expect(() => createRenderer({ realm })).toThrow(TypeError);
          return;
        }
        for (const line of errorLinesFor(formatter)) {
          expect(line).toMatch(SAFE);
          expect(line).toMatch(CHALLENGE);
        }
        for (const error of allErrors()) {
          for (const line of linesOf({ realm, schemes: ['Basic', 'Bearer'] }, error)) {
            expect(line).toMatch(SAFE);
            expect(line).toMatch(CHALLENGE);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for ANY detail or guard realm on an error, the error is refused (a realm that cannot be sent) or every rendered header stays safe', () => {
    fc.assert(
      fc.property(anyString, anyString, (detail, realm) => {
        const makers = [
          () => invalidToken({ detail, realm }),
          () => invalidRequest({ detail, realm }),
          () => invalidCredentials({ detail, realm }),
          () => credentialsRequired({ detail, realm }),
          () => insufficientUserAuthentication({ maxAge: 1 }, { detail, realm }),
          () => authUnavailable({ detail, realm }),
        ];
        for (const make of makers) {
          let error: AuthError;
          try {
            error = make();
          } catch (thrown) {
            expect(thrown).toBeInstanceOf(TypeError);
            expect(String(thrown)).toMatch(/option "realm"/);
            continue;
          }
          const response = createRenderer({ schemes: ['Basic', 'Bearer'], onError: () => {} })(error, {
            method: 'GET',
            url: '/',
          });
          for (const value of Object.values(response?.headers ?? {})) {
            for (const line of typeof value === 'string' ? [value] : value) expect(line).toMatch(SAFE);
          }
          for (const line of response?.headers['www-authenticate'] ?? []) expect(line).toMatch(CHALLENGE);
        }
      }),
      RUNS,
    );
  });

  it('for ANY scope list, insufficientScope either throws a TypeError or emits a safe, parseable challenge', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 4 }), (scopes) => {
        let error: AuthError;
        try {
          error = insufficientScope(scopes);
        } catch (thrown) {
          expect(thrown).toBeInstanceOf(TypeError);
          return;
        }
        for (const line of linesOf({}, error)) {
          expect(line).toMatch(SAFE);
          expect(line).toMatch(CHALLENGE);
        }
      }),
      RUNS,
    );
  });
});
