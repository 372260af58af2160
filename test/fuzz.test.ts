/**
 * Fuzzing the real apps (Express 5/4, Koa 3/2, Fastify 5, Hono; built by test/support/apps.ts) over raw
 * sockets with hostile Authorization headers and query tokens. Invariants, for
 * every request:
 *   - only 200/400/401/403 (and Node's own bodiless 400/431 for framing it refuses), never 5xx;
 *   - every 401 carries at least one challenge, each a valid RFC 9110 challenge (on Hono, one line
 *     may hold several, joined with ", " by @hono/node-server: see test/parity.test.ts);
 *   - every response header value is visible ASCII, space or tab;
 *   - nothing the client sent (a token, a password) comes back in a header or the body;
 *   - the process survives: /public still answers afterwards.
 * CI runs a fixed seed; `npm run fuzz` runs long (FUZZ_RUNS, FUZZ_SEED).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flavors, fourApps } from './support/apps.js';
import { createFixtures } from './support/contract-cases.js';
import { type RawResponse, rawRequest } from './support/http.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

const CHALLENGE =
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?: [!#$%&'*+.^_`|~0-9A-Za-z-]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*"(?:, [!#$%&'*+.^_`|~0-9A-Za-z-]+="(?:[\t\x20\x21\x23-\x5b\x5d-\x7e]|\\[\t\x20-\x7e])*")*)?$/;
/** Several challenges on one field line, as @hono/node-server writes them (it iterates the Fetch Headers). */
const JOINED_CHALLENGES = new RegExp(`^${CHALLENGE.source.slice(1, -1)}(?:, ${CHALLENGE.source.slice(1, -1)})*$`);
const SAFE_VALUE = /^[\t\x20-\x7e]*$/;
const ROUTES = ['/basic', '/admin', '/bearer', '/query', '/jwt', '/jwt/read', '/jwt/stepup'];

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Odd values for JWT header members: non-ASCII, quotes, backslashes, escaped CR LF, `none`. */
const oddMember = fc.oneof(
  fc.constantFrom(
    'none',
    'None',
    'HS256',
    'RS256',
    'ES256',
    'é',
    'é€😀',
    '"',
    '\\',
    '\r\n',
    'a"b\\c',
    '',
    'x'.repeat(300),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const jwtShaped = fc
  .record({ alg: oddMember, kid: fc.option(oddMember), typ: fc.option(oddMember), sig: fc.string({ maxLength: 60 }) })
  .map(({ alg, kid, typ, sig }) => {
    const header: Record<string, unknown> = { alg };
    if (kid !== null) header.kid = kid;
    if (typ !== null) header.typ = typ;
    const payload = { sub: 'fuzz', iss: 'https://as.example', aud: 'https://rs.example', exp: 4_000_000_000 };
    return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${b64url(sig)}`;
  });

const basicPayload = fc
  .oneof(
    fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'binary', maxLength: 60 }).map((s) => Buffer.from(s, 'utf8')),
    fc.array(fc.constantFrom(':', 'a', 'é', '\u0000', '\u00ff'), { maxLength: 50 }).map((a) => Buffer.from(a.join(''))),
    fc.constant(Buffer.from([0x74, 0x65, 0x73, 0x74, 0x3a, 0x31, 0x32, 0x33, 0xa3])), // Latin-1 password
  )
  .map((bytes) => bytes.toString('base64'));

/** Credentials: printable noise, b64tokens, JWT-shaped tokens, Basic payloads, oversize tokens. */
const credentials = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 3, arbitrary: fc.string({ minLength: 12, maxLength: 80 }) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,120}={0,3}$/) },
  { weight: 4, arbitrary: jwtShaped },
  { weight: 4, arbitrary: basicPayload },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 65_536 }).map((n) => 'A'.repeat(n)) },
);

const scheme = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('Basic', 'basic', 'BASIC') },
  { weight: 4, arbitrary: fc.constantFrom('Bearer', 'bearer', 'bEaReR') },
  { weight: 1, arbitrary: fc.constantFrom('Digest', 'DPoP', 'Negotiate') },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z]{1,12}$/) },
);

const gap = fc.oneof(
  { weight: 8, arbitrary: fc.constant(' ') },
  { weight: 1, arbitrary: fc.constantFrom('   ', '\t', '') },
);

const authorizationLine = fc.tuple(scheme, gap, credentials).map(([s, gap, c]) => `${s}${gap}${c}`);

const fuzzRequest = fc.record({
  route: fc.constantFrom(...ROUTES),
  lines: fc.oneof(
    { weight: 6, arbitrary: fc.array(authorizationLine, { minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 2, arbitrary: fc.array(authorizationLine, { minLength: 2, maxLength: 3 }) },
  ),
  query: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: credentials }),
  confusion: fc.boolean(),
});

/** Values the client sent that must never come back: long enough not to occur by chance. */
function secretsOf(sent: readonly string[]): string[] {
  return sent.flatMap((value) => {
    const afterScheme = value.replace(/^\S*[ \t]+/, '').trim();
    const parts = [value, afterScheme, ...value.split(/[\s.:]+/)];
    return parts.filter((p) => p.length >= 12);
  });
}

/** Every string in a parsed JSON body, so that escaping cannot hide an echo. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function checkInvariants(res: RawResponse, sent: readonly string[], joined = false): void {
  expect([200, 400, 401, 403, 431]).toContain(res.status);
  for (const [name, value] of res.headers) expect(value, name).toMatch(SAFE_VALUE);
  const challenges = res.headers.filter(([n]) => n === 'www-authenticate').map(([, v]) => v);
  if (res.status === 401) expect(challenges.length).toBeGreaterThan(0);
  for (const challenge of challenges) expect(challenge).toMatch(joined ? JOINED_CHALLENGES : CHALLENGE);
  // Node's parser refuses some requests itself (431 oversize; 400 for a control
  // character, RFC 9112 §5.5) with an empty body: no app code ran.
  const refusedByNode =
    (res.status === 431 || res.status === 400) && res.body === '' && !res.headers.some(([n]) => n === 'content-type');
  if (refusedByNode) return;
  expect(res.status).not.toBe(431);
  if (res.status !== 200) {
    const body = JSON.parse(res.body);
    expect(body.status).toBe(res.status);
  }
  const parsed = res.status === 200 ? [] : strings(JSON.parse(res.body));
  const echoed = [...res.headers.map(([, v]) => v), res.body, ...parsed].join('\n');
  for (const secret of secretsOf(sent)) expect(echoed.includes(secret), `echoed ${secret.slice(0, 40)}`).toBe(false);
}

/** Status counts per flavor, printed with FUZZ_STATS=1 to show how much reached the apps. */
const seen = new Map<string, Map<string, number>>();
function tally(flavor: string, res: RawResponse): void {
  const counts = seen.get(flavor) ?? new Map<string, number>();
  const key = res.body === '' && res.status >= 400 ? `${res.status} (node)` : String(res.status);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  seen.set(flavor, counts);
}

const apps = fourApps();
beforeAll(async () => apps.start(await createFixtures()));

afterAll(async () => {
  if (process.env.FUZZ_STATS) for (const [flavor, counts] of seen) console.log(flavor, Object.fromEntries(counts));
  await apps.stop();
});

describe.each(flavors)('%s under fuzzing', (flavor) => {
  it(`keeps every invariant over ${RUNS} hostile requests (seed ${SEED})`, async () => {
    const app = apps.get(flavor);
    // An HS256 token "signed" with the ES256 public key PEM: algorithm confusion (a case of the contract table too).
    const confused = apps.fixtures.tokens.confused;

    await fc.assert(
      fc.asyncProperty(fuzzRequest, async ({ route, lines, query, confusion }) => {
        const sent: string[] = confusion ? [...lines, `Bearer ${confused}`] : [...lines];
        const path = query === null ? route : `${route}?access_token=${encodeURIComponent(query)}`;
        const res = await rawRequest(app.port, {
          path,
          headers: sent.map((line) => ['Authorization', line] as const),
        });
        tally(flavor, res);
        checkInvariants(
          res,
          [...sent, ...(query === null ? [] : [query, encodeURIComponent(query)])],
          flavor === 'hono',
        );
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    const alive = await rawRequest(app.port, { path: '/public' });
    expect(alive.status).toBe(200);
  });
});
