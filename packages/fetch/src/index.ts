/**
 * @auth-errors/fetch: the adapter for anything that speaks the Fetch API
 * (`Request` → `Response`): Hono, Next.js route handlers, Bun, Deno, Workers.
 * It reads the `Request`, calls the core, and builds a `Response` from what
 * the core returns. Nothing in its import graph is Node-only.
 */
import { AuthError } from '@auth-errors/core';
import * as core from '@auth-errors/core/adapter';

// The core's root entry is exactly what an application uses, whatever its framework.
export * from '@auth-errors/core';

/** `extensions`, when a function, receives the `Request`. */
export type AuthErrorsOptions = core.RenderOptions<Request>;

/**
 * A guard, a check or the metadata document: the `Response` to send now, or
 * `undefined` when the request may go on. One shape for all of them, so they
 * chain with `??`: `(await bearer(req)) ?? (await canRead(req)) ?? answer(req)`.
 */
export type Gate = (request: Request) => Promise<Response | undefined>;

/** What `authErrors(options)` returns: gates and renderers that all answer with these options. */
export interface FetchAuth extends core.GuardKit<Gate, Request> {
  /** The problem `Response` for an auth failure thrown anywhere (ours, jose, http-errors…), or `undefined`. */
  renderError(thrown: unknown, request: Request): Response | undefined;
  /**
   * Wraps a route handler (Next.js `GET`, `Bun.serve`'s `fetch`…): auth failures
   * it throws become problem responses (anything else is rethrown untouched),
   * and its response gets what the authentication requires
   * (`Cache-Control: private` after a query-string token).
   */
  handle<A extends unknown[]>(
    handler: (request: Request, ...rest: A) => Response | Promise<Response>,
  ): (request: Request, ...rest: A) => Promise<Response>;
}

/**
 * An Error carrying a ready problem `Response`. Hono's default error handler
 * sends an error's `getResponse()` as is, so `throw new AuthErrorResponse(refused)`
 * needs no `onError`.
 */
export class AuthErrorResponse extends Error {
  override readonly name = 'AuthErrorResponse';
  constructor(readonly response: Response) {
    super(`auth-errors: ${response.status} problem response`);
  }
  getResponse(): Response {
    return this.response;
  }
}

/** Our problem responses: a success header never replaces their `Cache-Control: no-store`. */
const problems = new WeakSet<Response>();

/** One `WWW-Authenticate` field line per challenge (rule 25): appended, never joined by us. */
function toResponse(rendered: core.RenderedResponse): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(rendered.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else for (const line of value) headers.append(name, line);
  }
  if (rendered.vary.length > 0) headers.set('vary', rendered.vary.join(', '));
  if (rendered.expose.length > 0) headers.set('access-control-expose-headers', rendered.expose.join(', '));
  const response = new Response(rendered.body === '' ? null : rendered.body, { status: rendered.status, headers });
  if (rendered.status >= 400) problems.add(response);
  return response;
}

/**
 * A CORS preflight ends at the gate (rule 62): 204 and no body. A framework that
 * merges the headers an earlier layer set (Hono's `c.res`) keeps a CORS layer's.
 */
function preflightEnded(): Response {
  return new Response(null, { status: 204 });
}

/**
 * A request's AuthInfo is kept on the `Request` itself, under registered symbols
 * (core/guards/store.ts): a WeakMap beside it costs every garbage collection an
 * ephemeron per request in flight.
 */
const authTarget = (request: Request): object => request;

/** `response` with the headers a successful authentication requires (a copy: its headers may be immutable). */
function withSuccessHeaders(response: Response, request: Request): Response {
  const auth = core.storedAuth(authTarget(request));
  const extra = auth === undefined || problems.has(response) ? [] : core.successHeaders(auth);
  if (extra.length === 0) return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of extra) copy.headers.set(name, value);
  return copy;
}

/** The form-body method needs a parsed body, which only the application may read from a Fetch `Request`. */
function headerOrQueryOnly<O extends { readonly methods?: { readonly body?: boolean } | undefined }>(options: O): O {
  if (options?.methods?.body !== true) return options;
  throw new TypeError('auth-errors: option "methods.body" is not supported by @auth-errors/fetch; use the header');
}

/** Validates `options` once; every gate and renderer it returns answers the same failure alike. */
export function authErrors(options?: AuthErrorsOptions): FetchAuth {
  const render = core.createRenderer<Request>(options);
  const renderError = (thrown: unknown, request: Request): Response | undefined => {
    const rendered = render(thrown, core.fetchRenderFacts(request), request);
    return rendered === undefined ? undefined : toResponse(rendered);
  };
  /** The problem response for `thrown`; anything that is not an auth failure is rethrown untouched. */
  const answer = (thrown: unknown, request: Request): Response => {
    const response = renderError(thrown, request);
    if (response === undefined) throw thrown;
    return response;
  };
  /** A step resolves to the AuthError the request fails with, to PREFLIGHT, or to nothing when it may go on. */
  const gate =
    (step: (request: Request) => Promise<AuthError | core.Preflight | undefined>): Gate =>
    (request) =>
      step(request).then(
        (failure) =>
          failure === undefined ? undefined : failure === core.PREFLIGHT ? preflightEnded() : answer(failure, request),
        (thrown) => answer(thrown, request),
      );
  const kit = core.createGuardKit<Gate, Request>({
    fromGuard: (guard) =>
      gate(async (request) => {
        const auth = await guard(core.fromFetchRequest(request));
        if (AuthError.is(auth) || auth === core.PREFLIGHT) return auth;
        core.storeAuth(authTarget(request), auth, guard);
        return undefined;
      }),
    fromCheck: (check) =>
      gate((request) => check(core.storedAuth(authTarget(request)), core.fromFetchRequest(request))),
    fromResponder: (respond) => async (request) => {
      const rendered = respond(core.fetchRenderFacts(request));
      return rendered === undefined ? undefined : toResponse(rendered);
    },
    authTarget,
  });
  return {
    ...kit,
    bearerAuth: (guardOptions) => kit.bearerAuth(headerOrQueryOnly(guardOptions)),
    jwtAuth: (guardOptions) => kit.jwtAuth(headerOrQueryOnly(guardOptions)),
    renderError,
    handle:
      (handler) =>
      async (request, ...rest) => {
        try {
          return withSuccessHeaders(await handler(request, ...rest), request);
        } catch (thrown) {
          return answer(thrown, request);
        }
      },
  };
}
