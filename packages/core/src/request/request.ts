/**
 * What guards read from a request, whatever the framework or runtime: each
 * adapter builds it from its own request (Node's IncomingMessage in
 * `node-request.ts`, a Fetch API `Request` in @auth-errors/fetch).
 */

export interface AuthRequest {
  readonly method: string;
  /** The request target as received, for the query method and for logs (path only). */
  readonly url: string;
  /** Every `Authorization` field line (Node keeps only the first in `req.headers`). */
  readonly authorization: readonly string[] | undefined;
  readonly contentType: string | undefined;
  /** The parsed body, if a body parser ran; read only for the RFC 6750 §2.2 form method. */
  readonly body: unknown;
  /** A CORS preflight: `OPTIONS` with `Access-Control-Request-Method`. Never challenged, never let through (preflight.ts). */
  readonly preflight: boolean;
  /** Every `DPoP` field line (RFC 9449 §4.3 allows exactly one). */
  readonly dpop?: readonly string[] | undefined;
  /**
   * `scheme://host[:port]` as the client used it, for a DPoP proof's `htu`:
   * what the framework reports, honouring its trusted-proxy setting only.
   */
  readonly origin?: string | undefined;
}

/**
 * The base of the adapters' request views. `origin` is a getter on the
 * subclass's prototype, computed when a DPoP guard reads it: an accessor in an
 * object literal is defined on every object, at a cost larger than the rest of the view.
 */
export abstract class RequestView implements AuthRequest {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly authorization: readonly string[] | undefined,
    readonly contentType: string | undefined,
    readonly body: unknown,
    readonly preflight: boolean,
    readonly dpop: readonly string[] | undefined,
  ) {}

  abstract get origin(): string | undefined;
}
