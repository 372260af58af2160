// Demo mode only: a throwaway ES256 key pair that lives in memory, and a minter
// of RFC 9068 access tokens. A real API verifies tokens from its identity
// provider's JWKS and never mints them. Sent with a DPoP proof (RFC 9449 §4,
// htm GET, htu the token URL), the token is bound to the proof's key (cnf.jkt).
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';

const PROOF_ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA', 'Ed25519'];

/** The proof key's thumbprint, or undefined when the proof is not a fresh DPoP proof for this GET of `htu`. */
async function proofKey(proof, htu) {
  if (typeof proof !== 'string') return undefined;
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: PROOF_ALGORITHMS,
      maxTokenAge: 60,
    });
    if (payload.htm !== 'GET' || payload.htu !== htu || typeof payload.jti !== 'string') return undefined;
    return await calculateJwkThumbprint(protectedHeader.jwk);
  } catch {
    return undefined;
  }
}

export async function createDemoIssuer({ issuer, audience }) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  /**
   * `{ access_token, token_type, expires_in, scope }`; with `dpop` ({ proof, htu }: the DPoP
   * header and the token URL without query) a DPoP-bound token, or undefined for a bad proof.
   */
  async function mint(scope, dpop) {
    const jkt = dpop?.proof === undefined ? undefined : await proofKey(dpop.proof, dpop.htu);
    if (dpop?.proof !== undefined && jkt === undefined) return undefined;
    const scopes = String(scope)
      .split(' ')
      .filter((s) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
    const claims = { scope: scopes.join(' '), client_id: 'demo-client', ...(jkt ? { cnf: { jkt } } : {}) };
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('demo-user')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    const tokenType = jkt ? 'DPoP' : 'Bearer';
    return { access_token: accessToken, token_type: tokenType, expires_in: 600, scope: scopes.join(' ') };
  }
  return { publicKey, mint };
}
