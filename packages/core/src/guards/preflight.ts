/**
 * A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`, WHATWG
 * Fetch §4.8) carries no credentials, so a guard or check never challenges it;
 * nor does it let it through: on a route that matches every method
 * (`app.all`, `router.all`, a guard mounted for a whole path), the next
 * handler would run for a request that nobody authenticated. A guard or check
 * that sees a preflight resolves to `PREFLIGHT`, and the adapter ends the
 * request with 204 and no body, keeping every header an earlier layer set (a
 * CORS layer's `Access-Control-Allow-*`): docs/conformance.md rule 62.
 */

/**
 * What a guard or check resolves to for a preflight: end the request with 204,
 * no body, and call nothing after it. A registered symbol, so that `===`
 * narrows the result's type and two copies of the core agree.
 */
export const PREFLIGHT: unique symbol = Symbol.for('auth-errors.preflight');

export type Preflight = typeof PREFLIGHT;
