/**
 * The request facts guards need, read from a Fetch API `Request` (Hono,
 * Next.js route handlers, Bun, Deno, Workers). The type is structural, so the
 * core needs no DOM or Node typings for it.
 */
import { splitCombinedAuthorization } from '../credentials/combined-authorization.js';
import type { RequestFacts } from '../render/render.js';
import { type AuthRequest, RequestView } from './request.js';

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

/** The request view of a Fetch `Request`: its origin is parsed from the URL only when a DPoP guard reads it. */
class FetchAuthRequest extends RequestView {
  readonly #url: string;
  readonly #origin: string | undefined;

  constructor(request: FetchRequestLike, origin: string | undefined) {
    const { method, headers } = request;
    const authorization = headers.get('authorization');
    const dpop = headers.get('dpop');
    super(
      method,
      requestTarget(request.url),
      authorization === null ? undefined : splitCombinedAuthorization(authorization),
      headers.get('content-type') ?? undefined,
      // A Fetch body is a stream that only the application may consume: the form-body method is not read.
      undefined,
      method === 'OPTIONS' && headers.has('access-control-request-method'),
      // Fetch joins field lines with ", ", which no single compact JWT contains: the proof check refuses it.
      dpop === null ? undefined : [dpop],
    );
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
