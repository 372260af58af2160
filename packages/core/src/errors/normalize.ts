/**
 * Turns any thrown value into an AuthError, or says it is not an auth failure
 * (`undefined`). Recognises our errors, jose, express-oauth2-jwt-bearer,
 * express-jwt, koa-jwt (and jwks-rsa behind them), Boom and http-errors.
 * Never throws, whatever it is given: every property read is guarded.
 */

import { isScopeToken } from '../render/header-values.js';
import { readProperty } from '../util/safe-read.js';
import { isAuthErrorCode } from './catalog.js';
import {
  type AuthError,
  AuthError as AuthErrorClass,
  authUnavailable,
  credentialsRequired,
  forbidden,
  insufficientScope,
  invalidCredentials,
  invalidRequest,
  invalidToken,
} from './errors.js';
import { fromJoseCode, isJoseCode } from './jose-errors.js';

type Recognizer = (error: object) => AuthError | undefined;

function statusOf(error: object): unknown {
  return readProperty(error, 'status') ?? readProperty(error, 'statusCode');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Messages of key-source and discovery failures that peers report as `invalid_token`. */
const OUTAGE_MESSAGES = [
  'fetch failed',
  'request timed out',
  'Failed to fetch ',
  'Failed to parse the response from ',
  'Expected 200 OK from the JSON Web Key Set',
  'Failed to parse the JSON Web Key Set',
  'Configuration error:',
  'connect ECONNREFUSED',
  'getaddrinfo ',
  'socket hang up',
];

function isOutageMessage(message: string): boolean {
  return OUTAGE_MESSAGES.some((prefix) => message.startsWith(prefix));
}

const jose: Recognizer = (error) => {
  const code = readProperty(error, 'code');
  if (!isJoseCode(code)) return undefined;
  return fromJoseCode(code, {
    cause: error,
    claim: readProperty(error, 'claim'),
    reason: readProperty(error, 'reason'),
  });
};

/** jwks-rsa, as thrown through express-jwt's or koa-jwt's secret callbacks. */
function fromJwksRsa(error: object): AuthError | undefined {
  // jwks-rsa marks every failed JWKS fetch; express-jwt 8 passes a network error (ECONNREFUSED…) on unwrapped.
  if (readProperty(error, 'isEndpointUnavailable') === true) return authUnavailable({ cause: error, scheme: 'Bearer' });
  switch (readProperty(error, 'name')) {
    case 'JwksError':
    case 'ArgumentError':
      return authUnavailable({ cause: error, scheme: 'Bearer' });
    case 'SigningKeyNotFoundError':
    case 'JwksRateLimitError':
      return invalidToken({ detail: 'The access token is signed with an unknown key', cause: error });
    default:
      return undefined;
  }
}

/** jsonwebtoken, as wrapped by express-jwt (`inner`) and koa-jwt (`originalError`). */
function fromJsonWebToken(error: unknown, cause: object): AuthError {
  const name = readProperty(error, 'name');
  if (name === 'TokenExpiredError') return invalidToken({ detail: 'The access token expired', cause });
  if (name === 'NotBeforeError') return invalidToken({ detail: 'The access token is not valid yet', cause });
  if (typeof readProperty(error, 'code') === 'string' && readProperty(error, 'syscall') !== undefined) {
    return authUnavailable({ cause, scheme: 'Bearer' });
  }
  if (typeof error === 'object' && error !== null) {
    const jwks = fromJwksRsa(error);
    if (jwks) return jwks.code === 'auth_unavailable' ? authUnavailable({ cause, scheme: 'Bearer' }) : jwks;
  }
  return invalidToken({ cause });
}

/** express-oauth2-jwt-bearer: InvalidRequestError, InvalidTokenError, InsufficientScopeError, UnauthorizedError. */
const expressOAuth2JwtBearer: Recognizer = (error) => {
  const name = readProperty(error, 'name');
  const headers = readProperty(error, 'headers');
  if (typeof headers !== 'object' || headers === null) return undefined;
  const challenge = text(readProperty(headers, 'WWW-Authenticate'));
  switch (name) {
    case 'InvalidRequestError':
      return invalidRequest({ scheme: 'Bearer', cause: error });
    case 'InvalidProofError':
      return invalidRequest({ scheme: 'Bearer', detail: 'The DPoP proof is not valid', cause: error });
    case 'InvalidTokenError':
      // It reports JWKS and discovery outages as invalid_token; they are not the caller's fault.
      if (isOutageMessage(text(readProperty(error, 'message')))) {
        return authUnavailable({ cause: error, scheme: 'Bearer' });
      }
      return invalidToken({ cause: error });
    case 'InsufficientScopeError': {
      const match = /scope="([^"]*)"/.exec(challenge);
      const scopes = (match?.[1] ?? '').split(' ').filter(isScopeToken);
      return scopes.length > 0 ? insufficientScope(scopes, { cause: error }) : forbidden({ cause: error });
    }
    case 'UnauthorizedError':
      return readProperty(error, 'inner') === undefined && challenge.startsWith('Bearer')
        ? credentialsRequired({ scheme: 'Bearer', cause: error })
        : undefined;
    default:
      return undefined;
  }
};

