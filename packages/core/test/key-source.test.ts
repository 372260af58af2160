/**
 * createRemoteKeySource against a JWKS served by this test on 127.0.0.1, with
 * Date faked (`vi.useFakeTimers({ toFake: ['Date'] })`): the key source reads
 * time from Date.now() only, so minutes and days of provider outage pass in a
 * few milliseconds while the fetches themselves run for real. Lookups call the
 * source as jose would (`source(header, token)`): a key, a 401-side jose error
 * (ERR_JWKS_NO_MATCHING_KEY) or a 503-side KeySourceError (ERR_JWKS_UNAVAILABLE).
 * Rule numbers refer to docs/conformance.md.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  base64url,
  CompactSign,
  type CryptoKey,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import {
  createKeySourceLogger,
  createRemoteKeySource,
  type KeySource,
  KeySourceError,
  type KeySourceEvent,
  type KeySourceOptions,
} from '../src/index.js';
import { createJwtVerifier } from '../src/keys/jwt.js';
import * as testKeys from './rsa-test-keys.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const T0 = Date.UTC(2030, 0, 1);
const BODY_MARKER = 'secret-body-marker-7f3e';
/** The fetch timeout where a test makes the provider hang (real time); 2 s elsewhere, so that a busy machine does not time out. */
const HANG_TIMEOUT = 200;
/**
 * The stale-wait bound (real time) where a test is about it; elsewhere 2 s, so that a request that needs a
 * refetch gets its outcome even when a loopback fetch takes hundreds of ms on a busy machine.
 */
const SHORT_WAIT = 20;

type Respond = (req: IncomingMessage, res: ServerResponse) => void;
type Outcome = 'key' | 'ERR_JWKS_NO_MATCHING_KEY' | 'ERR_JWKS_UNAVAILABLE' | string;

let k1: JWK;
let k1Private: CryptoKey;
let k2: JWK;
let ec: JWK;
let privateJwk: JWK;
let ed: JWK;
let x25519: JWK;
let respond: Respond;
let arrivals: number[] = [];
let refused = false;
let port = 0;
let url = '';
/** Responses not finished yet (hang, stalled or endless bodies), ended by afterEach. */
const open = new Set<ServerResponse>();
const server = createServer((req, res) => {
  arrivals.push(Date.now());
  open.add(res);
  res.on('close', () => open.delete(res));
  respond(req, res);
});

const json = (body: unknown, headers: Record<string, string> = {}): Respond => {
  const text = JSON.stringify(body);
  return (_req, res) => res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(text);
};
const serve = (keys: JWK[], headers: Record<string, string> = {}) => json({ keys }, headers);
const FAULTS: Record<string, Respond> = {
  status500: (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(BODY_MARKER),
  badJson: (_req, res) => res.writeHead(200).end(`{"keys": [${BODY_MARKER}`),
  notJwks: json({ keys: BODY_MARKER }),
  hang: () => {},
  stallBody: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).write('{"keys": [');
  },
};

