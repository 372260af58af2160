/**
 * `createRenderer(options)`: any thrown value + request facts → the response
 * to send, or `undefined` when the value is not an auth failure. The one
 * function every adapter calls; the renderer it returns never throws.
 */
import { type AuthErrorCode, catalog } from '../errors/catalog.js';
import type { AuthError } from '../errors/errors.js';
import { normalize } from '../errors/normalize.js';
import { readOptions } from '../options/read.js';
import { RENDERER_OPTIONS } from '../options/renderer-options.js';
import { type AuthScheme, createChallengeFormatter } from './challenge.js';
import { logUnavailable } from './default-log.js';
import { challengeLines, formatterForRealm } from './error-challenges.js';
import type { ExtensionMembers, Extensions } from './extensions.js';
import { instancePath, problemDetails, problemMediaType } from './problem.js';
import { crossOriginReadable, failureHeaders, NONE, VARY } from './response-headers.js';

export { appendToList } from './response-headers.js';

/** `Request` is the framework's request object (Express `req`, Koa `ctx`), handed to `extensions`. */
export interface RenderOptions<Request = unknown> {
  /** The realm of every challenge (RFC 9110 §11.5). Default `"api"`. */
  readonly realm?: string | undefined;
  /** Schemes this API accepts: every 401 offers a challenge for each, Basic first. */
  readonly schemes?: readonly AuthScheme[] | undefined;
  /** Absolute URI prefix of the problem types: `${typeBase}invalid-token`. */
  readonly typeBase?: string | undefined;
  /** RFC 9728 protected resource metadata URL for Bearer challenges. */
  readonly resourceMetadata?: string | URL | undefined;
  /** Add `instance` (the request path, never the query) to problem bodies. */
  readonly instance?: boolean | undefined;
  /** `Retry-After` seconds for `auth_unavailable` and `too_many_requests` when the error names none. Default 5. */
  readonly retryAfter?: number | undefined;
  /**
   * Called once per rendered failure, for logs and metrics. Without it, only
   * 5xx failures are logged (one line on stderr, no message text); expected
   * 4xx failures are never logged.
   */
  readonly onError?: ((event: AuthErrorEvent) => void) | undefined;
  /**
   * Extension members for every problem body (RFC 9457 §3.2), e.g. a
   * `traceId`: fixed members, or a function of the request and the failure.
   * Values are JSON primitives; the library's own members are never replaced,
   * and nothing here reaches a header.
   */
  readonly extensions?: Extensions<Request> | undefined;
}

export interface RequestFacts {
  readonly method?: string | undefined;
  /** The request target as received (`req.originalUrl`, `ctx.originalUrl`). */
  readonly url?: string | undefined;
  readonly accept?: string | undefined;
  /** The `Origin` request header: a cross-origin caller needs the challenge exposed to read it. */
  readonly origin?: string | undefined;
}

export interface AuthErrorEvent {
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly scheme: AuthScheme | undefined;
  readonly detail: string;
  /** The internal reason: for logs, never for responses. */
  readonly cause: unknown;
  readonly error: AuthError;
  readonly method: string | undefined;
  /** The request path, without the query string. */
  readonly path: string | undefined;
}

export interface RenderedResponse {
  readonly status: number;
  /** Header fields to set; `www-authenticate` has one challenge per line. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** Request headers the response varies on: append them to any `Vary` already set. */
  readonly vary: readonly string[];
  /**
   * For a cross-origin request: response headers a browser script may read,
   * to append to `Access-Control-Expose-Headers` (WHATWG Fetch; docs/conformance.md rule 62).
   * Empty otherwise. CORS itself (`Access-Control-Allow-Origin`) stays your CORS layer's job.
   */
  readonly expose: readonly string[];
  /**
   * Headers a route may have set before it failed that would now describe the
   * problem wrongly: remove them. Others (CORS, security headers) are kept.
   */
  readonly remove: readonly string[];
  /** The serialized problem; empty for HEAD. */
  readonly body: string;
}

/** `native` is the framework's request, passed to the `extensions` function. */
export type Renderer<Request = unknown> = (
  thrown: unknown,
  request: RequestFacts,
  native?: Request,
) => RenderedResponse | undefined;

/** The `extensions` option as read: a function of the framework's request and the failure. */
type ExtensionsOf<Request> = (request: Request, error: AuthError) => ExtensionMembers | undefined;

/** Validates options once and builds every static part of the responses. */
export function createRenderer<Request = unknown>(options: RenderOptions<Request> = {}): Renderer<Request> {
  const settings = readOptions(RENDERER_OPTIONS, options);
  const { schemes, typeBase, retryAfter, instance: withInstance } = settings;
  const formatter = createChallengeFormatter({ realm: settings.realm, resourceMetadata: settings.resourceMetadata });
  const onError = settings.onError ?? logUnavailable;
  const extensions = settings.extensions as ExtensionsOf<Request> | undefined;

  return (thrown, request, native) => {
    const error = normalize(thrown);
    if (error === undefined) return undefined;
    const path = instancePath(typeof request?.url === 'string' ? request.url : undefined);
    const method = typeof request?.method === 'string' ? request.method.toUpperCase() : undefined;
    const accept = typeof request?.accept === 'string' ? request.accept : undefined;
    const status = catalog[error.code].status;
    const members = extensions?.(native as Request, error);
    const body = JSON.stringify(problemDetails(error, typeBase, withInstance ? path : undefined, members));
    const lines = challengeLines(error, formatterForRealm(error.realm, formatter), schemes);
    const headers = failureHeaders(error, problemMediaType(accept), body, lines, retryAfter);
    const { code, scheme, detail, cause } = error;
    report(onError, { code, status, scheme, detail, cause, error, method, path });
    return {
      status,
      headers,
      vary: VARY,
      expose: typeof request?.origin === 'string' ? crossOriginReadable(headers) : NONE,
      remove: staleHeaders(lines.length > 0, 'retry-after' in headers),
      body: method === 'HEAD' ? '' : body,
    };
  };
}

/** Hands `event` to `onError`: a failing logger must not turn a correct 401 into a 500. */
function report(onError: (event: AuthErrorEvent) => void, event: AuthErrorEvent): void {
  try {
    onError(event);
  } catch {
    // Nothing to do: the response is right, and the logger is the application's.
  }
}

/** What finalhandler removes before an error page, and what else describes the representation a route began. */
const CONTENT_HEADERS = [
  'content-encoding',
  'content-language',
  'content-range',
  'content-disposition',
  'content-location',
  'etag',
  'last-modified',
];
const STALE = [false, true].map((challenged) =>
  [false, true].map((retry) => [
    ...CONTENT_HEADERS,
    ...(challenged ? [] : ['www-authenticate']),
    ...(retry ? [] : ['retry-after']),
  ]),
);

function staleHeaders(challenged: boolean, retry: boolean): readonly string[] {
  return STALE[Number(challenged)]?.[Number(retry)] ?? CONTENT_HEADERS;
}
