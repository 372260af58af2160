/**
 * JWT verification options (`jwtAuth`, `createJwtVerifier`). Protocol times
 * are integer seconds, as JWT's NumericDate is (RFC 7519 §2). Which key
 * options go together is checked where the key is resolved (keys/jwt.ts).
 */
import { isKeySource } from '../keys/key-source.js';
import type { PublicKeyInput } from '../keys/local-key.js';
import { fail } from './fail.js';
import { custom, declare, duration, list, oneOf, text, url, type Values } from './fields.js';
import { JWKS_OPTIONS, JWKS_URL } from './key-source-options.js';

const strings = (doc: string, required?: true) =>
  list(
    text({ doc: 'A non-empty string.', nonEmpty: true }),
    { items: 'non-empty strings', nonEmpty: true, single: true },
    required ? { doc, required } : { doc },
  );

/** koa-jwt's `key` names a ctx.state property: a word, where a key here is PEM text. */
function publicKey(value: unknown): PublicKeyInput {
  if (typeof value === 'string' && /^[A-Za-z_$][\w$]*$/.test(value)) {
    fail(
      'option "key" is a public key (PEM, JWK, KeyObject or CryptoKey), not a name: koa-jwt\'s key (the ctx.state property) has no equivalent; read the claims with guard.auth(ctx).claims',
    );
  }
  return value as PublicKeyInput;
}

function hmacSecret(value: unknown): Uint8Array {
  if (typeof value === 'function') {
    fail(
      'option "secret" is an HMAC secret, not a function: for keys looked up per token (express-jwt\'s secret callback) give "jwksUrl" or "keySource"',
    );
  }
  const secret = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  if (!(secret instanceof Uint8Array) || secret.byteLength < 32) fail('option "secret" must be at least 32 bytes');
  return secret;
}

export const JWT_VERIFIER_FIELDS = {
  issuer: strings('The exact expected `iss` (no trailing-slash normalization, RFC 9068 §4).', true),
  audience: strings("This resource server's identifier: `aud` must contain it.", true),
  algorithms: strings('Allowed `alg` values. Default: RS256 and ES256 for keys and JWKS, HS256 for a secret.'),
  clockTolerance: duration(
    'seconds',
    { min: 0, max: 300 },
    { doc: "Leeway for `exp` and `nbf`; `iat` is not checked: a token's age is its `exp`.", default: 30 },
  ),
  typ: strings('Accepted `typ` header values, compared as media types. Default: any.'),
  profile: oneOf(['rfc9068'], {
    doc: '`rfc9068`: `typ` must be `at+jwt`, and iat, jti, sub and client_id are required.',
  }),
  requiredClaims: strings('Claims that must be present, beyond `exp`.'),
  retryAfter: duration('seconds', { min: 0 }, { doc: '`Retry-After` for `auth_unavailable`.' }),
  jwksUrl: url(JWKS_URL, {
    doc: "URL of the issuer's JWKS. Exactly one of `jwksUrl`, `keySource`, `key` and `secret`.",
    acceptsUrl: true,
  }),
  keySource: custom(
    'a key source from createRemoteKeySource()',
    (value) => (isKeySource(value) ? value : fail('option "keySource" must come from createRemoteKeySource()')),
    { doc: 'A key source shared by every guard given it (one cache, one fetch at a time).' },
  ),
  key: custom('a PEM string, JWK, KeyObject or CryptoKey', publicKey, { doc: 'A public key.' }),
  secret: custom('a string or Uint8Array of at least 32 bytes', hmacSecret, {
    doc: 'An HMAC secret (HS256/384/512 only).',
  }),
  jwks: JWKS_OPTIONS,
} as const;

export const JWT_VERIFIER_OPTIONS = declare('JWT options', JWT_VERIFIER_FIELDS, {
  title: 'createJwtVerifier(options)',
});

/** The verifier's options as read: defaults filled in, secrets as bytes. */
export type JwtSettings = Values<typeof JWT_VERIFIER_FIELDS>;