async function listen(): Promise<void> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}/jwks.json`;
}

/** Closes the port (connection refused) or opens it again on the same port. */
async function setRefused(next: boolean): Promise<void> {
  if (next && !refused) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
  if (!next && refused) await listen();
  refused = next;
}

const jwk = async (kid: string, alg = 'RS256'): Promise<[JWK, CryptoKey]> => {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return [{ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, privateKey];
};

beforeAll(async () => {
  [[k1, k1Private], [k2], [ec]] = await Promise.all([jwk('k1'), jwk('k2'), jwk('k-ec', 'ES256')]);
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k-private', alg: 'RS256' };
  [[ed]] = await Promise.all([jwk('k-ed', 'EdDSA')]);
  const ecdh = await generateKeyPair('ECDH-ES', { crv: 'X25519', extractable: true });
  x25519 = await exportJWK(ecdh.publicKey);
  await listen();
  respond = serve([]);
  await (await fetch(url)).text(); // the first fetch of a process loads undici: keep that out of the timeouts below
});

afterAll(async () => {
  if (!refused) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

let fetchSpy: MockInstance<typeof fetch>;
let events: KeySourceEvent[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  arrivals = [];
  events = [];
  respond = serve([k1, k2, ec]);
  fetchSpy = vi.spyOn(globalThis, 'fetch');
});

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const res of open) res.socket?.destroy();
  await setRefused(false);
});

const at = (ms: number) => vi.setSystemTime(T0 + ms);
let wake: (() => void) | undefined;
const record = (event: KeySourceEvent) => {
  events.push(event);
  wake?.();
};
const source = (options: KeySourceOptions = {}) =>
  createRemoteKeySource(url, { timeoutDuration: 2000, staleWaitDuration: 2000, onEvent: record, ...options });
const lookup = (keys: KeySource, kid: string, alg = 'RS256') => keys({ alg, kid });

async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return 'key';
  } catch (error) {
    const { code, reason } = error as { code?: string; reason?: string };
    if (process.env.DBG && reason) console.log('DBG', reason, (error as Error).cause);
    return code ?? String(error);
  }
}

const ofType = <T extends KeySourceEvent['type']>(type: T) =>
  events.filter((e): e is Extract<KeySourceEvent, { type: T }> => e.type === type);
/** Fetches that ended (fetched or failed). */
const ended = () => ofType('fetched').length + ofType('failed').length;
/** Fetches started: one signal per fetch, whether or not it retried a dropped connection. */
const started = () => new Set(fetchSpy.mock.calls.map(([, init]) => init?.signal)).size;
/** Waits (for events, not for time) until every fetch started so far has ended: time stands still meanwhile. */
async function settle(): Promise<void> {
  while (ended() < started()) await new Promise<void>((resolve) => (wake = resolve));
}

describe('createRemoteKeySource options', () => {
  const typeError = (options: object, option: RegExp, target: unknown = 'https://idp.example/jwks') => {
    expect(() => createRemoteKeySource(target as string, options as KeySourceOptions)).toThrow(TypeError);
    expect(() => createRemoteKeySource(target as string, options as KeySourceOptions)).toThrow(option);
  };

  it.each([
    ['timeoutDuration', [0, -1, 1.5, '100', Number.NaN, 2 ** 31]],
    ['cooldownDuration', [-1, Number.NaN, Number.POSITIVE_INFINITY, '1', null]],
    ['cacheMaxAge', [-1, Number.POSITIVE_INFINITY, '600000']],
    ['maxStale', [-1, Number.NaN, '86400000']],
    ['maxResponseBytes', [0, 1.5, -1]],
    ['maxKeys', [0, 2.5, '100']],
    ['staleWaitDuration', [-1, 1.5, '300', Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, null]],
    ['onEvent', ['log', 42]],
  ])('refuses a bad %s with a TypeError that names it', (option, values) => {
    for (const value of values) typeError({ [option]: value }, new RegExp(`"${option}"`));
  });

  it('refuses unknown options, a non-object, and a URL that is not absolute http(s)', () => {
    typeError({ maxstale: 1 }, /"maxstale" is not known/);
    typeError({ headers: {} }, /"headers" is not known/);
    expect(() => createRemoteKeySource('https://idp.example/jwks', 'fast' as never)).toThrow(/"options"/);
    typeError({}, /absolute URL/, 'not a url');
    typeError({}, /http\(s\)/, 'file:///etc/jwks.json');
  });

  // Rule 66. A host is judged as WHATWG URL normalises it, which is the host fetch then connects to.
  it.each([
    ['https://idp.example/.well-known/jwks.json', 'https'],
    ['HTTPS://IDP.EXAMPLE:8443/jwks', 'https, any port'],
    ['https://@idp.example/jwks', 'an empty user info, which the parser drops'],
    ['http://127.0.0.1:8080/jwks', 'loopback'],
    ['http://127.255.255.254/jwks', 'the whole of 127.0.0.0/8'],
    ['http://localhost:3000/jwks', 'localhost'],
    ['http://LocalHost/jwks', 'host names are case-insensitive'],
    ['http://[::1]:8080/jwks', 'IPv6 loopback'],
    ['http://[0:0:0:0:0:0:0:1]/jwks', 'IPv6 loopback written out'],
    ['http://127.1/jwks', 'read as 127.0.0.1'],
    ['http://0x7f.1/jwks', 'read as 127.0.0.1'],
    ['http://2130706433/jwks', 'read as 127.0.0.1'],
    ['http://0177.0.0.1/jwks', 'read as 127.0.0.1 (octal)'],
    ['http://127.0.0.1./jwks', 'read as 127.0.0.1'],
    ['http://127.0.0.1\\@evil.example/jwks', 'a backslash ends an http host: 127.0.0.1, path /@evil.example/jwks'],
  ])('accepts %s (%s)', (target) => {
    expect(() => createRemoteKeySource(target, { onEvent: () => {} })).not.toThrow();
  });

  it.each([
    ['http://idp.example/jwks', 'another host over http'],
    ['http://10.0.0.5/jwks', 'a private address is still a network'],
    ['http://126.255.255.255/jwks', 'just below 127.0.0.0/8'],
    ['http://128.0.0.1/jwks', 'just above 127.0.0.0/8'],
    ['http://0.0.0.0/jwks', 'the unspecified address'],
    ['http://[::]/jwks', 'the unspecified IPv6 address'],
    ['http://127.0.0.1.evil.example/jwks', 'a domain that starts like an address'],
    ['http://127.0.0.1%2eevil.example/jwks', 'the same, with the dot percent-encoded'],
    ['http://localhost.evil/jwks', 'a domain that starts like localhost'],
    ['http://localhost./jwks', 'an absolute name, which a resolver may send to DNS'],
    ['http://api.localhost/jwks', 'a name under localhost, which a resolver may send to DNS'],
    ['http://evil.example#@127.0.0.1/jwks', 'the loopback address in the fragment'],
    ['http://[::ffff:127.0.0.1]/jwks', 'an IPv4-mapped IPv6 address'],
    ['http://[::ffff:7f00:1]/jwks', 'the same, in hex'],
    ['http://[::127.0.0.1]/jwks', 'an IPv4-compatible IPv6 address'],
  ])('refuses %s over http (%s)', (target) => {
    typeError({}, /^auth-errors: the JWKS URL must be an https URL: http is allowed only to a loopback host/, target);
    typeError({}, /https/, new URL(target));
  });

  it.each([
    'https://user@idp.example/jwks',
    'https://user:pa55word@idp.example/jwks',
    'https://:pa55word@idp.example/jwks',
    'http://user:pa55word@127.0.0.1/jwks',
    'http://127.0.0.1:8080@evil.example/jwks',
  ])('refuses %s: a URL with user info, in a message that does not repeat it', (target) => {
    typeError({}, /^auth-errors: the JWKS URL must not contain a user name or password$/, target);
  });

  it('accepts every duration at its bounds, and maxStale Infinity; creating fetches nothing', () => {
    createRemoteKeySource(new URL('https://idp.example/jwks'), {
      timeoutDuration: 1,
      cooldownDuration: 0,
      cacheMaxAge: 0,
      maxStale: Number.POSITIVE_INFINITY,
      maxResponseBytes: 1,
      maxKeys: 1,
      onEvent: () => {},
    });
    createRemoteKeySource(url, { staleWaitDuration: 0 });
    createRemoteKeySource(url, { staleWaitDuration: 2 ** 31 - 1 });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('jwtAuth names the options inside "jwks", and takes a keySource only from createRemoteKeySource', () => {
    const base = { issuer: 'https://as.example', audience: 'https://rs.example' };
    const create = (options: object) => () => createJwtVerifier({ ...base, ...options } as never);
    expect(create({ jwksUrl: url, jwks: { maxStale: -1 } })).toThrow(/"jwks\.maxStale"/);
    expect(create({ jwksUrl: url, jwks: { cacheMaxAge: '600' } })).toThrow(/"jwks\.cacheMaxAge"/);
    expect(create({ jwksUrl: url, jwks: { onEvent: true } })).toThrow(/"jwks\.onEvent"/);
    expect(create({ jwksUrl: url, jwks: { staleWaitDuration: -1 } })).toThrow(
      /^auth-errors: option "jwks\.staleWaitDuration" must be an integer number of milliseconds from 0 to 2147483647$/,
    );
    expect(create({ jwksUrl: url, jwks: { maxstale: 1 } })).toThrow(/"jwks\.maxstale" is not known/);
    expect(create({ jwksUrl: url, jwks: 5 })).toThrow(/"jwks"/);
    expect(create({ keySource: async () => ({}) })).toThrow(/"keySource"/);
    const keys = createRemoteKeySource(url);
    expect(create({ keySource: keys, jwks: {} })).toThrow(/"jwks"/);
    expect(create({ keySource: keys, jwksUrl: url })).toThrow(/exactly one/);
    expect(create({ keySource: keys, algorithms: ['HS256'] })).toThrow(/"algorithms"/);
    expect(create({ keySource: keys })).not.toThrow();
    expect(create({ jwksUrl: url, jwks: { maxStale: 0, cacheMaxAge: 1000 } })).not.toThrow();
  });
});

describe('fetching: one at a time, fresh keys without fetches', () => {
  it('a cold start with 50 concurrent lookups makes one fetch', async () => {
    const keys = source();
    const results = await Promise.all(Array.from({ length: 50 }, () => outcome(lookup(keys, 'k1'))));
    expect(new Set(results)).toEqual(new Set(['key']));
    expect(arrivals).toHaveLength(1);
    expect(ofType('fetched')).toEqual([{ type: 'fetched', keys: 3, maxAge: 10 * MINUTE }]);
  });

  it('serves every key type of the set, and no fetch while the set is fresh', async () => {
    const keys = source();
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(await outcome(lookup(keys, 'k-ec', 'ES256'))).toBe('key');
    at(7 * MINUTE); // before the refresh-ahead point (7.5 min of 10)
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(arrivals).toHaveLength(1);
  });

  it('refreshes ahead of expiry in the background: the lookup never waits, even on a hanging provider', async () => {
    const keys = source({ timeoutDuration: HANG_TIMEOUT });
    await lookup(keys, 'k1');
    respond = FAULTS.hang as Respond;
    at(8 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    // The lookup resolved although the refresh it started is still hanging.
    expect(fetchSpy).toHaveBeenCalledTimes(2);
    expect(ended()).toBe(1);
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(fetchSpy).toHaveBeenCalledTimes(2); // one at a time
    await settle();
    expect(ofType('failed')).toMatchObject([{ reason: 'timeout', failures: 1, retryIn: SECOND, age: 8 * MINUTE }]);
    expect(keys.health()).toMatchObject({ status: 'ok', keys: 3, failures: 1, reason: 'timeout' });
  });

  it('a refresh ahead still hanging when the set expires does not hold requests: the set serves until it ends', async () => {
    const keys = source({ timeoutDuration: HANG_TIMEOUT });
    await lookup(keys, 'k1');
    respond = FAULTS.hang as Respond;
    at(9 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key'); // starts the refresh, which hangs
    at(10 * MINUTE + SECOND); // expired while the refresh is in flight
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(ended()).toBe(1); // answered before the refresh ended
    await settle();
    expect(ofType('failed')).toMatchObject([{ reason: 'timeout' }]);
    expect(keys.health()).toMatchObject({ status: 'stale' });
  });

  it('an idle instance waits for one refetch that answers within staleWaitDuration: no request gets the expired set', async () => {
    respond = serve([k1, k2]);
    const keys = source();
    await lookup(keys, 'k1');
    respond = serve([k2]); // k1 removed while nobody was asking
    at(3 * 60 * MINUTE);
    const results = await Promise.all([1, 2, 3].map(() => outcome(lookup(keys, 'k1'))));
    expect(results).toEqual(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_NO_MATCHING_KEY']);
    expect(arrivals).toHaveLength(2);
  });

  // Rule 67: with a stale set in hand, a request waits for the refetch at most staleWaitDuration.
  it('an idle instance whose provider hangs: requests are served from the stale set after staleWaitDuration', async () => {
    const keys = source({ timeoutDuration: 1000, staleWaitDuration: SHORT_WAIT });
    await lookup(keys, 'k1');
    respond = FAULTS.hang as Respond;
    at(3 * 60 * MINUTE); // expired, within maxStale, nothing refreshed it
    const results = await Promise.all(Array.from({ length: 20 }, () => outcome(lookup(keys, 'k1'))));
    expect(results).toEqual(Array.from({ length: 20 }, () => 'key'));
    expect(ended()).toBe(1); // answered while the refetch was still in flight
    expect(fetchSpy).toHaveBeenCalledTimes(2); // one refetch for all of them
    // Once the bound has passed for this refetch, later requests do not wait for it at all.
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(ended()).toBe(1);
    // The refetch goes on in the background and its failure is announced as any other.
    await settle();
    expect(ofType('failed')).toMatchObject([{ reason: 'timeout', failures: 1, age: 3 * 60 * MINUTE }]);
    expect(ofType('stale')).toEqual([{ type: 'stale', age: 3 * 60 * MINUTE, keys: 3 }]);
    expect(keys.health()).toMatchObject({ status: 'stale', failures: 1, reason: 'timeout' });
  });

  it('a refetch that ends after staleWaitDuration still replaces the set: a removed key stops verifying then', async () => {
    respond = serve([k1, k2]);
    const keys = source({ staleWaitDuration: SHORT_WAIT });
    await lookup(keys, 'k1');
    let answer: (() => void) | undefined;
    respond = (req, res) => {
      answer = () => serve([k2])(req, res); // k1 removed; the provider answers when the test says so
    };
    at(3 * 60 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key'); // served from the stale set after the bound
    await vi.waitFor(() => expect(answer).toBeDefined(), { interval: 5 });
    answer?.();
    await settle();
    expect(ofType('fetched')).toHaveLength(2);
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
  });

  it('staleWaitDuration 0: a request never waits for the refetch, so a removed key verifies until it ends', async () => {
    respond = serve([k1, k2]);
    const keys = source({ staleWaitDuration: 0 });
    await lookup(keys, 'k1');
    respond = serve([k2]);
    at(3 * 60 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key'); // the expired set, the refetch started in the background
    expect(ended()).toBe(1);
    await settle();
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(arrivals).toHaveLength(2);
  });

  it('without a usable set (past maxStale, or a cold start) a request waits for the whole fetch, not the bound', async () => {
    respond = serve([k1, k2]);
    const keys = source({ staleWaitDuration: SHORT_WAIT, maxStale: 0 });
    await lookup(keys, 'k1');
    let answer: (() => void) | undefined;
    respond = (req, res) => {
      answer = () => serve([k2])(req, res);
    };
    at(11 * MINUTE); // expired, and maxStale 0 allows no stale use
    const pending = outcome(lookup(keys, 'k1'));
    await vi.waitFor(() => expect(answer).toBeDefined(), { interval: 5 });
    await new Promise((resolve) => setTimeout(resolve, 5 * SHORT_WAIT)); // well past the bound: still waiting
    answer?.();
    expect(await pending).toBe('ERR_JWKS_NO_MATCHING_KEY'); // the answer of the refetch, not the expired set
  });

  it('a successful refresh ahead replaces the set: the provider sees one fetch per cache age under load', async () => {
    const keys = source();
    for (let t = 0; t <= 60 * MINUTE; t += 5 * SECOND) {
      at(t);
      expect(await outcome(lookup(keys, 'k1'))).toBe('key');
      await settle();
    }
    // Every 7.5 min (a quarter ahead of the 10 min cache age): 0, 7.5, 15… 60.
    expect(arrivals.map((t) => (t - T0) / MINUTE)).toEqual([0, 7.5, 15, 22.5, 30, 37.5, 45, 52.5, 60]);
  });

  it("honours Cache-Control max-age within [min(cooldown, cacheMaxAge), cacheMaxAge]; Age and s-maxage don't count", async () => {
    const cases: [string | undefined, number][] = [
      ['public, max-age=120', 2 * MINUTE],
      ['max-age="240"', 4 * MINUTE],
      ['max-age=86400', 10 * MINUTE], // never longer than cacheMaxAge
      ['max-age=5', 30 * SECOND], // never shorter than the cooldown
      ['no-store', 30 * SECOND],
      ['no-cache, max-age=600', 30 * SECOND],
      ['s-maxage=60', 10 * MINUTE],
      ['max-age=ten', 10 * MINUTE],
      ['max-age=60, max-age=6000', MINUTE],
      [undefined, 10 * MINUTE],
    ];
    for (const [header, lifetime] of cases) {
      events = [];
      respond = serve([k1], header === undefined ? {} : { 'cache-control': header, age: '50' });
      await lookup(source(), 'k1');
      expect(ofType('fetched')[0]?.maxAge, header).toBe(lifetime);
    }
    events = [];
    respond = serve([k1], { 'cache-control': 'max-age=60' });
    await lookup(source({ cacheMaxAge: 20 * SECOND, cooldownDuration: 30 * SECOND }), 'k1');
    expect(ofType('fetched')[0]?.maxAge).toBe(20 * SECOND); // the floor is min(cooldown, cacheMaxAge)
  });

  it('a short max-age is refreshed on time: the set expires after 2 minutes, not 10', async () => {
    respond = serve([k1, k2], { 'cache-control': 'max-age=120' });
    const keys = source();
    await lookup(keys, 'k1');
    respond = serve([k2], { 'cache-control': 'max-age=120' });
    at(2 * MINUTE); // expired, the provider answers: the lookup waits for the refetch, k1 is gone
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    expect(arrivals).toHaveLength(2);
  });
});

describe('unknown kids', () => {
  it('10,000 concurrent lookups with random kids make one fetch and all get the 401 error', async () => {
    const keys = source();
    await lookup(keys, 'k1');
    at(31 * SECOND);
    const results = await Promise.all(Array.from({ length: 10_000 }, () => outcome(lookup(keys, randomUUID()))));
    expect(new Set(results)).toEqual(new Set(['ERR_JWKS_NO_MATCHING_KEY']));
    expect(arrivals).toHaveLength(2);
  });

  it('10,000 lookups with random kids over 5 minutes: at most one fetch per cooldown window', async () => {
    const keys = source();
    await lookup(keys, 'k1');
    const results = new Map<Outcome, number>();
    for (let i = 1; i <= 10_000; i += 1) {
      at(i * 30); // a lookup every 30 ms
      const result = await outcome(lookup(keys, randomUUID()));
      results.set(result, (results.get(result) ?? 0) + 1);
    }
    expect(results).toEqual(new Map([['ERR_JWKS_NO_MATCHING_KEY', 10_000]]));
    const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(30 * SECOND);
    expect(arrivals.length).toBeLessThanOrEqual(1 + Math.ceil((10_000 * 30) / (30 * SECOND)));
    // The known key still verifies: the refetches replaced the set with the same keys.
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
  });

  it('during an outage, a new kid past the backoff waits for one refetch; it fails, so 503', async () => {
    respond = serve([k1]);
    const keys = source();
    await lookup(keys, 'k1');
    respond = FAULTS.status500 as Respond;
    at(11 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key'); // the refetch fails: stale
    at(11 * MINUTE + SECOND); // past the first backoff
    expect(await outcome(lookup(keys, 'k-new'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(arrivals).toHaveLength(3);
    respond = serve([k1, k2]);
    at(11 * MINUTE + 3 * SECOND); // past the second backoff: the provider answers, k2 is there
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(ofType('recovered')).toHaveLength(1);
    expect(arrivals).toHaveLength(4);
  });

  // Rule 67: the bound is for a request the stale set can answer; an unknown kid can only be answered by the provider.
  it('an unknown kid during a hanging refetch waits for that refetch (not the bound), then 503; no second fetch', async () => {
    const keys = source({ timeoutDuration: 1000, staleWaitDuration: SHORT_WAIT });
    await lookup(keys, 'k1');
    respond = FAULTS.hang as Respond;
    at(3 * 60 * MINUTE);
    let unknownEndedAfter: number | undefined;
    const unknown = outcome(lookup(keys, 'k-new')).finally(() => {
      unknownEndedAfter = ended();
    });
    expect(await outcome(lookup(keys, 'k1'))).toBe('key'); // the known kid: after the bound, from the stale set
    expect(unknownEndedAfter).toBeUndefined();
    expect(await unknown).toBe('ERR_JWKS_UNAVAILABLE'); // the key may exist at the provider: never 401
    expect(unknownEndedAfter).toBe(2); // answered when the refetch had ended
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('an unknown kid on a provider slower than staleWaitDuration gets the key the refetch brings: 200, not 503', async () => {
    respond = serve([k1]);
    const keys = source({ staleWaitDuration: SHORT_WAIT });
    await lookup(keys, 'k1');
    respond = (req, res) => {
      setTimeout(() => serve([k1, k2])(req, res), 10 * SHORT_WAIT); // k2 published; answered after the bound
    };
    at(3 * 60 * MINUTE);
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(arrivals).toHaveLength(2);
  });

  it("jose's other key errors pass through: an HMAC alg, and a kid-less header matching several keys", async () => {
    const keys = source();
    expect(await outcome(lookup(keys, 'k1', 'HS256'))).toBe('ERR_JOSE_NOT_SUPPORTED');
    expect(await outcome(keys({ alg: 'RS256' }))).toBe('ERR_JWKS_MULTIPLE_MATCHING_KEYS');
    expect(arrivals).toHaveLength(1);
  });

  it('key rotation: a new kid after one refetch; a removed key stops after the next successful refetch', async () => {
    respond = serve([k1]);
    const keys = source();
    await lookup(keys, 'k1');
    respond = serve([k1, k2]);
    expect(await outcome(lookup(keys, 'k2'))).toBe('ERR_JWKS_NO_MATCHING_KEY'); // inside the cooldown: no fetch
    expect(arrivals).toHaveLength(1);
    at(30 * SECOND);
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(arrivals).toHaveLength(2);

    // k1 is retired, then the provider goes down. The next successful refetch drops k1 for good…
    respond = serve([k2]);
    at(10 * MINUTE + 30 * SECOND);
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(arrivals).toHaveLength(3);
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_NO_MATCHING_KEY');
    // …and the stale set served through the outage does not bring it back: k1 is unknown (503), k2 verifies.
    respond = FAULTS.status500 as Respond;
    at(25 * MINUTE);
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(keys.health().status).toBe('stale');
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
  });
});

describe('a 15-minute outage (from minute 5 to 20, the cache age is 10 minutes)', () => {
  const modes = ['status500', 'hang', 'refused', 'badJson', 'notJwks', 'stallBody'] as const;
  const summary: Record<string, unknown>[] = [];
  afterAll(() => console.log(`key-source: 15-minute outage, one lookup every 5 s ${JSON.stringify(summary)}`));

  it.each(modes)('%s: known kids never fail, unknown kids are 503, one fetch per backoff, recovery', async (mode) => {
    const keys = source({ timeoutDuration: mode === 'hang' || mode === 'stallBody' ? HANG_TIMEOUT : 2000 });
    const results = new Map<Outcome, number>();
    let unknown: Outcome | undefined;
    let health: unknown;
    for (let t = 0; t <= 25 * MINUTE; t += 5 * SECOND) {
      at(t);
      if (t === 5 * MINUTE) {
        if (mode === 'refused') await setRefused(true);
        else respond = FAULTS[mode] as Respond;
      }
      if (t === 20 * MINUTE) {
        await setRefused(false);
        respond = serve([k1, k2, ec]);
      }
      const result = await outcome(lookup(keys, (t / (5 * SECOND)) % 2 ? 'k1' : 'k2'));
      results.set(result, (results.get(result) ?? 0) + 1);
      if (t === 15 * MINUTE) {
        unknown = await outcome(lookup(keys, 'k-new'));
        health = keys.health();
      }
      await settle();
    }
    expect(results).toEqual(new Map([['key', 301]]));
    expect(unknown).toBe('ERR_JWKS_UNAVAILABLE');
    expect(health).toMatchObject({ status: 'stale', failures: expect.any(Number), age: 15 * MINUTE, keys: 3 });

    // Backoff: 1, 2, 4, 8, 16, then 30 s (the cooldown) between failed fetches, whatever the traffic.
    const failed = ofType('failed');
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.map((e) => e.retryIn).slice(0, 7)).toEqual([1, 2, 4, 8, 16, 30, 30].map((s) => s * SECOND));
    expect(started()).toBe(ended());
    expect(failed.map((e) => e.reason).filter((r) => r !== failed[0]?.reason)).toEqual([]);
    // No response body ever reaches an event.
    expect(JSON.stringify(events)).not.toContain(BODY_MARKER);
    expect(ofType('stale')).toEqual([{ type: 'stale', age: expect.any(Number), keys: 3 }]);
    expect(ofType('recovered')).toMatchObject([{ failures: failed.length, keys: 3 }]);
    expect(ofType('expired')).toEqual([]);
    expect(keys.health()).toEqual({ status: 'ok', age: expect.any(Number), keys: 3, failures: 0 });
    summary.push({
      mode,
      reason: failed[0]?.reason,
      lookups: 301,
      failedLookups: 0,
      fetches: started(),
      failedFetches: failed.length,
    });
  });

  it('fetches are spaced by the backoff: never two within one interval', async () => {
    const keys = source();
    await lookup(keys, 'k1');
    respond = FAULTS.status500 as Respond;
    for (let t = 10 * MINUTE; t <= 25 * MINUTE; t += 250) {
      at(t);
      expect(await outcome(lookup(keys, 'k1'))).toBe('key');
      await settle();
    }
    const failed = arrivals.slice(1);
    const intervals = [1, 2, 4, 8, 16].map((s) => s * SECOND);
    for (let i = 1; i < failed.length; i += 1) {
      expect((failed[i] as number) - (failed[i - 1] as number)).toBeGreaterThanOrEqual(intervals[i - 1] ?? 30 * SECOND);
    }
    expect(failed.length).toBeLessThanOrEqual(5 + Math.ceil((15 * MINUTE - 31 * SECOND) / (30 * SECOND)) + 1);
  });

  it('the default log: one line when it goes down, at most one a minute while down, one when it recovers', async () => {
    const lines: { at: number; text: string }[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => lines.push({ at: Date.now() - T0, text }));
    const log = createKeySourceLogger('idp.example');
    const keys = createRemoteKeySource(`${url}?tenant=${BODY_MARKER}`, {
      timeoutDuration: 2000,
      onEvent: (event) => {
        log(event);
        record(event);
      },
    });
    for (let t = 0; t <= 25 * MINUTE; t += SECOND) {
      at(t);
      if (t === 5 * MINUTE) respond = FAULTS.status500 as Respond;
      if (t === 20 * MINUTE) respond = serve([k1]);
      for (let i = 0; i < 10; i += 1) expect(await outcome(lookup(keys, 'k1'))).toBe('key');
      await settle();
    }
    const texts = lines.map((line) => line.text);
    expect(texts[0]).toBe('auth-errors: JWKS at idp.example is unavailable (http_status 500); using keys of 8 min ago');
    expect(texts.at(-1)).toBe('auth-errors: JWKS at idp.example recovered after 13 min and 29 failed fetches: 1 keys');
    const down = lines.slice(1, -1);
    for (const line of down) expect(line.text).toMatch(/^auth-errors: JWKS at idp\.example still unavailable after/);
    for (let i = 1; i < lines.length - 1; i += 1) {
      expect((lines[i] as { at: number }).at - (lines[i - 1] as { at: number }).at).toBeGreaterThanOrEqual(MINUTE);
    }
    expect(down.length).toBeLessThanOrEqual(13);
    expect(texts.join('\n')).not.toContain(BODY_MARKER);
  });

  it('without onEvent, the same lines go to stderr with the host of the URL only', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => lines.push(text));
    const keys = createRemoteKeySource(`${url}?tenant=${BODY_MARKER}`, { timeoutDuration: 2000 });
    await lookup(keys, 'k1');
    respond = FAULTS.status500 as Respond;
    at(11 * MINUTE);
    for (let i = 0; i < 100; i += 1) expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    await vi.waitFor(() => expect(lines).toHaveLength(1), { interval: 5 });
    expect(lines[0]).toBe(
      `auth-errors: JWKS at 127.0.0.1:${port} is unavailable (http_status 500); using keys of 11 min ago`,
    );
  });
});

describe('past maxStale, and cold starts', () => {
  it('past maxStale the set is dropped: every lookup is 503, once announced, until the provider is back', async () => {
    const keys = source({ maxStale: 60 * MINUTE });
    await lookup(keys, 'k1');
    respond = FAULTS.status500 as Respond;
    at(69 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    await settle();
    at(70 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
    await settle();
    expect(ofType('expired')).toEqual([{ type: 'expired', age: 70 * MINUTE }]);
    expect(keys.health()).toMatchObject({ status: 'unavailable', age: 70 * MINUTE, failures: expect.any(Number) });
    respond = serve([k1]);
    at(72 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(keys.health()).toMatchObject({ status: 'ok', failures: 0 });
  });

  it('a cold start while the provider is down: 503 at once inside the backoff, one fetch per interval', async () => {
    respond = FAULTS.status500 as Respond;
    const keys = source();
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
    for (let i = 0; i < 100; i += 1) expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(arrivals).toHaveLength(1);
    at(SECOND);
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
    expect(arrivals).toHaveLength(2);
    respond = serve([k1]);
    at(2 * SECOND); // inside the 2 s backoff
    expect(await outcome(lookup(keys, 'k1'))).toBe('ERR_JWKS_UNAVAILABLE');
    at(3 * SECOND);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(arrivals).toHaveLength(3);
    expect(ofType('recovered')).toEqual([{ type: 'recovered', downFor: 3 * SECOND, failures: 2, keys: 1 }]);
  });

  it('the error is a KeySourceError with the reason, and no body', async () => {
    respond = FAULTS.status500 as Respond;
    const error = await lookup(source(), 'k1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeySourceError);
    expect(error).toMatchObject({ name: 'KeySourceError', code: 'ERR_JWKS_UNAVAILABLE', reason: 'http_status 500' });
    expect(String(error)).not.toContain(BODY_MARKER);
  });
});

describe('createKeySourceLogger', () => {
  it('words a cold start, long outages, maxStale and recovery, one line per state change', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => lines.push(text));
    const log = createKeySourceLogger('idp.example');
    log({ type: 'fetched', keys: 2, maxAge: 600_000 });
    log({ type: 'failed', reason: 'network', failures: 1, retryIn: 1000 });
    log({ type: 'failed', reason: 'network', failures: 2, retryIn: 2000 });
    at(3 * 60 * MINUTE);
    log({ type: 'stale', age: 3 * 60 * MINUTE, keys: 2 });
    log({ type: 'expired', age: 25 * 60 * MINUTE });
    log({ type: 'recovered', downFor: 26 * 60 * MINUTE, failures: 80, keys: 2 });
    expect(lines).toEqual([
      'auth-errors: JWKS at idp.example is unavailable (network); no keys yet, JWT requests get 503',
      'auth-errors: JWKS at idp.example still unavailable after 3 h; using keys of 3 h ago',
      'auth-errors: JWKS at idp.example unavailable past maxStale: keys of 25 h ago dropped, JWT requests get 503',
      'auth-errors: JWKS at idp.example recovered after 26 h and 80 failed fetches: 2 keys',
    ]);
  });
});

describe('health() and refresh()', () => {
  it('health() on a cold source is unavailable and starts the first fetch; refresh() waits for one', async () => {
    const keys = source();
    expect(keys.health()).toEqual({ status: 'unavailable', failures: 0 });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(await keys.refresh()).toEqual({ status: 'ok', age: 0, keys: 3, failures: 0 });
    expect(fetchSpy).toHaveBeenCalledTimes(1); // refresh() joined the fetch in flight
    at(10 * SECOND);
    expect(await keys.refresh()).toEqual({ status: 'ok', age: 10 * SECOND, keys: 3, failures: 0 });
    expect(fetchSpy).toHaveBeenCalledTimes(1); // inside the cooldown
    at(40 * SECOND);
    expect(await keys.refresh()).toMatchObject({ status: 'ok', age: 0 });
    expect(fetchSpy).toHaveBeenCalledTimes(2);
  });

  it('health() keeps an idle source fresh: past the refresh-ahead point it starts a background refresh', async () => {
    const keys = source();
    await keys.refresh();
    at(8 * MINUTE);
    expect(keys.health()).toMatchObject({ status: 'ok', age: 8 * MINUTE });
    await settle();
    expect(keys.health()).toMatchObject({ status: 'ok', age: 0 });
    expect(arrivals).toHaveLength(2);
  });

  it('refresh() on a cold source that is down resolves (never rejects) with unavailable and the reason', async () => {
    respond = FAULTS.notJwks as Respond;
    expect(await source().refresh()).toEqual({ status: 'unavailable', failures: 1, reason: 'not_a_jwks' });
  });

  it('an event handler that throws changes nothing', async () => {
    const keys = createRemoteKeySource(url, {
      onEvent: () => {
        throw new Error('handler bug');
      },
    });
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
  });
});

describe('bad input from the provider: bounded, evented, never a crash', () => {
  /** The reason of the first fetch's failure; neither the error (with its causes) nor the events hold the body. */
  async function failure(respondWith: Respond, options: KeySourceOptions = {}) {
    respond = respondWith;
    const error = await lookup(source(options), 'k1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeySourceError);
    expect(inspect(error, { depth: 10 })).not.toContain(BODY_MARKER);
    expect(JSON.stringify(events)).not.toContain(BODY_MARKER);
    expect(ofType('failed')[0]?.reason).toBe((error as KeySourceError).reason);
    return (error as KeySourceError).reason;
  }

  it('a connection the provider drops is tried once more on a new one; every connection dropped is "network"', async () => {
    let drop = 1;
    respond = (req, res) => (drop-- > 0 ? req.socket.destroy() : serve([k1])(req, res));
    expect(await outcome(lookup(source(), 'k1'))).toBe('key');
    expect(arrivals).toHaveLength(2);
    expect(ofType('failed')).toEqual([]);
    arrivals = [];
    expect(await failure((req) => req.socket.destroy())).toBe('network');
    expect(arrivals).toHaveLength(2);
  });

  it('a 100 MB response is refused on its Content-Length, before the body is read', async () => {
    let written = 0;
    const reason = await failure((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 100 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', () => res.off('drain', pump));
      pump();
    });
    expect(reason).toBe('too_large');
  });

  it('the fetch timeout fires even while the garbage collector runs', async () => {
    // On Node 20, AbortSignal.any() over AbortSignal.timeout() loses the timeout to a collection: the fetch
    // to a hanging provider then never ends, and one fetch at a time would mean no fetch ever again.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collecting = setInterval(gc, 10);
    try {
      expect(await failure(FAULTS.hang as Respond, { timeoutDuration: HANG_TIMEOUT })).toBe('timeout');
      expect(await failure(FAULTS.stallBody as Respond, { timeoutDuration: HANG_TIMEOUT })).toBe('timeout');
    } finally {
      clearInterval(collecting);
    }
  });

  it('a body that never ends is cut at maxResponseBytes', async () => {
    let closed = false;
    const reason = await failure(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length
        res.write('{"keys": [');
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        const pump = () => {
          while (!closed && res.write(chunk)) {}
        };
        res.on('drain', pump);
        res.on('close', () => {
          closed = true;
        });
        pump();
      },
      { maxResponseBytes: 64 * 1024 },
    );
    expect(reason).toBe('too_large');
    await vi.waitFor(() => expect(closed).toBe(true), { interval: 5 }); // the connection was given up, not left streaming
  });

  it('a valid set over the default 512 KiB is refused; the same set is fine with a larger cap', async () => {
    const padded = { keys: [k1], padding: 'x'.repeat(600 * 1024) };
    expect(await failure(json(padded))).toBe('too_large');
    events = [];
    expect(await outcome(lookup(source({ maxResponseBytes: 1024 * 1024 }), 'k1'))).toBe('key');
  });

  it('thousands of keys are refused (too_large, or too_many_keys under a larger cap); the last good set is kept', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ ...k2, kid: `k${i + 100}` }));
    expect(await failure(serve([k1, ...many]))).toBe('too_large');
    events = [];
    expect(await failure(serve([k1, ...many]), { maxResponseBytes: 16 * 1024 * 1024 })).toBe('too_many_keys');
    events = [];
    respond = serve([k1]);
    const keys = source({ maxKeys: 2 });
    await lookup(keys, 'k1');
    respond = serve([k1, k2, ec]);
    at(10 * MINUTE);
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(ofType('failed')).toMatchObject([{ reason: 'too_many_keys' }]);
  });

  it.each([
    ['invalid_json', FAULTS.badJson],
    ['invalid_json', ((_req, res) => res.writeHead(200).end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))) as Respond],
    ['not_a_jwks', FAULTS.notJwks],
    ['not_a_jwks', json([k1])],
    ['not_a_jwks', json(null)],
    ['no_usable_keys', serve([])],
    ['timeout', FAULTS.hang],
    ['timeout', FAULTS.stallBody],
    ['http_status 404', ((_req, res) => res.writeHead(404).end(BODY_MARKER)) as Respond],
  ])('%s', async (reason, respondWith) => {
    const timeoutDuration = reason === 'timeout' ? HANG_TIMEOUT : 2000;
    expect(await failure(respondWith as Respond, { timeoutDuration })).toBe(reason);
  });

  it('a connection dropped in the middle of the body is "network"', async () => {
    const reason = await failure((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys": [', () => res.socket?.destroy());
    });
    expect(reason).toBe('network');
  });

  it('a redirect is not followed: http_status 302, one request', async () => {
    expect(await failure((_req, res) => res.writeHead(302, { location: `${url}?elsewhere` }).end())).toBe(
      'http_status 302',
    );
    expect(arrivals).toHaveLength(1);
  });

  it('drops private, symmetric, encryption, wrong-algorithm and malformed keys, and duplicate kids, with an event', async () => {
    respond = serve([
      k1,
      { ...k2, kid: 'k1' }, // the same kid and kty again: the first wins
      { ...ec, kid: 'k1' }, // another kty may share a kid
      privateJwk,
      { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0', kid: 'k-oct', alg: 'HS256' },
      { ...k2, kid: 'k-enc', use: 'enc' },
      { ...k2, kid: 'k-ops', key_ops: ['encrypt'] },
      { ...k2, kid: 'k-hs', alg: 'HS256' },
      { ...k2, kid: 'k-none', alg: 'none' },
      { ...ec, kid: 'k-bad', x: ec.y }, // not on the curve
      { ...k2, kid: 'k-small', n: 'AQAB' }, // a 17-bit RSA key
      { ...k2, kid: 42 } as unknown as JWK,
      { kty: 'AKP', kid: 'k-akp', alg: 'ML-DSA-44', pub: 'AAAA' },
      'not a key' as unknown as JWK,
      { ...k2, kid: 'k2', key_ops: ['verify'] },
      ed, // an Ed25519 key: kept
      { ...x25519, kid: 'k-x25519' }, // an ECDH key cannot verify
      { ...ec, kid: undefined }, // no kid: kept, and never a duplicate
      { ...ec, kid: undefined },
    ]);
    const keys = source();
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(await outcome(lookup(keys, 'k1', 'ES256'))).toBe('key');
    expect(await outcome(lookup(keys, 'k2'))).toBe('key');
    expect(await outcome(lookup(keys, 'k-ed', 'EdDSA'))).toBe('key');
    const names = ['k-private', 'k-oct', 'k-enc', 'k-ops', 'k-hs', 'k-none', 'k-bad', 'k-small', 'k-akp', 'k-x25519'];
    for (const kid of names) {
      expect(await outcome(lookup(keys, kid)), kid).toBe('ERR_JWKS_NO_MATCHING_KEY');
    }
    expect(ofType('dropped')).toEqual([
      {
        type: 'dropped',
        count: 13,
        reasons: {
          duplicate_kid: 1,
          private_key: 1,
          symmetric_key: 1,
          use: 1,
          key_ops: 1,
          algorithm: 2,
          invalid_key: 3,
          key_size: 1,
          key_type: 1,
          not_a_key: 1,
        },
      },
    ]);
    expect(ofType('fetched')).toMatchObject([{ keys: 6 }]);
    // The duplicate that was dropped is not what verifies: k1's own key is.
    const jws = await new CompactSign(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(k1Private);
    expect((await compactVerify(jws, keys)).protectedHeader.kid).toBe('k1');
  });

  it('drops keys the allow-list of public-jwk.ts refuses that WebCrypto would import: the rules are one', async () => {
    respond = serve([
      k1,
      { ...ec, kid: 'k-ops-mixed', key_ops: ['verify', 1] } as unknown as JWK,
      { ...ec, kid: 'k-ec-rs256', alg: 'RS256' }, // an RSA algorithm on an EC key: never selected
      { ...ec, kid: 'k-ec-es384', alg: 'ES384' }, // another curve's algorithm
      { ...ec, kid: 'k-padded', x: `${ec.x}=` }, // WebCrypto imports it; RFC 7518 §6.2.1.2 wants the exact size
      { ...ec, kid: 'k-huge-x', x: 'A'.repeat(100_000) },
      { ...ec, kid: 'k-ext', ext: 'true' } as unknown as JWK,
      { ...ec, kid: 'k-oth', oth: [] } as unknown as JWK,
      { kty: 'constructor', kid: 'k-proto' } as unknown as JWK,
      { ...ed, kid: 'k-ed-es256', alg: 'ES256' },
    ]);
    const keys = source();
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    for (const kid of ['k-ops-mixed', 'k-ec-rs256', 'k-ec-es384', 'k-padded', 'k-huge-x', 'k-ext', 'k-oth']) {
      expect(await outcome(lookup(keys, kid, 'ES256')), kid).toBe('ERR_JWKS_NO_MATCHING_KEY');
    }
    expect(ofType('dropped')).toEqual([
      {
        type: 'dropped',
        count: 9,
        reasons: { key_ops: 1, algorithm: 3, invalid_key: 3, private_key: 1, key_type: 1 },
      },
    ]);
  });

  it('the default log reports dropped keys once, not on every refetch', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => lines.push(text));
    respond = serve([k1, privateJwk]);
    const keys = createRemoteKeySource(url, { timeoutDuration: 2000 });
    await lookup(keys, 'k1');
    for (let t = 1; t <= 3; t += 1) {
      at(t * 10 * MINUTE);
      await lookup(keys, 'k1');
    }
    expect(arrivals).toHaveLength(4);
    expect(lines).toEqual([`auth-errors: JWKS at 127.0.0.1:${port} served 1 keys that are ignored (private_key 1)`]);
  });
});

/** An RSA signing key and its public JWK (kid `kid`, RS256). */
interface RsaSigner {
  readonly jwk: JWK;
  readonly privateKey: CryptoKey;
}

async function rsaSigner(kid: string, privateJwk: JWK): Promise<RsaSigner> {
  const privateKey = (await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  return { privateKey, jwk: { kty: 'RSA', n: privateJwk.n, e: privateJwk.e, kid, alg: 'RS256', use: 'sig' } };
}

/** A public RSA JWK with a random odd modulus of `bits` bits: WebCrypto imports it as a key of that size. */
function bigModulus(kid: string, bits: number): JWK {
  const bytes = crypto.getRandomValues(new Uint8Array(bits / 8));
  bytes[0] = (bytes[0] as number) | 0x80;
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 1;
  return { kty: 'RSA', n: base64url.encode(bytes), e: 'AQAB', kid, alg: 'RS256', use: 'sig' };
}

// Rule 68. Fixed keys (rsa-test-keys.ts): generating 4096-bit keys takes seconds on a loaded machine.
describe('RSA keys outside 2048 to 4096 bits, or with an exponent other than 65537, are dropped', () => {
  const ISSUER = 'https://issuer.rsa-limits.invalid';
  const AUDIENCE = 'https://orders.rsa-limits.invalid';
  let rsa4096: RsaSigner;
  let rsa4104: RsaSigner;
  let e3: RsaSigner;
  let e64: RsaSigner;

  beforeAll(async () => {
    [rsa4096, rsa4104, e3, e64] = await Promise.all([
      rsaSigner('k-4096', testKeys.rsa4096),
      rsaSigner('k-4104', testKeys.rsa4104),
      rsaSigner('k-e3', testKeys.exponent3),
      rsaSigner('k-e64', testKeys.exponent64),
    ]);
  });

  const sign = (signer: RsaSigner) =>
    new SignJWT({ scope: 'orders:read' })
      .setProtectedHeader({ alg: 'RS256', kid: signer.jwk.kid as string })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setExpirationTime('5m')
      .sign(signer.privateKey);

  it('a 2048- and a 4096-bit key are kept; bigger moduli and other exponents are dropped, with the reason', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: string) => lines.push(text));
    const log = createKeySourceLogger('idp.example');
    respond = serve([
      k1, // 2048 bits, e = 65537
      rsa4096.jwk,
      rsa4104.jwk,
      bigModulus('k-8192', 8192),
      bigModulus('k-16384', 16384),
      e3.jwk,
      e64.jwk,
      { ...k2, kid: 'k-e-padded', e: 'AAEAAQ' }, // 65537 with a leading zero octet (RFC 7518 §2: minimal octets)
      { ...k2, kid: 'k-n-text', n: 'not base64url!' }, // malformed, not out of bounds
      { kty: 'RSA', e: 'AQAB', kid: 'k-no-n' },
      { ...k2, kid: 'k-e-number', e: 65537 } as unknown as JWK,
    ]);
    const keys = source({
      onEvent: (event) => {
        record(event);
        log(event);
      },
    });
    expect(await outcome(lookup(keys, 'k1'))).toBe('key');
    expect(await outcome(lookup(keys, 'k-4096'))).toBe('key');
    for (const kid of ['k-4104', 'k-8192', 'k-16384', 'k-e3', 'k-e64', 'k-e-padded']) {
      expect(await outcome(lookup(keys, kid)), kid).toBe('ERR_JWKS_NO_MATCHING_KEY');
    }
    expect(ofType('dropped')).toEqual([
      { type: 'dropped', count: 9, reasons: { key_size: 3, key_exponent: 3, invalid_key: 3 } },
    ]);
    expect(ofType('fetched')).toMatchObject([{ keys: 2 }]);
    expect(lines).toEqual([
      'auth-errors: JWKS at idp.example served 9 keys that are ignored (key_size 3, key_exponent 3, invalid_key 3)',
    ]);
  });

  it("a token signed by a dropped key is 401 invalid_token, as an unknown key's; the kept 4096-bit key verifies", async () => {
    respond = serve([rsa4096.jwk, rsa4104.jwk, e3.jwk, e64.jwk]);
    const verify = createJwtVerifier({
      keySource: source(),
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
    });
    expect((await verify(await sign(rsa4096))).payload.sub).toBe('user-1');
    for (const signer of [rsa4104, e3, e64]) {
      const error = await verify(await sign(signer)).then(
        () => undefined,
        (caught: unknown) => caught as { code?: string; status?: number; detail?: string },
      );
      expect(error, signer.jwk.kid).toMatchObject({
        code: 'invalid_token',
        status: 401,
        detail: 'The access token is signed with an unknown key',
      });
    }
    expect(ofType('dropped')).toEqual([{ type: 'dropped', count: 3, reasons: { key_size: 1, key_exponent: 2 } }]);
  });
});
