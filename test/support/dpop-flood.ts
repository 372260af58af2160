/**
 * One DPoP key floods unique, valid proofs over 32 connections while another
 * key makes 20 ordinary requests, once the flood is past the flooder's share
 * and past what a store without shares would hold: the harness of the replay
 * store's flood tests (in-process and Redis, docs/conformance.md rule 70).
 */
import { clientKey, type Issuer, proof } from './dpop.js';
import type { RawResponse } from './http.js';

export const FLOOD_PROOFS = 3000;
export const CONNECTIONS = 32;
export const OTHER_REQUESTS = 20;
/** Past the flooder's share, and past what a store without shares holds. */
const START_OTHER_AFTER = 800;

/** `200 ×50, 429 ×2950`. */
const count = (statuses: readonly number[]) =>
  [...new Set(statuses)]
    .sort()
    .map((status) => `${status} ×${statuses.filter((s) => s === status).length}`)
    .join(', ');
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export interface FloodResult {
  /** What the flooder got, one response per proof. */
  readonly flood: readonly RawResponse[];
  /** What the other key got, in order. */
  readonly otherStatuses: readonly number[];
  /** Flood proofs still unsent when the other key was done: above 0, it was answered during the flood. */
  readonly floodLeft: number;
  /** The flooder's key thumbprint, which no log line may name. */
  readonly flooderJkt: string;
  /** The figures, for DPOP_FLOOD_REPORT. */
  readonly summary: string;
}

/** `call(token, proof)` sends one DPoP request for `htu`, the route under test. */
export async function floodAndCall(
  issuer: Issuer,
  htu: string,
  call: (token: string, dpop: string) => Promise<RawResponse>,
): Promise<FloodResult> {
  const flooder = await clientKey();
  const other = await clientKey();
  const floodToken = await issuer.token(flooder.jkt);
  const otherToken = await issuer.token(other.jkt);
  const pool = await Promise.all(
    Array.from({ length: FLOOD_PROOFS }, () => proof({ key: flooder, htm: 'GET', htu, token: floodToken })),
  );
  const flood: RawResponse[] = [];
  let next = 0;
  const worker = async () => {
    while (next < pool.length) flood.push(await call(floodToken, pool[next++] as string));
  };
  const started = performance.now();
  const flooding = Promise.all(Array.from({ length: CONNECTIONS }, worker)).then(() => performance.now());
  // The other key starts once the flood is past the store's size, and must finish before the flood does.
  while (flood.length < START_OTHER_AFTER) await new Promise((resolve) => setTimeout(resolve, 5));
  const latencies: number[] = [];
  const otherStatuses: number[] = [];
  for (let i = 0; i < OTHER_REQUESTS; i++) {
    const dpop = await proof({ key: other, htm: 'GET', htu, token: otherToken });
    const sent = performance.now();
    otherStatuses.push((await call(otherToken, dpop)).status);
    latencies.push(performance.now() - sent);
  }
  const floodLeft = FLOOD_PROOFS - flood.length;
  const ended = await flooding;
  const summary =
    `${flood.length} flood proofs in ${((ended - started) / 1000).toFixed(1)} s (${CONNECTIONS} connections): ` +
    `${count(flood.map((r) => r.status))}; other key: ${count(otherStatuses)} of ${OTHER_REQUESTS}, ` +
    `latency median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`;
  return { flood, otherStatuses, floodLeft, flooderJkt: flooder.jkt, summary };
}
