/**
 * The request facts guards need, read from Node's IncomingMessage, which
 * Express (`req`) and Koa (`ctx.req`) expose. Node-specific by shape only: the
 * type is structural, so nothing here imports `node:http` and the core's
 * declarations stay usable on other runtimes.
 */
import { readProperty } from '../util/safe-read.js';
import { type AuthRequest, RequestView } from './request.js';

/** What is read from Node's `IncomingMessage` (which matches this shape). */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: {
    readonly authorization?: string | undefined;
    readonly accept?: string | undefined;
    readonly origin?: string | undefined;
    readonly 'content-type'?: string | undefined;
    readonly 'access-control-request-method'?: string | undefined;
    readonly host?: string | undefined;
    readonly dpop?: string | string[] | undefined;
  };
  /** Name, value, name, value…, as received: every field line, which `headers` does not keep. */
  readonly rawHeaders?: readonly string[] | undefined;
  /** Every field line of each header, read when there is no `rawHeaders`. */
  readonly headersDistinct?: { readonly authorization?: string[] | undefined; readonly dpop?: string[] | undefined };
  /** A TLS socket has `encrypted: true`. */
  readonly socket?: object | undefined;
}

export interface NodeRequestOptions {
  /** The request target, when the framework rewrote `req.url` (Express `req.originalUrl`). */
  readonly url?: string | undefined;
  readonly body?: unknown;
  /**
   * `scheme://host` as the framework reports it under its trusted-proxy
   * setting, or a function giving it (read only by DPoP guards); default: the socket and `Host`.
   */
  readonly origin?: string | (() => string | undefined) | undefined;
}

/**
 * Every field line of `name` (lower case), from `rawHeaders`: Node keeps only
 * the first `Authorization` in `headers` and joins `DPoP` lines. Scanning
 * `rawHeaders` costs a fifth of reading `headersDistinct`, which Node builds
 * for every header of the request on first read; a look-alike with neither
 * (a test double) gives the one value in `headers` as one line. A value set in
 * `headers` by the application (a token copied from a cookie) is that line too.
 */
function fieldLines(req: NodeRequestLike, name: 'authorization' | 'dpop', value: string | string[]): string[] {
  const raw = req.rawHeaders;
  if (raw !== undefined) {
    const lines: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i] as string;
      if (field.length === name.length && field.toLowerCase() === name) lines.push(raw[i + 1] as string);
    }
    if (lines.length > 0) return lines;
  }
  const distinct = req.headersDistinct?.[name];
  if (distinct !== undefined) return distinct;
  return Array.isArray(value) ? value : [value];
}

function distinctAuthorization(req: NodeRequestLike): string[] | undefined {
  // Node keeps the first line in req.headers: none there means none at all, and spares the scan.
  const first = req.headers.authorization;
  return first === undefined ? undefined : fieldLines(req, 'authorization', first);
}

/** The origin a bare Node server sees: never from X-Forwarded-*, which only a framework told to trust may read. */
function socketOrigin(req: NodeRequestLike): string | undefined {
  const host = req.headers.host;
  if (host === undefined) return undefined;
  return `${readProperty(req.socket, 'encrypted') === true ? 'https' : 'http'}://${host}`;
}

/** The request view of a Node request. */
class NodeAuthRequest extends RequestView {
  readonly #req: NodeRequestLike;
  readonly #origin: NodeRequestOptions['origin'];

  constructor(req: NodeRequestLike, options: NodeRequestOptions) {
    const { headers } = req;
    const method = req.method ?? 'GET';
    super(
      method,
      options.url ?? req.url ?? '/',
      distinctAuthorization(req),
      headers['content-type'],
      options.body,
      method === 'OPTIONS' && headers['access-control-request-method'] !== undefined,
      headers.dpop === undefined ? undefined : fieldLines(req, 'dpop', headers.dpop),
    );
    this.#req = req;
    this.#origin = options.origin;
  }

  get origin(): string | undefined {
    const origin = this.#origin;
    return typeof origin === 'function' ? origin() : (origin ?? socketOrigin(this.#req));
  }
}

export function fromNodeRequest(req: NodeRequestLike, options: NodeRequestOptions = {}): AuthRequest {
  return new NodeAuthRequest(req, options);
}

/** Facts for `render()`: method, target and `Accept`. */
export function renderFacts(
  req: NodeRequestLike,
  url?: string,
): { method: string; url: string; accept: string | undefined; origin: string | undefined } {
  const { accept, origin } = req.headers;
  return { method: req.method ?? 'GET', url: url ?? req.url ?? '/', accept, origin };
}
