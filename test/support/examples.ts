/**
 * Helpers for the tests that run the examples and the root `npm start` as a
 * user does, and read responses the way a client sees them (every
 * WWW-Authenticate field line on its own). Each example has its own copy of
 * what its own tests need (`examples/<name>/test/support.ts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Response } from 'supertest';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * This process's environment without what would steer a child npm or vitest:
 * npm's `npm_*` variables (`npm_config_local_prefix` would point a nested npm
 * at this repository), vitest's own, NODE_OPTIONS, and every variable the
 * examples read, blank (an empty variable counts as unset).
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_cafile', 'npm_config_registry', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|__VITEST)/i.test(name) && !keep.has(name)) continue;
    if (['NODE_OPTIONS', 'NODE_ENV', 'TEST'].includes(name)) continue;
    env[name] = value;
  }
  const blank = [
    ...['DEMO', 'JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_CACHE_MAX_AGE', 'JWKS_MAX_STALE'],
    ...['DPOP', 'DPOP_NONCE', 'DPOP_NONCE_SECRETS', 'PUBLIC_URL', 'REDIS_URL'],
  ];
  return { ...env, ...Object.fromEntries(blank.map((name) => [name, ''])), PORT: '0', HOST: '127.0.0.1', ...extra };
}

export interface Listening {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Ends the whole process group the command started (npm, its shell, the server), and waits for the command. */
  stop(): Promise<void>;
}

/**
 * Runs a command that starts a server, in a process group of its own, and
 * resolves once it prints "Listening on http://127.0.0.1:<port>".
 */
export function startListening(command: string, args: string[], cwd: string, env = childEnv()): Promise<Listening> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const stop = async () => {
    const exited = child.exitCode !== null || child.signalCode !== null ? undefined : once(child, 'exit');
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      // Nothing is left in the group.
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ url: match[1] as string, child, output: () => output, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}):\n${output}`)),
    );
  });
}

/** Every WWW-Authenticate field line, in order (Node joins repeated lines in res.headers). */
export function challenges(res: Response): string[] {
  const raw = (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
  const lines: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() === 'www-authenticate') lines.push(raw[i + 1] as string);
  }
  return lines;
}
