// Demo mode only: a throwaway authorization server in memory, so that an MCP
// client can run the whole OAuth flow against this example with nothing else
// running. It serves what the MCP SDK's discovery looks for (RFC 8414 metadata
// at /.well-known/oauth-authorization-server/demo, its JWKS), signs in nobody
// (every authorization is granted to "demo-user" at once), and mints RFC 9068
// access tokens for this MCP server only (the RFC 8707 `resource`). A real MCP
// server verifies tokens from its authorization server and never mints them.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { safeEqual } from '@auth-errors/express';
import express from 'express';
import { calculateJwkThumbprint, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';

/** The two pre-registered clients: an interactive app (authorization code + PKCE) and a service (client credentials). */
export const DEMO_APP = 'demo-app';
export const DEMO_SERVICE = { id: 'demo-service', secret: 'demo-secret' };

const CODE_LIFETIME_MS = 60_000;
const MAX_PENDING_CODES = 100;

/** The proof key's thumbprint; an OAuthError when the proof is not a fresh DPoP proof for this GET of `htu`. */
async function proofKey(proof, htu) {
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'],
      maxTokenAge: 60,
    });
    if (payload.htm === 'GET' && payload.htu === htu && typeof payload.jti === 'string') {
      return await calculateJwkThumbprint(protectedHeader.jwk);
    }
  } catch {
    // Refused below, like a proof for another request.
  }
  throw new OAuthError(400, 'invalid_dpop_proof', 'The DPoP proof is not valid for GET of this URL');
}

