// Configuration from the environment. With JWKS_URL unset the example runs in
// demo mode: an in-memory key pair signs tokens served by GET /demo/token.
export const DEMO_ISSUER = 'https://issuer.demo.invalid';
export const DEMO_AUDIENCE = 'https://orders.demo.invalid';

export function configFromEnv(env = process.env) {
  if (!env.JWKS_URL) {
    return { demo: true, issuer: env.JWT_ISSUER || DEMO_ISSUER, audience: env.JWT_AUDIENCE || DEMO_AUDIENCE };
  }
  if (!env.JWT_ISSUER || !env.JWT_AUDIENCE) {
    throw new Error('JWKS_URL is set, so JWT_ISSUER and JWT_AUDIENCE must be set too');
  }
  return { demo: false, jwksUrl: env.JWKS_URL, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE };
}
