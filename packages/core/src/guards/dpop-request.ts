/** A Bearer guard's answer to `Authorization: DPoP <token>` (RFC 9449 §7.1). */
import type { JWTPayload } from 'jose';
import { isB64Token } from '../credentials/bearer.js';
import type { DpopPolicy } from '../dpop/policy.js';
import { AuthError, invalidRequest, invalidToken, withContext } from '../errors/errors.js';
import type { AuthRequest } from '../request/request.js';
import { type AuthInfo, scopesOf, withDpopChallenge } from './auth-info.js';
import type { BearerSources } from './bearer-sources.js';
import { type GuardContext, inContext } from './guard-context.js';

/** What a Bearer guard checks a token with: the principal, `undefined` for a wrong token, or the failure. */
export type TokenVerifier<Principal> = (
  token: string,
  request: AuthRequest,
) => Promise<Principal | AuthError | undefined>;

/**
 * `Authorization: DPoP <token>` (RFC 9449 §7.1): the token verified as usual,
 * then the proof checked against it. Errors are the DPoP scheme's.
 */
export async function dpopRequest<Principal extends object>(
  request: AuthRequest,
  sources: BearerSources,
  verifyToken: TokenVerifier<Principal>,
  dpop: DpopPolicy,
  bearerContext: GuardContext,
  withClaims: boolean,
): Promise<AuthInfo<Principal> | AuthError> {
  const context = { ...bearerContext, scheme: 'DPoP' } as const;
  try {
    if (sources.query?.length || sources.body?.length) {
      return invalidRequest({ ...context, detail: 'Multiple methods used to include access token' });
    }
    const token = sources.authorization?.value ?? '';
    if (token === '') return invalidRequest({ ...context, detail: 'The access token is missing' });
    if (!isB64Token(token)) return invalidToken({ ...context, detail: 'The access token is malformed' });
    const principal = await verifyToken(token, request);
    if (principal === undefined) return invalidToken(context);
    if (AuthError.is(principal)) return inDpopContext(principal, context);
    const { jkt, nonce } = await dpop.check(request, token, principal);
    const scopes = scopesOf(principal);
    const info = { scheme: 'DPoP', principal, scopes, via: 'header', jkt, dpopNonce: nonce } as const;
    return withDpopChallenge(withClaims ? { ...info, claims: principal as JWTPayload } : info, dpop.challenge);
  } catch (error) {
    if (AuthError.is(error)) return inDpopContext(error, context);
    throw error;
  }
}

/** The token verifier speaks Bearer: a failure here concerns the DPoP scheme. */
function inDpopContext(error: AuthError, context: GuardContext): AuthError {
  return inContext(error.scheme === 'Bearer' ? withContext(error, { scheme: 'DPoP' }) : error, context);
}
