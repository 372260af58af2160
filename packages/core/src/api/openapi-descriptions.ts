/**
 * What the document says in words: the response of each status, the headers
 * a failure carries and the security schemes. Typed by the catalog and the
 * schemes, so a new status, header or scheme is described here before it can
 * appear in a document.
 */
import type { ProblemTypeEntry } from '../errors/catalog.js';
import type { AuthScheme } from '../render/challenge.js';
import type { OpenApiObject } from './openapi-schemas.js';

type Status = ProblemTypeEntry['status'];

/** Component names of the responses, one per status; a new status in the catalog must be named here. */
export const RESPONSES: Record<Status, { readonly name: string; readonly description: string }> = {
  400: {
    name: 'AuthBadRequest',
    description:
      'The authentication information is malformed: a malformed or repeated Authorization field, or a token sent by two methods. Retrying unchanged fails again.',
  },
  401: {
    name: 'AuthUnauthorized',
    description:
      'No credentials, or credentials that were refused. Every 401 carries at least one WWW-Authenticate challenge (RFC 9110 §15.5.2): authenticate with one of them and retry.',
  },
  403: {
    name: 'AuthForbidden',
    description:
      'Authenticated, but not allowed: do not retry with the same credentials (RFC 9110 §15.5.4). A missing scope carries a Bearer challenge naming it (RFC 6750 §3.1).',
  },
  429: {
    name: 'AuthTooManyRequests',
    description:
      'The credentials are fine, but the caller sent more than its share (a DPoP key holding its whole share of the replay store): keep the credentials, wait Retry-After seconds and retry (RFC 6585 §4).',
  },
  503: {
    name: 'AuthUnavailable',
    description:
      'Credentials could not be checked (identity provider, key set or credential store unavailable). Keep them, wait Retry-After seconds and retry.',
  },
};

/**
 * The response headers a failure carries and their descriptions. A header
 * the renderer starts to send (DPoP-Nonce, with DPoP) must be described here
 * before a document can be generated.
 */
export const HEADERS: Record<
  string,
  { readonly name: string; readonly description: string; readonly schema: OpenApiObject }
> = {
  'www-authenticate': {
    name: 'WWW-Authenticate',
    description:
      'One challenge per field line (RFC 9110 §11.6.1), Basic first: a 401 lists every scheme the API accepts; a 400, 401 or 403 about a Bearer token carries its error (RFC 6750 §3).',
    schema: { type: 'string' },
  },
  'retry-after': {
    name: 'Retry-After',
    description: 'Seconds to wait before retrying with the same credentials (RFC 9110 §10.2.3).',
    schema: { type: 'integer', minimum: 0 },
  },
  'dpop-nonce': {
    name: 'DPoP-Nonce',
    description: 'The nonce the next DPoP proof must carry (RFC 9449 §9), with use_dpop_nonce.',
    schema: { type: 'string' },
  },
};
/** Headers every failure has, described by the media types and caching of the document rather than here. */
export const UNDESCRIBED = new Set(['content-type', 'content-length', 'cache-control']);

/**
 * The security schemes, by auth-scheme. A new scheme (DPoP: `{ type: 'http', scheme: 'dpop' }`,
 * RFC 9449 §7.1) does not compile until it is described here.
 */
export const SECURITY_SCHEMES: Record<AuthScheme, { readonly name: string; readonly scheme: OpenApiObject }> = {
  Basic: {
    name: 'basicAuth',
    scheme: {
      type: 'http',
      scheme: 'basic',
      description:
        'RFC 7617 Basic: a user name and password, UTF-8. Refused credentials are a 401 invalid_credentials.',
    },
  },
  DPoP: {
    name: 'dpopAuth',
    scheme: {
      type: 'http',
      scheme: 'dpop',
      description:
        'RFC 9449 DPoP-bound access token with a proof in the DPoP header. A refused proof is a 401 invalid_dpop_proof, a missing server nonce a 401 use_dpop_nonce.',
    },
  },
  Bearer: {
    name: 'bearerAuth',
    scheme: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'RFC 6750 Bearer access token. A refused token is a 401 invalid_token, a missing scope a 403 insufficient_scope.',
    },
  },
};
