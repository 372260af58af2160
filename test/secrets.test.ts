/**
 * Secrets hygiene, with the default logger (the apps' `logged` profile, on
 * every app of test/support/apps.ts, Hono included): for a failure of every kind, nothing the library
 * returns (status line, headers, body) or logs (stderr, stdout, console)
 * contains the token, the password or the Authorization value, even when a
 * verify callback fails with an error whose message quotes them. Expected 4xx
 * failures log nothing at all; an outage logs one line, by class name only.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flavors, fourApps } from './support/apps.js';
import {
  createFixtures,
  DOWN_TOKEN,
  DOWN_USER,
  errorCases,
  type Fixtures,
  OPAQUE_TOKEN,
  profiles,
  sentSecrets,
  slugOf,
} from './support/contract-cases.js';
import { basic, type RawRequest, rawRequest } from './support/http.js';

const PASSWORD = DOWN_USER.password;
const at = (path: string) => `${profiles.logged.prefix}${path}`;
const bearer = (token: string) => [['Authorization', `Bearer ${token}`]] as const;
const thrown401 = errorCases.find((c) => c.name.startsWith('createError(401) with a message'));
if (thrown401 === undefined) throw new Error('the contract table lost its createError(401) case');

const requests: [string, (f: Fixtures) => RawRequest][] = [
  ['credentials_required', () => ({ path: at('/bearer') })],
  [
    'credentials_required thrown as createError(401, message) (ctx.throw)',
    () => ({ path: at(`/throw/${slugOf(thrown401)}`) }),
  ],
  [
    'invalid_request: header + query',
    () => ({ path: at(`/query?access_token=${OPAQUE_TOKEN}`), headers: bearer(OPAQUE_TOKEN) }),
  ],
  [
    'invalid_request: duplicate fields',
    () => ({ path: at('/bearer'), headers: [...bearer(OPAQUE_TOKEN), ...bearer(OPAQUE_TOKEN)] }),
  ],
  ['invalid_token: unknown token', () => ({ path: at('/bearer'), headers: bearer(`${OPAQUE_TOKEN}x`) })],
  ['invalid_token: malformed', () => ({ path: at('/bearer'), headers: bearer(`${OPAQUE_TOKEN} "${PASSWORD}"`) })],
  [
    'invalid_credentials',
    () => ({ path: at('/basic'), headers: [['Authorization', basic('alice', `${PASSWORD}-wrong`)]] }),
  ],
  ['insufficient_scope', (f) => ({ path: at('/jwt/read'), headers: bearer(f.tokens.noScope) })],
  ['forbidden', () => ({ path: at('/admin'), headers: [['Authorization', basic('alice', 'wonderland')]] })],
  ['insufficient_user_authentication', (f) => ({ path: at('/jwt/stepup'), headers: bearer(f.tokens.lowAcr) })],
  [
    'auth_unavailable: basic verify throws',
    () => ({ path: at('/basic'), headers: [['Authorization', basic(DOWN_USER.user, PASSWORD)]] }),
  ],
  ['auth_unavailable: bearer verify throws', () => ({ path: at('/bearer?x=1'), headers: bearer(DOWN_TOKEN) })],
];

const apps = fourApps();
beforeAll(async () => apps.start(await createFixtures()));
afterAll(() => apps.stop());

describe.each(flavors)('%s: secrets never leave in a response or a log line', (flavor) => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    const capture = (...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
      return true;
    };
    for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const)
      vi.spyOn(console, method).mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(requests)('%s', async (name, make) => {
    const request = make(apps.fixtures);
    const res = await rawRequest(apps.get(flavor).port, request);
    expect(res.status).toBeGreaterThanOrEqual(400);
    const text = [String(res.status), ...res.headers.map(([n, v]) => `${n}: ${v}`), res.body, ...logged].join('\n');
    const secrets = [...sentSecrets(request), PASSWORD, OPAQUE_TOKEN, DOWN_TOKEN, 'wonderland', 'bob'];
    for (const secret of secrets) expect(text.includes(secret), `${name} leaked ${secret}`).toBe(false);
    if (name.startsWith('auth_unavailable')) {
      // The outage is logged once, by class name only (no message, no query, no stack): proof that the capture works.
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/^auth-errors: auth_unavailable \(503\) for GET \/logged\/(basic|bearer): Error$/);
    } else {
      expect(logged).toEqual([]);
    }
  });
});
