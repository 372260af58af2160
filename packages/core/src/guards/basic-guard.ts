/** The Basic guard (RFC 7617): a `verify` callback checks the user and password. */
import { readAuthorization } from '../credentials/authorization.js';
import { decodeBasic } from '../credentials/basic.js';
import { AuthError, credentialsRequired, invalidCredentials } from '../errors/errors.js';
import { BASIC_OPTIONS } from '../options/guard-options.js';
import { readOptions } from '../options/read.js';
import { scopesOf } from './auth-info.js';
import { createConcurrencyLimit } from './concurrency.js';
import { failure, inContext } from './guard-context.js';
import type { BasicGuardOptions, Guard } from './guard-types.js';
import { PREFLIGHT } from './preflight.js';
import { type PrincipalOf, runVerify, type Verdict } from './verdict.js';

export function createBasicGuard<V extends Verdict>(
  options: BasicGuardOptions<V>,
): Guard<PrincipalOf<V, { user: string }>> {
  type Principal = PrincipalOf<V, { user: string }>;
  const { realm, maxConcurrent, ...read } = readOptions(BASIC_OPTIONS, options);
  const verify = read.verify as BasicGuardOptions<V>['verify'];
  const context = { scheme: 'Basic', realm } as const;
  const limit = createConcurrencyLimit(maxConcurrent, 'basicAuth');

  return async (request) => {
    if (request.preflight) return PREFLIGHT;
    try {
      const credentials = readAuthorization(request.authorization);
      if (credentials?.scheme !== 'basic') return credentialsRequired(context);
      const { user, password } = decodeBasic(credentials.value);
      const principal = await limit.run(
        () =>
          runVerify(
            () => verify(user, password, request),
            () => ({ user }) as Principal,
            context,
          ),
        context,
      );
      if (principal === undefined) return invalidCredentials(context);
      if (AuthError.is(principal)) return inContext(principal, context);
      return { scheme: 'Basic', principal, scopes: scopesOf(principal) };
    } catch (error) {
      return failure(error, context);
    }
  };
}
