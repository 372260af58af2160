// Demo mode only: a throwaway ES256 key pair that lives in memory, and a minter
// of RFC 9068 access tokens. A real API verifies tokens from its identity
// provider's JWKS and never mints them.
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';

export async function createDemoIssuer({ issuer, audience }) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  async function mint(scope) {
    const scopes = String(scope)
      .split(' ')
      .filter((s) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s));
    const accessToken = await new SignJWT({ scope: scopes.join(' '), client_id: 'demo-client' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('demo-user')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: 600, scope: scopes.join(' ') };
  }
  return { publicKey, mint };
}
