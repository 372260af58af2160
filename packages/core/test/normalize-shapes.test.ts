/**
 * normalize() reads a foreign error by its whole shape, never by one field
 * that happens to match: what makes each library's error recognisable, which
 * near-misses stay "not an auth failure", and how the scheme of a challenge a
 * 401 brings in `err.headers` is read (a token at the start, any case).
 * normalize.test.ts covers each library's real errors; these are the edges.
 */

import { UnauthorizedError as ExpressJwtUnauthorizedError } from 'express-jwt';
import { InvalidRequestError } from 'express-oauth2-jwt-bearer';
import createError from 'http-errors';
import jsonwebtoken from 'jsonwebtoken';
import { JwksError } from 'jwks-rsa';
import { describe, expect, it } from 'vitest';
import { normalize } from '../src/errors/normalize.js';
import { AuthError } from '../src/index.js';

const named = (name: string, fields: object = {}) => Object.assign(new Error('a library message'), { name }, fields);

describe('http-errors and look-alikes: status or statusCode, 401 and 403 only', () => {
  it.each([
    ['{ status: 401 }', { status: 401 }, 'credentials_required'],
    ['{ statusCode: 401 }', { statusCode: 401 }, 'credentials_required'],
    ['{ statusCode: 403 }', { statusCode: 403 }, 'forbidden'],
    ['{ status: 404, statusCode: 401 }: status wins', { status: 404, statusCode: 401 }, undefined],
    ['a function with status 401 (any thrown value)', Object.assign(() => {}, { status: 401 }), 'credentials_required'],
  ])('%s → %s', (_name, thrown, code) => {
    expect(normalize(thrown)?.code).toBe(code);
  });

  it('headers that are not an object give no scheme, and no crash', () => {
    const error = normalize({ status: 401, headers: null });
    expect(error?.code).toBe('credentials_required');
    expect(error?.scheme).toBeUndefined();
  });
});

describe('the scheme of the challenge a 401 brings in err.headers', () => {
  it.each([
    ['Basic realm="Secure Area"', 'Basic'],
    ['basic', 'Basic'],
    ['  Basic realm="x"', 'Basic'],
    ['Basic,realm="x"', 'Basic'],
    ['Bearer realm="x"', 'Bearer'],
    ['Bearer', 'Bearer'],
    [' bEaReR,error="x"', 'Bearer'],
    ['Basically', undefined],
    ['XBasic realm="x"', undefined],
    ['Digest basic', undefined],
    ['Bearerx', undefined],
    ['XBearer realm="x"', undefined],
    ['Negotiate bearer', undefined],
    ['', undefined],
  ])('%j → %s', (challenge, scheme) => {
    // A plain 401: http-errors names its 401 UnauthorizedError, as express-oauth2-jwt-bearer does, and a
    // challenge starting "Bearer" is then read as that library's (same result for well-formed challenges).
    const error = normalize({ status: 401, headers: { 'WWW-Authenticate': challenge } });
    expect(error?.code).toBe('credentials_required');
    expect(error?.scheme).toBe(scheme);
  });

  it('finds the field whatever the case of its name, and only that field', () => {
    expect(normalize(createError(401, { headers: { 'www-authenticate': 'Basic' } }))?.scheme).toBe('Basic');
    const other = { status: 401, headers: { 'X-Hint': 'Basic', 'WWW-Authenticate': 'Bearer realm="x"' } };
    expect(normalize(other)?.scheme).toBe('Bearer');
  });

  it('reads the first line of a repeated field', () => {
    const error = createError(401, { headers: { 'WWW-Authenticate': ['Basic realm="a"', 'Bearer'] } });
    expect(normalize(error)?.scheme).toBe('Basic');
  });
});

