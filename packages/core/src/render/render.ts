/**
 * `createRenderer(options)`: any thrown value + request facts → the response
 * to send, or `undefined` when the value is not an auth failure. The one
 * function every adapter calls; the renderer it returns never throws.
 */
import { type AuthErrorCode, catalog } from '../errors/catalog.js';
import type { AuthError } from '../errors/errors.js';
import { normalize } from '../errors/normalize.js';
import { VERIFY_BUSY } from '../guards/concurrency.js';
import { readOptions } from '../options/read.js';
import { RENDERER_OPTIONS } from '../options/renderer-options.js';
import { logLine } from '../util/log-line.js';
import { readProperty } from '../util/safe-read.js';
import { utf8Length } from '../util/utf8.js';
import { type AuthScheme, createChallengeFormatter } from './challenge.js';
import { challengeLines, formatterForRealm, hasRetryAfter } from './error-challenges.js';
import type { ExtensionMembers, Extensions } from './extensions.js';
import { instancePath, problemDetails, problemMediaType } from './problem.js';

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

/**
 * Causes that are logged where they happen, once per state change, not once per
 * refused request: a key-source outage (`KeySourceError`, key-source-fetch.ts),
 * a full in-process replay store (`ReplayStoreFull`, dpop/replay.ts), a Redis
 * replay store that cannot be reached, and a guard at its bound of concurrent
 * checks (guards/concurrency.ts).
 */
const LOGGED_AT_SOURCE = new Set([
  'ERR_JWKS_UNAVAILABLE',
  'ERR_DPOP_REPLAY_STORE_FULL',
  // @auth-errors/redis's ReplayStoreUnavailable: that store logs its outages.
  'ERR_DPOP_REPLAY_STORE_UNAVAILABLE',
  VERIFY_BUSY,
]);

function logUnavailable(event: AuthErrorEvent): void {
  if (event.status < 500) return;
  const cause = event.cause;
  const name = readProperty(cause, 'name');
  const code = readProperty(cause, 'code') ?? readProperty(readProperty(cause, 'cause'), 'code');
  // A line per refused request would flood the log.
  if (typeof code === 'string' && LOGGED_AT_SOURCE.has(code)) return;
  const reason = [
    typeof name === 'string' ? bounded(name) : undefined,
    typeof code === 'string' ? `[${bounded(code)}]` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  // The name and code are whatever the failing callback or driver put there: logLine escapes them.
  logLine(
    `${event.code} (${event.status}) for ${event.method ?? '?'} ${event.path ?? '?'}${reason ? `: ${reason}` : ''}`,
  );
}

/** A class name or an error code is short: anything longer is cut, so that one failure cannot write a huge line. */
function bounded(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

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
    const mediaType = problemMediaType(accept);
    const members = extensions?.(native as Request, error);
    const body = JSON.stringify(problemDetails(error, typeBase, withInstance ? path : undefined, members));

    const headers: Record<string, string | readonly string[]> = {
      'content-type': mediaType,
      'content-length': String(utf8Length(body)),
      'cache-control': 'no-store',
    };
    const lines = challengeLines(error, formatterForRealm(error.realm, formatter), schemes);
    if (lines.length > 0) headers['www-authenticate'] = lines;
    if (hasRetryAfter(error.code)) headers['retry-after'] = String(error.retryAfter ?? retryAfter);
    const nonce = error.dpop?.nonce;
    if (nonce !== undefined) headers['dpop-nonce'] = nonce; // RFC 9449 §9: one field line

    try {
      onError({
        code: error.code,
        status,
        scheme: error.scheme,
        detail: error.detail,
        cause: error.cause,
        error,
        method,
        path,
      });
    } catch {
      // A failing logger must not turn a correct 401 into a 500.
    }
    return {
      status,
      headers,
      vary: VARY,
      expose:
        typeof request?.origin !== 'string'
          ? NONE
          : nonce !== undefined
            ? EXPOSE_NONCE
            : exposed(lines.length > 0, 'retry-after' in headers),
      remove: staleHeaders(lines.length > 0, 'retry-after' in headers),
      body: method === 'HEAD' ? '' : body,
    };
  };
}

/**
 * A comma-separated list header (`Access-Control-Expose-Headers`) with `names`
 * added once each, whatever a CORS layer already put there.
 */
export function appendToList(existing: unknown, names: readonly string[]): string {
  const current = (Array.isArray(existing) ? existing.join(',') : typeof existing === 'string' ? existing : '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  const known = new Set(current.map((item) => item.toLowerCase()));
  return [...current, ...names.filter((name) => !known.has(name.toLowerCase()))].join(', ');
}

const VARY: readonly string[] = ['Accept'];
const NONE: readonly string[] = [];
const EXPOSE_CHALLENGE: readonly string[] = ['WWW-Authenticate'];
const EXPOSE_RETRY: readonly string[] = ['Retry-After'];
const EXPOSE_NONCE: readonly string[] = ['WWW-Authenticate', 'DPoP-Nonce'];

function exposed(challenged: boolean, retry: boolean): readonly string[] {
  return challenged ? EXPOSE_CHALLENGE : retry ? EXPOSE_RETRY : NONE;
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
