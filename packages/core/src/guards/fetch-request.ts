/**
 * The request facts guards need, read from a Fetch API `Request` (Hono,
 * Next.js route handlers, Bun, Deno, Workers). The type is structural, so the
 * core needs no DOM or Node typings for it.
 */
import { splitCombinedAuthorization } from '../credentials/combined-authorization.js';
import type { RequestFacts } from '../render.js';
import type { AuthRequest } from './request.js';

/** What is read from a Fetch `Request` (which matches this shape). */
export interface FetchRequestLike {
  readonly method: string;
  /** Absolute, as the runtime received it: only its path and query are read. */
  readonly url: string;
  readonly headers: { get(name: string): string | null; has(name: string): boolean };
}

/** The request target of an absolute URL (`/path?query`), found without parsing the URL. */
export function requestTarget(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme === -1) return url.startsWith('/') ? url : '/';
  let at = scheme + 3;
  while (at < url.length && url.charCodeAt(at) !== 0x2f && url.charCodeAt(at) !== 0x3f) at++;
  const rest = url.slice(at);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * The request view of a Fetch `Request`. A class, so that `origin`, read only
 * by DPoP guards, is parsed from the URL on first read, not on every request.
 */
class FetchAuthRequest implements AuthRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: readonly string[] | undefined;
  readonly contentType: string | undefined;
  // A Fetch body is a stream that only the application may consume: the form-body method is not read.
  readonly body: undefined = undefined;
  readonly preflight: boolean;
  readonly dpop: readonly string[] | undefined;
  readonly #url: string;
  readonly #origin: string | undefined;

  constructor(request: FetchRequestLike, origin: string | undefined) {
    const { method, headers } = request;
    const authorization = headers.get('authorization');
    const dpop = headers.get('dpop');
    this.method = method;
    this.url = requestTarget(request.url);
    this.authorization = authorization === null ? undefined : splitCombinedAuthorization(authorization);
    this.contentType = headers.get('content-type') ?? undefined;
    this.preflight = method === 'OPTIONS' && headers.has('access-control-request-method');
    // Fetch joins field lines with ", ", which no single compact JWT contains: the proof check refuses it.
    this.dpop = dpop === null ? undefined : [dpop];
    this.#url = request.url;
    this.#origin = origin;
  }

  get origin(): string | undefined {
    return this.#origin ?? originOf(this.#url);
  }
}

export function fromFetchRequest(request: FetchRequestLike, options: { readonly origin?: string } = {}): AuthRequest {
  return new FetchAuthRequest(request, options.origin);
}

/** `scheme://host[:port]` of the Request URL, which is what the runtime received. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Facts for `render()`: method, target, `Accept` and `Origin`. */
export function fetchRenderFacts(request: FetchRequestLike): RequestFacts {
  const { headers } = request;
  return {
    method: request.method,
    url: requestTarget(request.url),
    accept: headers.get('accept') ?? undefined,
    origin: headers.get('origin') ?? undefined,
  };
}
