/**
 * DPoP test material: a client key pair, proofs signed by it (jose, so that
 * every member can be made wrong on purpose), and access tokens bound to it
 * by the test authorization server's key.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { createSigner, type Signer } from './tokens.js';

export const ISSUER = 'https://issuer.test/';
export const AUDIENCE = 'https://api.test';

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface ClientKey {
  readonly privateKey: Key;
  readonly publicKey: Key;
  readonly jwk: JWK;
  readonly jkt: string;
}

export async function clientKey(alg = 'ES256'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export interface ProofInput {
  readonly key: ClientKey;
  readonly htm: string;
  readonly htu: string;
  readonly token: string;
  readonly nonce?: string;
  /** Claims to replace or (as undefined) remove. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Header members to replace or add. */
  readonly header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
  readonly alg?: string;
}

/** A proof as RFC 9449 §4.2 describes it, with any member replaced. */
export function proof(input: ProofInput): Promise<string> {
  const claims: Record<string, unknown> = {
    htm: input.htm,
    htu: input.htu,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ath: ath(input.token),
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    ...input.claims,
  };
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  const alg = input.alg ?? 'ES256';
  return new SignJWT(claims as JWTPayload)
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: input.key.jwk, ...input.header } as JWTHeaderParameters)
    .sign(input.key.privateKey);
}

export interface Issuer {
  readonly signer: Signer;
  /** An access token; bound to `jkt` when given. */
  token(jkt?: string, claims?: JWTPayload): Promise<string>;
}

export function createIssuer(): Issuer {
  const signer = createSigner('ES256');
  return {
    signer,
    token: (jkt, claims = {}) =>
      signer.sign({
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'alice',
        scope: 'read',
        exp: Math.floor(Date.now() / 1000) + 600,
        ...(jkt === undefined ? {} : { cnf: { jkt } }),
        ...claims,
      }),
  };
}

/** How a DPoP check ended: the AuthError it threw, as a client sees it, or that it passed. */
export type Outcome =
  | 'passed'
  | { readonly code: string; readonly status: number; readonly detail: string; readonly scheme?: string | undefined };

/** The outcome of `check`; any throw that is not an AuthError is rethrown, so a crash never reads as a refusal. */
export async function outcomeOf(check: Promise<unknown>): Promise<Outcome> {
  try {
    await check;
    return 'passed';
  } catch (error) {
    if ((error as { name?: unknown }).name !== 'AuthError') throw error;
    const { code, status, detail, scheme } = error as { code: string; status: number; detail: string; scheme?: string };
    return { code, status, detail, scheme };
  }
}
