/**
 * The request facts guards need, read from Node's IncomingMessage, which
 * Express (`req`) and Koa (`ctx.req`) expose. Node-specific by shape only: the
 * type is structural, so nothing here imports `node:http` and the core's
 * declarations stay usable on other runtimes.
 */
import type { AuthRequest } from './request.js';

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
  };
  /** Every field line of each header: Node keeps only the first `Authorization` in `headers`. */
  readonly headersDistinct: { readonly authorization?: string[] | undefined };
}

function distinctAuthorization(req: NodeRequestLike): string[] | undefined {
  // Node keeps the first line in req.headers: none there means none at all, and spares building headersDistinct.
  if (req.headers.authorization === undefined) return undefined;
  return req.headersDistinct.authorization;
}

export function fromNodeRequest(req: NodeRequestLike, options: { url?: string; body?: unknown } = {}): AuthRequest {
  const method = req.method ?? 'GET';
  return {
    method,
    url: options.url ?? req.url ?? '/',
    authorization: distinctAuthorization(req),
    contentType: req.headers['content-type'],
    body: options.body,
    preflight: method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined,
  };
}

/** Facts for `render()`: method, target and `Accept`. */
export function renderFacts(
  req: NodeRequestLike,
  url?: string,
): { method: string; url: string; accept: string | undefined; origin: string | undefined } {
  const { accept, origin } = req.headers;
  return { method: req.method ?? 'GET', url: url ?? req.url ?? '/', accept, origin };
}