/** An OAuth error (RFC 6749 §5.2), as a value the routes send. */
class OAuthError extends Error {
  constructor(status, error, description) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

/** Loopback redirect URIs only (RFC 8252 §7.3): the demo never sends a code to another host. */
function loopbackRedirect(value) {
  let url;
  try {
    url = new URL(String(value));
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ? url : undefined;
}

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-encoded). */
function basicClient(header) {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export async function createDemoIssuer({ issuer, audience, scopes }) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'demo', alg: 'ES256', use: 'sig' }] };
  const codes = new Map();
  const base = new URL(issuer).pathname;
  const metadata = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks.json`,
    scopes_supported: scopes,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    authorization_response_iss_parameter_supported: true,
  };

  /** The scopes asked for, each one this server knows; the default is the read scope. */
  function grantable(scope) {
    const asked = scope === undefined ? ['orders:read'] : typeof scope === 'string' ? scope.split(' ') : [];
    if (asked.length === 0 || !asked.every((s) => scopes.includes(s))) {
      throw new OAuthError(400, 'invalid_scope', `Known scopes: ${scopes.join(' ')}`);
    }
    return [...new Set(asked)];
  }

  /** RFC 8707: a token is only ever for this MCP server. */
  function checkResource(resource) {
    if (resource !== undefined && resource !== audience) {
      throw new OAuthError(400, 'invalid_target', 'This authorization server issues tokens for one resource only');
    }
  }

  async function mint(granted, { subject = 'demo-user', clientId = DEMO_APP, jkt } = {}) {
    const scope = granted.join(' ');
    const accessToken = await new SignJWT({ scope, client_id: clientId, ...(jkt ? { cnf: { jkt } } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'demo' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    return { access_token: accessToken, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: 600, scope };
  }

  // Authorization code + PKCE (RFC 7636), granted at once: there is no one to sign in.
  function authorize(query) {
    const valid = query.client_id === DEMO_APP && typeof query.redirect_uri === 'string';
    const redirect = valid ? loopbackRedirect(query.redirect_uri) : undefined;
    if (redirect === undefined) {
      throw new OAuthError(400, 'invalid_request', `Use client_id ${DEMO_APP} with a loopback http redirect_uri`);
    }
    const reply = (params) => {
      for (const [name, value] of Object.entries({ ...params, state: query.state, iss: issuer })) {
        if (typeof value === 'string') redirect.searchParams.set(name, value);
      }
      return redirect.href;
    };
    try {
      if (query.response_type !== 'code') throw new OAuthError(400, 'unsupported_response_type', 'Only code');
      if (query.code_challenge_method !== 'S256' || typeof query.code_challenge !== 'string') {
        throw new OAuthError(400, 'invalid_request', 'PKCE with S256 is required');
      }
      checkResource(query.resource);
      const granted = grantable(query.scope);
      const code = randomBytes(32).toString('base64url');
      if (codes.size >= MAX_PENDING_CODES) codes.delete(codes.keys().next().value);
      codes.set(code, {
        redirectUri: query.redirect_uri,
        challenge: query.code_challenge,
        granted,
        expires: Date.now() + CODE_LIFETIME_MS,
      });
      return reply({ code });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return reply({ error: error.error, error_description: error.message });
    }
  }

  async function token(body, authorization) {
    checkResource(body.resource);
    if (body.grant_type === 'authorization_code') {
      const pending = codes.get(String(body.code));
      codes.delete(String(body.code)); // one use, whatever happens next
      const verifier = createHash('sha256')
        .update(String(body.code_verifier ?? ''))
        .digest('base64url');
      if (
        body.client_id !== DEMO_APP ||
        pending === undefined ||
        pending.expires < Date.now() ||
        pending.redirectUri !== body.redirect_uri ||
        !safeEqual(verifier, pending.challenge)
      ) {
        throw new OAuthError(400, 'invalid_grant', 'The code is unknown, used, expired or not yours');
      }
      return mint(pending.granted);
    }
    if (body.grant_type === 'client_credentials') {
      const client = basicClient(authorization);
      if (client?.id !== DEMO_SERVICE.id || !safeEqual(client.secret, DEMO_SERVICE.secret)) {
        throw new OAuthError(401, 'invalid_client', `Authenticate as ${DEMO_SERVICE.id} with client_secret_basic`);
      }
      return mint(grantable(body.scope), { subject: DEMO_SERVICE.id, clientId: DEMO_SERVICE.id });
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'authorization_code or client_credentials');
  }

  /** An OAuth error response, never cached (RFC 6749 §5.2); anything else goes on to Express. */
  function refuse(res, next, error) {
    if (!(error instanceof OAuthError)) return next(error);
    if (error.status === 401) res.set('WWW-Authenticate', 'Basic realm="demo"');
    res
      .status(error.status)
      .set('Cache-Control', 'no-store')
      .json({ error: error.error, error_description: error.message });
  }
  /** A token response (RFC 6749 §5.1), or its error. */
  const issue = (res, next, work) =>
    Promise.resolve()
      .then(work)
      .then((result) => res.set('Cache-Control', 'no-store').json(result))
      .catch((error) => refuse(res, next, error));

  const routes = express.Router();
  routes.get(`/.well-known/oauth-authorization-server${base}`, (_req, res) => res.json(metadata));
  routes.get(`${base}/jwks.json`, (_req, res) => res.json(jwks));
  routes.get(`${base}/authorize`, (req, res, next) => {
    try {
      res.redirect(authorize(req.query));
    } catch (error) {
      refuse(res, next, error);
    }
  });
  // GET /demo/token?scope=…: a token without the OAuth dance, for curl and tests.
  // With a DPoP proof (htm GET, htu this URL without the query), the token is bound to its key (RFC 9449 §6).
  // The htu is the token URL at the issuer (PUBLIC_URL or the loopback address), never the Host sent.
  routes.get(`${base}/token`, (req, res, next) =>
    issue(res, next, async () => {
      const proof = req.get('DPoP');
      const jkt = proof === undefined ? undefined : await proofKey(proof, `${issuer}/token`);
      return mint(grantable(req.query.scope), { jkt });
    }),
  );
  routes.post(`${base}/token`, express.urlencoded({ extended: false }), (req, res, next) =>
    issue(res, next, () => token(req.body ?? {}, req.headers.authorization)),
  );
  return { issuer, publicKey, routes };
}
