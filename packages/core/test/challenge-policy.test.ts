/**
 * The interpreter of a catalog entry's challenge policy (render/error-challenges.ts),
 * on policies written here: which schemes answer, which one carries `error=`,
 * and which parameters go on each line. The catalog's own entries are pinned
 * by the contract table; this table pins the rules that read them.
 */
import { describe, expect, it } from 'vitest';
import type { AuthErrorCode, ChallengePolicy } from '../src/errors/catalog.js';
import type { AuthErrorInit } from '../src/errors/context.js';
import { AuthError } from '../src/errors/errors.js';
import { type AuthScheme, createChallengeFormatter } from '../src/render/challenge.js';
import { interpretChallengePolicy } from '../src/render/error-challenges.js';

const formatter = createChallengeFormatter();
const BASIC = 'Basic realm="api", charset="UTF-8"';
const BEARER = 'Bearer realm="api"';
const ALL_ALGS = 'algs="ES256 EdDSA Ed25519 PS256 RS256"';
const INVALID = 'error="invalid_token", error_description="The access token is not valid"';
const ALSO_BEARER = { algs: ['ES256'], only: false } as const;
const DPOP_ONLY = { algs: ['ES256'], only: true } as const;

const describes: ChallengePolicy = { answer: 'offered', error: ['error_description'] };
const usedScope: ChallengePolicy = { answer: 'used', error: ['scope'], requiredScope: true };
const proof: ChallengePolicy = { answer: 'offered', error: ['error_description'], dpop: true };

interface Row {
  readonly name: string;
  readonly policy: ChallengePolicy;
  readonly code?: AuthErrorCode;
  readonly init?: AuthErrorInit;
  readonly offered?: readonly AuthScheme[];
  readonly lines: readonly string[];
}

