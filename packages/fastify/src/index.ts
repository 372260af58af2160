/**
 * @auth-errors/fastify: the Fastify 5 adapter. Guards are hooks that answer
 * their own failures; `app.register(authErrors, options)` gives every route
 * declared after it in its scope an error handler that renders auth failures
 * and hands every other error, untouched, to the scope's own error handler.
 * It never calls `setErrorHandler`: that slot stays the application's.
 */
import { AuthError, type AuthRequest } from '@auth-errors/core';
import * as core from '@auth-errors/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

// The core's root entry is exactly what an application uses, whatever its framework.
export * from '@auth-errors/core';

/** `extensions`, when a function, receives Fastify's `request`. */
export type AuthErrorsOptions = core.RenderOptions<FastifyRequest>;

/** A guard or check: an `onRequest` hook (before the body is parsed), or `preValidation`/`preHandler`. */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

type ErrorHandler = NonNullable<RouteOptions['errorHandler']>;
type Render = core.Renderer<FastifyRequest>;

/** Where a scope keeps its renderer, for the guards of every route in it (the request's `server`). */
const RENDERER = Symbol('auth-errors.renderer');

/** Writes what the core returned, as it is. */
function write(reply: FastifyReply, response: core.RenderedResponse): FastifyReply {
  reply.code(response.status);
  for (const name of response.remove) reply.removeHeader(name);
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  appendTo(reply, 'vary', response.vary);
  appendTo(reply, 'access-control-expose-headers', response.expose);
  // The body as it is: with a serializer of its own, Fastify appends no "; charset=utf-8" to the
  // JSON media type, and no route response schema strips a member.
  reply.serializer(asIs);
  return reply.send(reply.request.method === 'HEAD' ? headPayload(response) : response.body);
}

const asIs = (body: string) => body;

/**
 * HEAD gets no body from the core. Fastify's automatic HEAD route sets Content-Length from the
 * payload it is given, then drops it (as Node does for every HEAD response): a payload of the
 * announced length keeps Content-Length that of the GET response (RFC 9110 §9.3.2).
 */
function headPayload(response: core.RenderedResponse): string {
  return ' '.repeat(Number(response.headers['content-length'] ?? 0));
}

/** Adds `names` to a list header, keeping what a CORS layer or the route put there. */
function appendTo(reply: FastifyReply, header: string, names: readonly string[]): void {
  if (names.length === 0) return;
  const existing = reply.getHeader(header);
  reply.header(header, existing === undefined ? names.join(', ') : core.appendToList(existing, names));
}

function facts(request: FastifyRequest): core.RequestFacts {
  return core.renderFacts(request.raw, request.url);
}

/**
 * Renders `error` when it is an auth failure; otherwise rethrows it, so the
 * route's error handler passes it on. Without `authErrors` in scope a guard's
 * AuthError is thrown too: Fastify's default handler still sends its status and challenge.
 */
function answer(request: FastifyRequest, reply: FastifyReply): (error: unknown) => FastifyReply {
  return (error) => {
    const render = (request.server as { [RENDERER]?: Render })[RENDERER];
    const response = render?.(error, facts(request), request);
    if (response === undefined) throw error;
    return write(reply, response);
  };
}

/** Auth failures first; then the route's own handler, if any; else the scope's handler receives the very value thrown. */
function routeErrorHandler(render: Render, own: ErrorHandler | undefined): ErrorHandler {
  return function (error, request, reply) {
    const response = render(error, facts(request), request);
    if (response !== undefined) return write(reply, response);
    // A rejection, not a throw: Fastify treats a rejected value as an error even when it is not an Error.
    return own === undefined ? Promise.reject(error) : own.call(this, error, request, reply);
  };
}

async function plugin(fastify: Parameters<FastifyPluginAsync>[0], options: AuthErrorsOptions): Promise<void> {
  const render: Render = core.createRenderer<FastifyRequest>(rendererOptions(options));
  fastify.decorate(RENDERER, render);
  fastify.addHook('onRoute', (route) => {
    route.errorHandler = routeErrorHandler(render, route.errorHandler);
  });
}

/**
 * The renderer's options without Fastify's own register options, which
 * Fastify reads and also hands to the plugin (`logLevel`, `logSerializers`).
 * A `prefix` would do nothing (fastify-plugin: the plugin covers the scope it
 * is registered in), so it is refused rather than ignored.
 */
function rendererOptions(options: AuthErrorsOptions): AuthErrorsOptions {
  if (typeof options !== 'object' || options === null) return options;
  if ('prefix' in options) {
    throw new TypeError(
      'auth-errors: option "prefix" has no effect: authErrors covers the scope it is registered in; register it inside that scope instead',
    );
  }
  const { logLevel: _level, logSerializers: _serializers, ...renderer } = options as Record<string, unknown>;
  return renderer as AuthErrorsOptions;
}

/**
 * `await app.register(authErrors, options)` before the routes it covers:
 * errors thrown by their handlers and hooks (ours, http-errors 401/403, jose,
 * Boom…) become problem responses; anything else reaches your error handler as thrown.
 */
export const authErrors = fastifyPlugin(plugin, { fastify: '5.x', name: '@auth-errors/fastify' });

/** A CORS preflight ends here (rule 62): 204, no body, the headers a CORS hook set before kept; no later hook or handler runs. */
function endPreflight(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

function authRequest(request: FastifyRequest): AuthRequest {
  // request.protocol and request.host honour Fastify's `trustProxy` option, and only it.
  const origin = () => `${request.protocol}://${request.host}`;
  return core.fromNodeRequest(request.raw, { url: request.url, body: request.body, origin });
}

export const { basicAuth, bearerAuth, jwtAuth, requireScopes, requireAuth, requireStepUp, resourceMetadata, authOf } =
  core.createGuardKit<AuthHook, FastifyRequest>({
    fromGuard: (guard) => (request, reply) =>
      guard(authRequest(request)).then(
        (auth) => {
          if (AuthError.is(auth)) return answer(request, reply)(auth);
          if (auth === core.PREFLIGHT) return endPreflight(reply);
          core.storeAuth(request, auth, guard);
          for (const [name, value] of core.successHeaders(auth)) reply.header(name, value);
          return undefined;
        },
        answer(request, reply),
      ),
    fromCheck: (check) => (request, reply) =>
      check(core.storedAuth(request), authRequest(request)).then(
        (failure) =>
          failure === undefined
            ? undefined
            : failure === core.PREFLIGHT
              ? endPreflight(reply)
              : answer(request, reply)(failure),
        answer(request, reply),
      ),
    fromResponder: (respond) => async (request, reply) => {
      const response = respond(facts(request));
      if (response !== undefined) return write(reply, response);
    },
    authTarget: (request) => request,
  });
