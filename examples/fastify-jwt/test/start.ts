/**
 * Starts this example as its README says: `npm start --workspace
 * examples/<this folder>` from the root of the auth-errors repository, or
 * `npm start` in a copy of this folder. Resolves once it prints "Listening on".
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { exampleDir, type Started } from './support.js';

const WORKSPACE = `examples/${basename(exampleDir)}`;

/** The repository root when this folder is one of its workspaces; undefined in a copy. */
function repositoryRoot(): string | undefined {
  const root = join(exampleDir, '..', '..');
  const manifest = join(root, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const workspaces: unknown = JSON.parse(readFileSync(manifest, 'utf8')).workspaces;
  return Array.isArray(workspaces) && workspaces.includes(WORKSPACE) ? root : undefined;
}

/** Every variable the example reads, blank, so the caller's shell cannot leak in; then `env`. */
export function startExample(env: Record<string, string>): Promise<Started> {
  const root = repositoryRoot();
  const blank = [
    ...['NODE_ENV', 'DEMO', 'JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_CACHE_MAX_AGE', 'JWKS_MAX_STALE'],
    ...['DPOP', 'DPOP_NONCE', 'DPOP_NONCE_SECRETS', 'PUBLIC_URL', 'REDIS_URL'],
  ];
  const child = spawn('npm', ['start', '--silent', ...(root ? ['--workspace', WORKSPACE] : [])], {
    cwd: root ?? exampleDir,
    env: {
      ...process.env,
      ...Object.fromEntries(blank.map((name) => [name, ''])),
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() ends npm and the server under it together.
    detached: true,
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-(child.pid as number), 'SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ url: match[1] as string, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}