const rows: readonly Row[] = [
  { name: 'none: no line, whatever is offered', policy: { answer: 'none' }, offered: ['Basic', 'Bearer'], lines: [] },
  {
    name: 'none: no line behind a DPoP guard either',
    policy: { answer: 'none' },
    init: { scheme: 'DPoP', dpop: ALSO_BEARER },
    lines: [],
  },
  {
    name: 'used: the Bearer line alone, with the required scopes after the listed ones',
    policy: usedScope,
    code: 'insufficient_scope',
    init: { scheme: 'Bearer', challengeScope: ['b'], requiredScopes: ['a', 'b'] },
    offered: ['Basic', 'Bearer'],
    lines: [`${BEARER}, error="insufficient_scope", scope="b a"`],
  },
  {
    name: 'used: nothing after Basic',
    policy: usedScope,
    code: 'insufficient_scope',
    init: { scheme: 'Basic', requiredScopes: ['a'] },
    offered: ['Basic', 'Bearer'],
    lines: [],
  },
  {
    name: 'used: the DPoP line alone for a DPoP caller',
    policy: usedScope,
    code: 'insufficient_scope',
    init: { scheme: 'DPoP', requiredScopes: ['a'], dpop: ALSO_BEARER },
    lines: ['DPoP realm="api", error="insufficient_scope", scope="a", algs="ES256"'],
  },
  {
    name: 'used: Bearer for a DPoP caller whose guard named no DPoP challenge',
    policy: usedScope,
    code: 'insufficient_scope',
    init: { scheme: 'DPoP', requiredScopes: ['a'] },
    lines: [`${BEARER}, error="insufficient_scope", scope="a"`],
  },
  {
    name: 'used: without requiredScope, scope names only the listed scopes',
    policy: { answer: 'used', error: ['scope'] },
    code: 'insufficient_scope',
    init: { challengeScope: ['b'], requiredScopes: ['a'] },
    lines: [`${BEARER}, error="insufficient_scope", scope="b"`],
  },
  {
    name: 'the step-up parameters, in canonical order',
    policy: { answer: 'used', error: ['error_description', 'scope', 'acr_values', 'max_age'] },
    code: 'insufficient_user_authentication',
    init: { challengeScope: ['s'], acrValues: ['x', 'y'], maxAge: 0, detail: 'Sign in again' },
    lines: [
      `${BEARER}, error="insufficient_user_authentication", error_description="Sign in again", scope="s", acr_values="x y", max_age="0"`,
    ],
  },
  {
    name: 'offered: Bearer when nothing is known',
    policy: { answer: 'offered' },
    lines: [BEARER],
  },
  {
    name: 'offered: Basic first, whatever order the API lists them in',
    policy: { answer: 'offered' },
    offered: ['Bearer', 'Basic'],
    lines: [BASIC, BEARER],
  },
  {
    name: 'offered: the scheme the failure concerns, though the API does not offer it',
    policy: { answer: 'offered' },
    init: { scheme: 'Basic' },
    lines: [BASIC],
  },
  {
    name: 'offered: bareScope puts scope on the Bearer line, never on Basic',
    policy: { answer: 'offered', bareScope: true },
    init: { challengeScope: ['s'] },
    offered: ['Basic', 'Bearer'],
    lines: [BASIC, `${BEARER}, scope="s"`],
  },
  {
    name: 'offered: without bareScope, no scope on a line without error information',
    policy: { answer: 'offered' },
    init: { challengeScope: ['s'] },
    lines: [BEARER],
  },
  {
    name: 'offered: the error on Bearer, Basic bare',
    policy: { answer: 'offered', error: ['error_description', 'scope'] },
    code: 'invalid_token',
    init: { scheme: 'Bearer', challengeScope: ['s'] },
    offered: ['Basic'],
    lines: [BASIC, `${BEARER}, ${INVALID}, scope="s"`],
  },
  {
    name: 'behind a guard that also takes Bearer: a Bearer failure on Bearer, DPoP bare',
    policy: describes,
    code: 'invalid_token',
    init: { scheme: 'Bearer', dpop: ALSO_BEARER },
    lines: [`${BEARER}, ${INVALID}`, 'DPoP realm="api", algs="ES256"'],
  },
  {
    name: 'behind a guard that also takes Bearer: a DPoP failure on DPoP, Bearer bare',
    policy: describes,
    code: 'invalid_token',
    init: { scheme: 'DPoP', dpop: ALSO_BEARER },
    lines: [BEARER, `DPoP realm="api", ${INVALID}, algs="ES256"`],
  },
  {
    name: 'behind a DPoP-only guard: no Bearer line; Basic when offered and not used',
    policy: describes,
    code: 'invalid_token',
    init: { scheme: 'DPoP', dpop: DPOP_ONLY },
    offered: ['Basic', 'Bearer'],
    lines: [BASIC, `DPoP realm="api", ${INVALID}, algs="ES256"`],
  },
  {
    name: 'behind a DPoP guard: bareScope on the Bearer and the DPoP lines',
    policy: { answer: 'offered', bareScope: true },
    code: 'credentials_required',
    init: { scheme: 'Bearer', challengeScope: ['s'], dpop: ALSO_BEARER },
    lines: [`${BEARER}, scope="s"`, 'DPoP realm="api", scope="s", algs="ES256"'],
  },
  {
    name: 'dpop: a proof failure without a guard gets the default DPoP challenge, and no Bearer line',
    policy: proof,
    code: 'invalid_dpop_proof',
    lines: [
      `DPoP realm="api", error="invalid_dpop_proof", error_description="The DPoP proof is not valid for this request", ${ALL_ALGS}`,
    ],
  },
  {
    name: 'dpop: the error on the DPoP line, though the token came as Bearer',
    policy: proof,
    code: 'use_dpop_nonce',
    init: { scheme: 'Bearer', dpop: ALSO_BEARER },
    lines: [
      BEARER,
      'DPoP realm="api", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", algs="ES256"',
    ],
  },
  {
    name: 'bearer: Bearer when nothing is known',
    policy: { answer: 'bearer', error: ['error_description'] },
    code: 'invalid_request',
    lines: [
      `${BEARER}, error="invalid_request", error_description="The authentication information in the request is malformed"`,
    ],
  },
  {
    name: 'bearer: Bearer when it is offered, though the failure concerns Basic',
    policy: { answer: 'bearer' },
    init: { scheme: 'Basic' },
    offered: ['Basic', 'Bearer'],
    lines: [BEARER],
  },
  {
    name: 'bearer: nothing for a Basic failure when Bearer is not offered',
    policy: { answer: 'bearer' },
    init: { scheme: 'Basic' },
    lines: [],
  },
  { name: 'bearer: nothing when only Basic is offered', policy: { answer: 'bearer' }, offered: ['Basic'], lines: [] },
  {
    name: 'bearer: nothing for a DPoP failure with no DPoP guard',
    policy: { answer: 'bearer' },
    init: { scheme: 'DPoP' },
    lines: [],
  },
  {
    name: 'bearer: behind a DPoP guard, as offered',
    policy: { answer: 'bearer' },
    init: { scheme: 'DPoP', dpop: DPOP_ONLY },
    offered: ['Basic'],
    lines: [BASIC, 'DPoP realm="api", algs="ES256"'],
  },
];

describe('the challenge policy interpreter', () => {
  it.each(rows)('$name', ({ policy, code = 'invalid_token', init = {}, offered = [], lines }) => {
    expect(interpretChallengePolicy(policy, new AuthError(code, init), formatter, offered)).toEqual(lines);
  });
});
