/**
 * The request facts guards need, read from Node's IncomingMessage, which both
 * Express (`req`) and Koa (`ctx.req`) expose. No framework import.
 */
import type { IncomingMessage } from 'node:http';

export interface AuthRequest {
  readonly method: string;
  /** The request target as received, for the query method and for logs (path only). */
  readonly url: string;
  /** Every `Authorization` field line (Node keeps only the first in `req.headers`). */
  readonly authorization: readonly string[] | undefined;
  readonly contentType: string | undefined;
  /** The parsed body, if a body parser ran; read only for the RFC 6750 §2.2 form method. */
  readonly body: unknown;
  /** A CORS preflight: `OPTIONS` with `Access-Control-Request-Method`. Never challenged. */
  readonly preflight: boolean;
}

function distinctAuthorization(req: IncomingMessage): string[] | undefined {
  // Node keeps the first line in req.headers: none there means none at all, and spares building headersDistinct.
  if (req.headers.authorization === undefined) return undefined;
  return req.headersDistinct.authorization;
}

export function fromNodeRequest(req: IncomingMessage, options: { url?: string; body?: unknown } = {}): AuthRequest {
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
  req: IncomingMessage,
  url?: string,
): { method: string; url: string; accept: string | undefined; origin: string | undefined } {
  const { accept, origin } = req.headers;
  return { method: req.method ?? 'GET', url: url ?? req.url ?? '/', accept, origin };
}
