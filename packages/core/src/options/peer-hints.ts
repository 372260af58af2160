/**
 * Option names of the libraries applications migrate from, each with what
 * to write here instead. They are refused like any unknown option (an
 * ignored `credentialsRequired: false` would be a route the application
 * believes is open and is not), but the message says where the setting went.
 */

const OPTIONAL_AUTH =
  'optional authentication (let a request without credentials through) is not built yet: put the guard only on the routes that require credentials';
const WHERE_AUTH = 'read what a guard verified with guard.auth(request) or authOf(request)';
const TOKEN_SOURCE =
  'tokens are read from the Authorization header (RFC 6750 §2.1), and from the query or a form body with `methods: { query: true, body: true }`; a token kept elsewhere (a cookie) must be copied into the Authorization header before the guard';

/** The hint for each peer name; written to follow "option "x" is not known: ". */
export const PEER_HINTS: Readonly<Record<string, string>> = {
  // express-jwt
  credentialsRequired: `express-jwt's credentialsRequired: ${OPTIONAL_AUTH}`,
  requestProperty: `express-jwt's requestProperty has no equivalent: ${WHERE_AUTH}`,
  getToken: `express-jwt's getToken has no equivalent: ${TOKEN_SOURCE}`,
  isRevoked:
    "express-jwt's isRevoked: check revocation with requireAuth(policy) after the guard (false is 403), or throw invalidToken() from the policy for a 401",
  // jwks-rsa
  jwksUri:
    'jwks-rsa\'s jwksUri is "jwksUrl" here (or "keySource": createRemoteKeySource(url), shared by several guards)',
  cache: 'jwks-rsa\'s cache: keys are always cached here; "jwks.cacheMaxAge" (milliseconds) bounds how long',
  cacheMaxAge: 'jwks-rsa\'s cacheMaxAge is "jwks.cacheMaxAge" here (milliseconds), next to "jwksUrl"',
  cacheMaxEntries: 'jwks-rsa\'s cacheMaxEntries: one key set is cached per JWKS URL; "jwks.maxKeys" bounds its keys',
  rateLimit:
    'jwks-rsa\'s rateLimit: fetches are always limited here, at most one per "jwks.cooldownDuration" (milliseconds) for unknown kids',
  jwksRequestsPerMinute:
    'jwks-rsa\'s jwksRequestsPerMinute is "jwks.cooldownDuration" here: the milliseconds between two fetches (60000 / requests per minute)',
  timeout: 'jwks-rsa\'s timeout is "jwks.timeoutDuration" of jwtAuth here (milliseconds)',
  // koa-jwt
  passthrough: `koa-jwt's passthrough: ${OPTIONAL_AUTH}`,
  tokenKey: `koa-jwt's tokenKey has no equivalent: the verified claims are guard.auth(ctx).claims`,
  cookie: `koa-jwt's cookie has no equivalent: ${TOKEN_SOURCE}`,
  // express-oauth2-jwt-bearer
  issuerBaseURL:
    'express-oauth2-jwt-bearer\'s issuerBaseURL: give "issuer" (the exact `iss`) and "jwksUrl" (its JWKS); there is no discovery here',
  tokenSigningAlg: 'express-oauth2-jwt-bearer\'s tokenSigningAlg is "algorithms" here, e.g. algorithms: ["RS256"]',
  authRequired: `express-oauth2-jwt-bearer's authRequired: ${OPTIONAL_AUTH}`,
  // @fastify/jwt
  decode:
    "@fastify/jwt's decode options have no equivalent: tokens are verified, never only decoded; the claims are guard.auth(request).claims",
  verify:
    '@fastify/jwt\'s verify options are "issuer", "audience", "algorithms", "clockTolerance" and "requiredClaims" here; a "verify" callback belongs to basicAuth and bearerAuth (opaque tokens)',
  formatUser:
    "@fastify/jwt's formatUser has no equivalent: the principal is the JWT payload; shape it in the handler from guard.auth(request)",
};