/** express-jwt's UnauthorizedError: `code` plus the original error in `inner`. */
const expressJwt: Recognizer = (error) => {
  if (readProperty(error, 'name') !== 'UnauthorizedError') return undefined;
  const inner = readProperty(error, 'inner');
  switch (readProperty(error, 'code')) {
    case 'credentials_required':
    case 'credentials_bad_scheme':
      return credentialsRequired({ scheme: 'Bearer', cause: error });
    case 'credentials_bad_format':
      return invalidRequest({ scheme: 'Bearer', cause: error });
    case 'revoked_token':
      return invalidToken({ detail: 'The access token was revoked', cause: error });
    case 'invalid_token':
      return fromJsonWebToken(inner, error);
    default:
      return undefined;
  }
};

/** koa-jwt: `ctx.throw(401, msg, { originalError })`. */
const koaJwt: Recognizer = (error) => {
  if (statusOf(error) !== 401) return undefined;
  const original = readProperty(error, 'originalError');
  if (original !== undefined) {
    if (readProperty(original, 'message') === 'Token revoked') {
      return invalidToken({ detail: 'The access token was revoked', cause: error });
    }
    return fromJsonWebToken(original, error);
  }
  if (text(readProperty(error, 'message')).startsWith('Bad Authorization header format')) {
    return invalidRequest({ scheme: 'Bearer', cause: error });
  }
  return undefined;
};

const jwksRsa: Recognizer = (error) => fromJwksRsa(error);

/** @hapi/boom: `isBoom`, with the status and challenge in `output`. */
const boom: Recognizer = (error) => {
  if (readProperty(error, 'isBoom') !== true) return undefined;
  const output = readProperty(error, 'output');
  const status = readProperty(output, 'statusCode');
  if (status === 403) return forbidden({ cause: error });
  if (status !== 401) return undefined;
  const challenge = text(readProperty(readProperty(output, 'headers'), 'WWW-Authenticate')).toLowerCase();
  const scheme = challenge.startsWith('basic') ? 'Basic' : challenge.startsWith('bearer') ? 'Bearer' : undefined;
  if (readProperty(error, 'isMissing') === true || scheme === undefined) {
    return credentialsRequired({ scheme, cause: error });
  }
  return scheme === 'Basic' ? invalidCredentials({ cause: error }) : invalidToken({ cause: error });
};

/**
 * The scheme of the challenge a 401 brings in `err.headers`, as koa-basic-auth's
 * `ctx.throw(401, { headers: { 'WWW-Authenticate': 'Basic realm="…"' } })` does:
 * answering it with a Bearer challenge only would stop browsers asking for a password.
 */
function headerScheme(error: object): 'Basic' | 'Bearer' | undefined {
  const headers = readProperty(error, 'headers');
  if (typeof headers !== 'object' || headers === null) return undefined;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'www-authenticate');
  const value = name === undefined ? undefined : readProperty(headers, name);
  const challenge = text(Array.isArray(value) ? value[0] : value);
  if (/^\s*basic(?:[\s,]|$)/i.test(challenge)) return 'Basic';
  if (/^\s*bearer(?:[\s,]|$)/i.test(challenge)) return 'Bearer';
  return undefined;
}

/** http-errors and anything else with the same contract: 401 and 403 only. */
const httpErrors: Recognizer = (error) => {
  const status = statusOf(error);
  if (status === 401) return credentialsRequired({ scheme: headerScheme(error), cause: error });
  if (status === 403) return forbidden({ cause: error });
  return undefined;
};

const recognizers: readonly Recognizer[] = [
  jose,
  expressOAuth2JwtBearer,
  expressJwt,
  koaJwt,
  jwksRsa,
  boom,
  httpErrors,
];

export function normalize(thrown: unknown): AuthError | undefined {
  // An AuthError from another copy of the package may carry a code this copy cannot render: read it as a foreign error.
  if (AuthErrorClass.is(thrown) && isAuthErrorCode(readProperty(thrown, 'code'))) return thrown;
  if ((typeof thrown !== 'object' && typeof thrown !== 'function') || thrown === null) return undefined;
  try {
    for (const recognize of recognizers) {
      const error = recognize(thrown);
      if (error !== undefined) return error;
    }
  } catch {
    // A hostile or broken thrown value (a proxy, a getter that throws) is not an auth failure we can read.
  }
  return undefined;
}
