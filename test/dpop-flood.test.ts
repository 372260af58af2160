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
import { AUDIENCE, createIssuer, ISSUER, type Issuer } from './support/dpop.js';
import { FLOOD_PROOFS, floodAndCall, OTHER_REQUESTS } from './support/dpop-flood.js';
import { header, headerLines, type RawResponse, rawRequest, serve } from './support/http.js';

const SHARE = 50; // the default: a tenth of maxEntries

let issuer: Issuer;
let consoleError: MockInstance<typeof console.error>;

beforeAll(() => {
  issuer = createIssuer();
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

describe('rule 70: a key flooding unique proofs cannot lock other keys out of the in-process store', () => {
  it('the flooder gets its share then 429 with Retry-After; the other key gets 200 throughout; one log line', async () => {
    const port = await api();
    const result = await floodAndCall(issuer, `http://127.0.0.1:${port}/orders`, (token, dpop) =>
      call(port, token, dpop),
    );
    if (process.env.DPOP_FLOOD_REPORT) console.log(`in-process store of 500: ${result.summary}`);
    const { flood, otherStatuses, floodLeft } = result;
    const refused = flood.filter((r) => r.status === 429);
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
    expect(JSON.stringify(consoleError.mock.calls)).not.toContain(result.flooderJkt);
  });
});
