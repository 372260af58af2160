// Scopes per MCP tool, checked in HTTP middleware. Every tool call arrives as
// the same `POST /mcp`, so a check inside the tool could only answer with a
// JSON-RPC error in a 200; a client steps up (asks for a token with more
// scopes) only on HTTP 403 `insufficient_scope` with the scope in the Bearer
// challenge (MCP authorization, "Scope Challenge Handling"; RFC 6750 §3.1).
// This middleware reads the JSON-RPC request (`tools/call` and the tool name)
// after the body parser and before the transport sees it.
//
// Copy this file into another MCP server: it uses only the public API of
// @auth-errors/express, after a guard (jwtAuth, bearerAuth) and express.json().
// A body express.json() did not parse is refused (415), so the transport never
// parses a request this check has not read.
import { authOf, credentialsRequired, forbidden, insufficientScope } from '@auth-errors/express';

/**
 * The scopes the tool calls in a JSON-RPC message (or a batch) need, in order;
 * `undefined` when it calls a tool that `toolScopes` does not list.
 */
export function scopesForToolCalls(message, toolScopes) {
  const needed = [];
  for (const request of Array.isArray(message) ? message : [message]) {
    if (request === null || typeof request !== 'object' || request.method !== 'tools/call') continue;
    const name = request.params?.name;
    if (typeof name !== 'string' || !Object.hasOwn(toolScopes, name)) return undefined;
    for (const scope of toolScopes[name]) if (!needed.includes(scope)) needed.push(scope);
  }
  return needed;
}

/**
 * Middleware: a `tools/call` goes on only when the token grants every scope
 * its tool needs. Otherwise 403 `insufficient_scope`, whose challenge names
 * the scopes of this server the token already holds and then the missing
 * ones, so a client that re-authorizes keeps what it had (MCP's recommended
 * approach). A call to an unlisted tool is 403 `forbidden`: fail closed.
 * @param {Record<string, readonly string[]>} toolScopes tool name → scopes it needs
 */
export function requireToolScopes(toolScopes) {
  if (typeof toolScopes !== 'object' || toolScopes === null) {
    throw new TypeError('requireToolScopes: toolScopes must be an object of tool name → scopes');
  }
  for (const [tool, scopes] of Object.entries(toolScopes)) {
    try {
      insufficientScope(scopes); // the library's own check: a non-empty array of RFC 6749 scope tokens
    } catch {
      throw new TypeError(`requireToolScopes: the scopes of tool "${tool}" must be a non-empty array of scope tokens`);
    }
  }
  const known = [...new Set(Object.values(toolScopes).flat())];

  return (req, res, next) => {
    // Unparsed, the transport would read the body itself: a call this check never saw. Refuse it.
    if (req.body === undefined) {
      const error = { code: -32000, message: 'Unsupported Media Type: Content-Type must be application/json' };
      return res.status(415).json({ jsonrpc: '2.0', error, id: null });
    }
    const needed = scopesForToolCalls(req.body, toolScopes);
    if (needed === undefined) return next(forbidden({ detail: 'This tool does not exist or cannot be called' }));
    if (needed.length === 0) return next();
    const auth = authOf(req);
    if (auth === undefined) return next(credentialsRequired()); // no guard ran before: fail closed
    if (needed.every((scope) => auth.scopes.includes(scope))) return next();
    const held = known.filter((scope) => auth.scopes.includes(scope));
    next(insufficientScope(needed, { scheme: auth.scheme, challengeScope: held.length > 0 ? held : undefined }));
  };
}
