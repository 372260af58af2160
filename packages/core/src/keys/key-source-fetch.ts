/**
 * One bounded JWKS fetch for the key source: the global `fetch` with a timeout
 * that covers the body too, no redirects, the body read as a stream up to a
 * byte cap, at most `maxKeys` keys, and only the public signature keys that
 * public-jwk.ts accepts kept, each checked by a WebCrypto import. `jku` and
 * `x5u` are never read, let alone followed. Failures carry a short reason
 * code, never the response body. Web APIs only: no Buffer, no node:crypto.
 */
import type { JWK } from 'jose';
import { type JwkRefusal, jwkRefusal, verifiesInWebCrypto } from './public-jwk.js';

/** Read by jwtAuth and the DPoP policy too: the algorithms a public key may serve. */
export { ASYMMETRIC_ALGORITHMS } from './public-jwk.js';

/** Why a key in a fetched set was left out: public-jwk.ts's refusals, and a `kid` the set already has. */
export type DroppedKeyReason = JwkRefusal | 'duplicate_kid';

/**
 * A key source that cannot give keys right now: the fetch failed or the set is
 * too old to use. `reason` is a short code (`timeout`, `http_status 500`,
 * `network`, `invalid_json`, `not_a_jwks`, `too_large`, `too_many_keys`,
 * `no_usable_keys`). The code is in jose's JWKS family so that `normalize`
 * reads it as `auth_unavailable` (503) wherever it is thrown.
 */
export class KeySourceError extends Error {
  override readonly name = 'KeySourceError';
  readonly code = 'ERR_JWKS_UNAVAILABLE';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`JWKS unavailable: ${reason}`, options);
  }
}

export interface FetchLimits {
  readonly timeoutDuration: number;
  readonly maxResponseBytes: number;
  readonly maxKeys: number;
}

export interface FetchedKeySet {
  readonly keys: JWK[];
  /** The provider's `Cache-Control` freshness in ms (`no-store`/`no-cache` count as 0), if it sent one. */
  readonly maxAge: number | undefined;
  readonly dropped: Partial<Record<DroppedKeyReason, number>>;
}

const isTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError';
const DROPPED = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const droppedConnection = (error: unknown, signal: AbortSignal) =>
  !signal.aborted && DROPPED.has((error as { cause?: { code?: unknown } } | undefined)?.cause?.code as string);

export async function fetchKeySet(url: URL, limits: FetchLimits): Promise<FetchedKeySet> {
  // A timer of our own, not AbortSignal.timeout(): combined with AbortSignal.any() on Node 20, the timeout
  // signal can be garbage-collected before it fires, and a hanging provider would then hang the fetch for good.
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new DOMException('The JWKS fetch timed out', 'TimeoutError')),
    limits.timeoutDuration,
  );
  try {
    return await fetchWithin(url, limits, abort);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchWithin(url: URL, limits: FetchLimits, abort: AbortController): Promise<FetchedKeySet> {
  const { signal } = abort;
  const request = () =>
    fetch(url, { signal, redirect: 'manual', headers: { accept: 'application/jwk-set+json, application/json' } });
  let response: Response;
  try {
    // Once more on a new connection when a kept-alive one turns out closed by the other side.
    response = await request().catch((error: unknown) =>
      droppedConnection(error, signal) ? request() : Promise.reject(error),
    );
  } catch (cause) {
    throw new KeySourceError(isTimeout(cause) ? 'timeout' : 'network', { cause });
  }
  try {
    if (response.status !== 200) throw new KeySourceError(`http_status ${response.status}`);
    const text = await readCapped(response, limits.maxResponseBytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new KeySourceError('invalid_json'); // no cause: V8's message quotes the body
    }
    const keys = (json as { keys?: unknown } | null)?.keys;
    if (typeof json !== 'object' || Array.isArray(json) || !Array.isArray(keys)) throw new KeySourceError('not_a_jwks');
    if (keys.length > limits.maxKeys) throw new KeySourceError('too_many_keys');
    const { kept, dropped } = await filterKeys(keys);
    if (kept.length === 0) throw new KeySourceError('no_usable_keys');
    return { keys: kept, maxAge: maxAgeOf(response.headers.get('cache-control')), dropped };
  } catch (error) {
    abort.abort(); // frees the connection whatever is left of the body
    if (error instanceof KeySourceError) throw error;
    throw new KeySourceError(isTimeout(error) ? 'timeout' : 'network', { cause: error });
  }
}

/** The body as UTF-8 text, refused as soon as it passes `maxBytes` (declared or read). */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (Number(response.headers.get('content-length')) > maxBytes) throw new KeySourceError('too_large');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Uint8Array) => {
    try {
      return decoder.decode(chunk, { stream: chunk !== undefined });
    } catch {
      throw new KeySourceError('invalid_json'); // not UTF-8
    }
  };
  const reader = response.body?.getReader();
  let text = '';
  let total = 0;
  for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader?.read()) {
    total += read.value.byteLength;
    if (total > maxBytes) throw new KeySourceError('too_large');
    text += decode(read.value);
  }
  return text + decode();
}

/** Public signature keys only (public-jwk.ts); the first of several keys with one `kid` and `kty` wins. */
async function filterKeys(keys: readonly unknown[]): Promise<{ kept: JWK[]; dropped: FetchedKeySet['dropped'] }> {
  const kept: JWK[] = [];
  const dropped: Partial<Record<DroppedKeyReason, number>> = {};
  const seen = new Set<string>();
  const reasons = await Promise.all(keys.map((key) => refusalOf(key)));
  keys.forEach((key, index) => {
    const reason = reasons[index] ?? duplicate(key as JWK, seen);
    if (reason === undefined) kept.push(key as JWK);
    else dropped[reason] = (dropped[reason] ?? 0) + 1;
  });
  return { kept, dropped };
}

/** The shape first, then a WebCrypto import of what the shape cannot tell: a point on its curve, a real modulus. */
async function refusalOf(key: unknown): Promise<DroppedKeyReason | undefined> {
  const refusal = jwkRefusal(key);
  if (refusal !== undefined) return refusal;
  return (await verifiesInWebCrypto(key as JWK)) ? undefined : 'invalid_key';
}

function duplicate(key: JWK, seen: Set<string>): DroppedKeyReason | undefined {
  if (key.kid === undefined) return undefined;
  const id = `${key.kty} ${key.kid}`;
  if (seen.has(id)) return 'duplicate_kid';
  seen.add(id);
  return undefined;
}

/**
 * RFC 9111 §5.2.2.1: `max-age` in seconds, as ms. `no-store` and `no-cache`
 * (§5.2.2.4, §5.2.2.5) mean "revalidate every time", read as 0 and raised to
 * the key source's lower bound. `s-maxage` is for shared caches only. A
 * malformed value is ignored, as if the header said nothing.
 */
export function maxAgeOf(header: string | null): number | undefined {
  if (header === null) return undefined;
  let maxAge: number | undefined;
  for (const directive of header.toLowerCase().split(',')) {
    const [name = '', value = ''] = directive.trim().split('=', 2);
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && maxAge === undefined && /^"?\d{1,10}"?$/.test(value)) {
      maxAge = Number(value.replaceAll('"', '')) * 1000;
    }
  }
  return maxAge;
}
