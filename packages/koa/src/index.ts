/**
 * @auth-errors/koa: the Koa adapter. Register `authErrors()` first: it renders
 * auth failures inside the middleware chain, so Koa's default error handler
 * (which drops headers and forces text/plain) never sees them.
 */
import { AuthError, type AuthRequest } from '@auth-errors/core';
import * as core from '@auth-errors/core/adapter';
import type { Context, Middleware } from 'koa';

// The core's root entry is exactly what an application uses, whatever its framework.
export * from '@auth-errors/core';

/** `extensions`, when a function, receives Koa's `ctx`. */
export type AuthErrorsOptions = core.RenderOptions<Context>;

/** What `guard.auth(ctx)` and `authOf(ctx)` read: any Koa context, whatever its state type. */
export type AuthContext = Pick<Context, 'state'>;

/** Awaits the rest of the chain; auth failures become problem responses, anything else is rethrown untouched. */
export function authErrors(options?: AuthErrorsOptions): Middleware {
  const render = core.createRenderer(options);
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (ctx.headerSent || !ctx.writable) throw err;
      const response = render(err, core.renderFacts(ctx.req, ctx.originalUrl), ctx);
      if (response === undefined) throw err;
      write(ctx, response);
    }
  };
}

/** Writes what the core returned, as it is. */
function write(ctx: Context, response: core.RenderedResponse): void {
  ctx.status = response.status;
  // The body first: assigning it resets Content-Type and Content-Length, which the headers then set.
  ctx.body = response.body;
  for (const name of response.remove) ctx.remove(name);
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value as string | string[]);
  for (const field of response.vary) ctx.vary(field);
  if (response.expose.length > 0) {
    const name = 'Access-Control-Expose-Headers';
    ctx.set(name, core.appendToList(ctx.response.get(name), response.expose));
  }
}

/** A CORS preflight ends here (rule 62): 204, no body, the headers a CORS layer set before kept; next() is not called. */
function endPreflight(ctx: Context): void {
  ctx.status = 204;
}

function authRequest(ctx: Context): AuthRequest {
  // ctx.protocol and ctx.host honour app.proxy, and only it (Koa 3's ctx.origin is not the URL's origin).
  const body = (ctx.request as { body?: unknown }).body;
  return core.fromNodeRequest(ctx.req, { url: ctx.originalUrl, body, origin: () => `${ctx.protocol}://${ctx.host}` });
}

export const { basicAuth, bearerAuth, jwtAuth, requireScopes, requireAuth, requireStepUp, resourceMetadata, authOf } =
  core.createGuardKit<Middleware, AuthContext>({
    fromGuard: (guard) => async (ctx, next) => {
      const auth = await guard(authRequest(ctx));
      // Thrown to authErrors(), registered before the routes.
      if (AuthError.is(auth)) throw auth;
      if (auth === core.PREFLIGHT) return endPreflight(ctx);
      core.storeAuth(ctx.state, auth, guard);
      for (const [name, value] of core.successHeaders(auth)) ctx.set(name, value);
      await next();
    },
    fromCheck: (check) => async (ctx, next) => {
      const failure = await check(core.storedAuth(ctx.state), authRequest(ctx));
      if (failure === core.PREFLIGHT) return endPreflight(ctx);
      if (failure !== undefined) throw failure;
      await next();
    },
    fromResponder: (respond) => async (ctx, next) => {
      const response = respond(core.renderFacts(ctx.req, ctx.originalUrl));
      if (response === undefined) await next();
      else write(ctx, response);
    },
    authTarget: (ctx) => ctx.state,
  });
