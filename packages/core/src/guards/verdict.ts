/**
 * What a `verify` callback may return, and how a guard reads it: one meaning
 * for Basic and Bearer, so that nothing a callback returns by mistake
 * authenticates a request.
 */
import { AuthError, type AuthErrorOptions, authUnavailable } from '../errors/errors.js';

/**
 * What a `verify` callback returns, with one meaning for every scheme:
 * - an object: the credentials are good, and this is the principal;
 * - `true`: the credentials are good, and the principal is the scheme's own:
 *   `{ user }` for Basic; `{}` for Bearer, whose opaque token names nobody
 *   (the token itself is never copied into the principal, where it could be logged);
 * - `false`, `null` or `undefined`: the credentials are wrong (401);
 * - an AuthError, thrown or returned: the request fails with it;
 * - a throw, a rejection, or any other value (a string, a number, another
 *   Error): the check itself failed, so the answer is 503 `auth_unavailable`,
 *   never a 401, and never an authenticated request.
 */
export type Verdict<Principal extends object = object> = Principal | boolean | null | undefined;

/**
 * The principal a guard puts on the request for what `verify` returns (`V`):
 * its objects but an AuthError (a failure), plus the scheme's own principal
 * `Own` when it may return `true`.
 */
export type PrincipalOf<V, Own extends object> =
  | Exclude<V, boolean | null | undefined | AuthError>
  | (true extends V ? Own : never);

/**
 * Runs a verify callback and reads its `Verdict`: the principal, `undefined`
 * when the credentials are wrong, or the AuthError to fail with. An AuthError
 * it throws or returns is that failure; anything else thrown, or returned
 * outside `Verdict`, is the check failing (503).
 */
export async function runVerify<P extends object>(
  check: () => Verdict | Promise<Verdict>,
  ownPrincipal: () => P,
  context: AuthErrorOptions,
): Promise<P | AuthError | undefined> {
  let result: unknown;
  try {
    result = await check();
  } catch (error) {
    return AuthError.is(error) ? error : authUnavailable({ ...context, cause: error });
  }
  if (result === false || result === null || result === undefined) return undefined;
  if (result === true) return ownPrincipal();
  if (AuthError.is(result)) return result;
  // An Error is what a callback that meant to fail returns by mistake: never a principal.
  if ((typeof result === 'object' && !(result instanceof Error)) || typeof result === 'function') return result as P;
  const what = result instanceof Error ? 'an Error' : `a ${typeof result}`;
  const cause = new TypeError(`auth-errors: verify returned ${what}; return a principal object, true or false`);
  return authUnavailable({ ...context, cause });
}