describe('one matching field is not enough: near misses are not auth failures', () => {
  it.each([
    ['express-jwt: a code alone', { code: 'invalid_token' }],
    ['express-jwt: credentials_required as a code alone', { code: 'credentials_required' }],
    ['express-jwt: an UnauthorizedError with a code it never uses', named('UnauthorizedError', { code: 'x' })],
    [
      'koa-jwt: a 500 wrapping a jsonwebtoken error',
      createError(500, 'x', { originalError: new jsonwebtoken.JsonWebTokenError('bad') }),
    ],
    [
      'koa-jwt: a 400 saying the header format is bad',
      createError(400, 'Bad Authorization header format. Format is "Bearer <token>"'),
    ],
    ['Boom: an output 403 without isBoom', { output: { statusCode: 403 } }],
    [
      'Boom: an output 401 with a challenge, without isBoom',
      { output: { statusCode: 401, headers: { 'WWW-Authenticate': 'Basic' } } },
    ],
    ['express-oauth2-jwt-bearer: an InvalidTokenError without headers', named('InvalidTokenError')],
    [
      'express-oauth2-jwt-bearer: an InvalidTokenError with headers null',
      named('InvalidTokenError', { headers: null }),
    ],
    [
      'express-oauth2-jwt-bearer: an InvalidTokenError with headers as a string',
      named('InvalidTokenError', { headers: 'Bearer' }),
    ],
    [
      'express-oauth2-jwt-bearer: an UnauthorizedError that wraps an inner error (not the no-token case)',
      named('UnauthorizedError', { headers: { 'WWW-Authenticate': 'Bearer realm="api"' }, inner: new Error('x') }),
    ],
  ])('%s', (_name, thrown) => {
    expect(normalize(thrown)).toBeUndefined();
  });
});

describe('express-jwt: the error it wraps', () => {
  it('an inner error with a code but no syscall is a token defect, not an outage', () => {
    for (const inner of [named('Error', { code: 'ERR_SOMETHING' }), named('Error', { syscall: 'connect' })]) {
      const error = normalize(new ExpressJwtUnauthorizedError('invalid_token', inner));
      expect(error?.code).toBe('invalid_token');
    }
  });

  it('an outage keeps the error express-jwt threw as the cause, with the Bearer scheme', () => {
    for (const inner of [
      named('Error', { code: 'ECONNREFUSED', syscall: 'connect' }),
      new JwksError('Not Found: https://idp.internal/.well-known/jwks.json'),
    ]) {
      const thrown = new ExpressJwtUnauthorizedError('invalid_token', inner);
      const error = normalize(thrown);
      expect(error?.code).toBe('auth_unavailable');
      expect(error?.scheme).toBe('Bearer');
      expect(error?.cause).toBe(thrown);
    }
  });
});

describe('jwks-rsa: a failed fetch is an outage whatever its name', () => {
  it('isEndpointUnavailable → 503 auth_unavailable for Bearer, the error as cause', () => {
    const thrown = named('Error', { code: 'ECONNREFUSED', isEndpointUnavailable: true });
    const error = normalize(thrown);
    expect(error?.code).toBe('auth_unavailable');
    expect(error?.scheme).toBe('Bearer');
    expect(error?.cause).toBe(thrown);
  });
});

describe('express-oauth2-jwt-bearer', () => {
  it('InvalidRequestError: invalid_request with the catalog wording', () => {
    const error = normalize(new InvalidRequestError('Invalid request URL'));
    expect(error?.code).toBe('invalid_request');
    expect(error?.detail).toBe('The authentication information in the request is malformed');
  });

  it('InsufficientScopeError: the scopes of its challenge, without empty ones; none at all is 403 forbidden', () => {
    const scoped = named('InsufficientScopeError', {
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope", scope="read  write"' },
    });
    expect(normalize(scoped)?.requiredScopes).toEqual(['read', 'write']);
    const unscoped = named('InsufficientScopeError', {
      headers: { 'WWW-Authenticate': 'Bearer realm="api", error="insufficient_scope"' },
    });
    const error = normalize(unscoped);
    expect(error).toBeInstanceOf(AuthError);
    expect(error?.code).toBe('forbidden');
    expect(error?.cause).toBe(unscoped);
  });
});
