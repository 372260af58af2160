/**
 * One DPoP user must not lock out every other (docs/conformance.md rules 69,
 * 70): on a real Express 5 server whose in-process replay store holds 500
 * proofs, one key floods unique, valid proofs as fast as 32 concurrent
 * connections carry them, while another key makes its ordinary requests. The
 * flooder gets its share (a tenth of the store) and then 429 with
 * Retry-After; the other key gets 200 every time; the log has one line for
 * the whole flood. Without the per-key share the store fills and every DPoP
 * request, the other key's included, is 503.
 *
 * DPOP_FLOOD_REPORT=1 prints the figures (proofs sent, 429s, the other key's latency).
 */
import { authErrors, createMemoryReplayStore, jwtAuth } from '@auth-errors/express';
import express from 'express';
import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { AUDIENCE, type ClientKey, clientKey, createIssuer, ISSUER, type Issuer, proof } from './support/dpop.js';
import { header, headerLines, type RawResponse, rawRequest, serve } from './support/http.js';

const FLOOD_PROOFS = 3000;
const CONNECTIONS = 32;
const OTHER_REQUESTS = 20;
const SHARE = 50; // the default: a tenth of maxEntries
/** Past the flooder's share, and past what the store holds without shares. */
const START_OTHER_AFTER = 800;

let issuer: Issuer;
let flooder: ClientKey;
let other: ClientKey;
let consoleError: MockInstance<typeof console.error>;

beforeAll(async () => {
  issuer = createIssuer();
  flooder = await clientKey();
  other = await clientKey();
});
beforeEach(() => {
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => consoleError.mockRestore());

/** The API: one DPoP route, the in-process store capped at 500, the renderer's default log. */
function api(): Promise<number> {
  const app = express();
  const replayStore = createMemoryReplayStore({ maxEntries: 500 });
  const guard = jwtAuth({
    key: issuer.signer.verifyKey,
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    dpop: { mode: 'required', algorithms: ['ES256'], replayStore },
  });
  app.get('/orders', guard, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(authErrors());
  return serve(app);
}

function call(port: number, token: string, dpop: string): Promise<RawResponse> {
  return rawRequest(port, {
    path: '/orders',
    headers: [
      ['Authorization', `DPoP ${token}`],
      ['DPoP', dpop],
    ],
  });
}

/** `200 ×50, 429 ×2950`. */
const count = (statuses: readonly number[]) =>
  [...new Set(statuses)]
    .sort()
    .map((status) => `${status} ×${statuses.filter((s) => s === status).length}`)
    .join(', ');
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('rule 70: a key flooding unique proofs cannot lock other keys out of the in-process store', () => {
  it('the flooder gets its share then 429 with Retry-After; the other key gets 200 throughout; one log line', async () => {
    const port = await api();
    const htu = `http://127.0.0.1:${port}/orders`;
    const floodToken = await issuer.token(flooder.jkt);
    const otherToken = await issuer.token(other.jkt);
    const pool = await Promise.all(
      Array.from({ length: FLOOD_PROOFS }, () => proof({ key: flooder, htm: 'GET', htu, token: floodToken })),
    );

    const flood: RawResponse[] = [];
    let next = 0;
    const worker = async () => {
      while (next < pool.length) flood.push(await call(port, floodToken, pool[next++] as string));
    };
    const floodStart = performance.now();
    const flooding = Promise.all(Array.from({ length: CONNECTIONS }, worker)).then(() => performance.now());
    // The other key starts once the flood is past the store's size, and must finish before the flood does.
    while (flood.length < START_OTHER_AFTER) await new Promise((resolve) => setTimeout(resolve, 5));

    const latencies: number[] = [];
    const otherStatuses: number[] = [];
    for (let i = 0; i < OTHER_REQUESTS; i++) {
      const dpop = await proof({ key: other, htm: 'GET', htu, token: otherToken });
      const started = performance.now();
      const response = await call(port, otherToken, dpop);
      latencies.push(performance.now() - started);
      otherStatuses.push(response.status);
    }
    const floodLeft = FLOOD_PROOFS - flood.length;
    const floodEnd = await flooding;

    const refused = flood.filter((r) => r.status === 429);
    if (process.env.DPOP_FLOOD_REPORT) {
      console.log(
        `in-process store of 500: ${flood.length} flood proofs in ${((floodEnd - floodStart) / 1000).toFixed(1)} s ` +
          `(${CONNECTIONS} connections): ${count(flood.map((r) => r.status))}; ` +
          `other key: ${count(otherStatuses)} of ${OTHER_REQUESTS}, ` +
          `latency median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
    }
    expect(floodLeft, 'the other key finished during the flood').toBeGreaterThan(0);
    expect(otherStatuses).toEqual(Array(OTHER_REQUESTS).fill(200));
    expect(flood).toHaveLength(FLOOD_PROOFS);
    expect(flood.filter((r) => r.status === 200)).toHaveLength(SHARE);
    expect(refused).toHaveLength(FLOOD_PROOFS - SHARE);

    // What the flooder sees, whole: 429, Retry-After until its oldest proof expires, no challenge, not cacheable.
    const sample = refused[refused.length - 1] as RawResponse;
    const retryAfter = Number(header(sample, 'retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(headerLines(sample, 'www-authenticate')).toEqual([]);
    expect(header(sample, 'cache-control')).toBe('no-store');
    expect(header(sample, 'content-type')).toBe('application/problem+json');
    expect(JSON.parse(sample.body)).toEqual({
      type: 'https://auth-errors.dev/problems/too-many-requests',
      title: 'Too many requests',
      status: 429,
      detail: 'This DPoP key sent more proofs than the server holds for one key. Retry after Retry-After seconds',
      code: 'too_many_requests',
    });
    // One line for the flood, naming no key; no line per refused request.
    expect(consoleError.mock.calls).toEqual([
      [
        'auth-errors: a DPoP key holds its whole share of the replay store: its requests get 429 until its oldest proofs expire',
      ],
    ]);
    expect(JSON.stringify(consoleError.mock.calls)).not.toContain(flooder.jkt);
  });
});
