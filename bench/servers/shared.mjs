// Shared by every benchmark server: the HS256 secret, issuer and audience the
// runner mints tokens for, and a listen helper that reports the port.
export const SECRET = process.env.BENCH_SECRET ?? 'bench-secret-bench-secret-bench-secret!';
export const ISSUER = 'https://issuer.bench.invalid';
export const AUDIENCE = 'https://api.bench.invalid';
export const secretKey = new TextEncoder().encode(SECRET);

/** Listens on 127.0.0.1 and an ephemeral port; prints `ready <port>` for the runner. */
export function listen(server) {
  server.listen(0, '127.0.0.1', () => console.log(`ready ${server.address().port}`));
  // Exit cleanly on SIGINT so that `node --cpu-prof` writes its profile.
  process.on('SIGINT', () => process.exit(0));
  // The soak runner asks for memory figures over IPC, after a full GC when --expose-gc is on.
  process.on('message', (message) => {
    if (message !== 'memory') return;
    globalThis.gc?.();
    process.send?.({ memory: process.memoryUsage() });
  });
}

export const CHALLENGE = 'Bearer realm="api"';
export const INVALID_TOKEN =
  'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"';
export const INSUFFICIENT_SCOPE = 'Bearer realm="api", error="insufficient_scope", scope="write"';
