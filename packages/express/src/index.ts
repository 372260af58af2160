/**
 * @auth-errors/express: the Express adapter. It reads the request, calls the
 * core, and writes what the core returns; all behaviour lives in the core.
 */
import { AuthError, type AuthRequest } from '@auth-errors/core';
import * as core from '@auth-errors/core/adapter';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

// The core's root entry is exactly what an application uses, whatever its framework.
export * from '@auth-errors/core';

/** `extensions`, when a function, receives Express's `req`. */
export type AuthErrorsOptions = core.RenderOptions<Request>;

/**
 * The error-handling middleware: register it after your routes. Auth failures
 * (ours, http-errors 401/403, jose, express-jwt, express-oauth2-jwt-bearer,
 * Boom…) become problem responses; anything else goes to `next(err)` untouched.
 */
export function authErrors(options?: AuthErrorsOptions): ErrorRequestHandler {
  const render = core.createRenderer(options);
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const response = render(err, core.renderFacts(req, req.originalUrl), req);
    if (response === undefined) return next(err);
    write(res, response);
  };
}

/** Writes what the core returned, as it is. */
function write(res: Response, response: core.RenderedResponse): void {
  res.status(response.status);
  for (const name of response.remove) res.removeHeader(name);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  for (const field of response.vary) res.vary(field);
  if (response.expose.length > 0) {
    const name = 'Access-Control-Expose-Headers';
    res.setHeader(name, core.appendToList(res.getHeader(name), response.expose));
  }
  res.end(response.body);
}

/** A CORS preflight ends here (rule 62): 204, no body, the headers a CORS layer set before kept. */
function endPreflight(res: Response): void {
  res.status(204).end();
}

function authRequest(req: Request): AuthRequest {
  return core.fromNodeRequest(req, { url: req.originalUrl, body: req.body, origin: () => externalOrigin(req) });
}

/**
 * The origin the client used, for DPoP: `X-Forwarded-*` only when `trust proxy`
 * trusts the peer (req.protocol does so; this is Express 5's req.host, which Express 4 lacks).
 */
function externalOrigin(req: Request): string {
  const trust = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  const forwarded = req.get('X-Forwarded-Host');
  const host =
    forwarded !== undefined && trust(req.socket.remoteAddress, 0) ? forwarded.split(',')[0]?.trim() : req.get('Host');
  return `${req.protocol}://${host}`;
}

export const { basicAuth, bearerAuth, jwtAuth, requireScopes, requireAuth, requireStepUp, resourceMetadata, authOf } =
  core.createGuardKit<RequestHandler, Request>({
    fromGuard: (guard) => (req, res, next) => {
      guard(authRequest(req)).then((auth) => {
        if (AuthError.is(auth)) return next(auth);
        if (auth === core.PREFLIGHT) return endPreflight(res);
        core.storeAuth(req, auth, guard);
        for (const [name, value] of core.successHeaders(auth)) res.setHeader(name, value);
        next();
      }, next);
    },
    fromCheck: (check) => (req, res, next) => {
      check(core.storedAuth(req), authRequest(req)).then(
        (failure) => (failure === core.PREFLIGHT ? endPreflight(res) : next(failure)),
        next,
      );
    },
    fromResponder: (respond) => (req, res, next) => {
      const response = respond(core.renderFacts(req, req.originalUrl));
      if (response === undefined) next();
      else write(res, response);
    },
    authTarget: (req) => req,
  });
