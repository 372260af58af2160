/**
 * Helpers for the example tests: start an example exactly as a user does
 * (`npm start --workspace examples/<name>`), and read responses the way a
 * client sees them (every WWW-Authenticate field line on its own).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Response } from 'supertest';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface StartedExample {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Runs `npm start --workspace examples/<name>` on a free port and waits for its "Listening on" line. */
export function startExample(name: string, env: Record<string, string> = {}): Promise<StartedExample> {
  const child: ChildProcess = spawn('npm', ['start', '--silent', '--workspace', `examples/${name}`], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-(child.pid as number), 'SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`example ${name} did not start:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] as string, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`example ${name} exited with ${code}:\n${output}`));
    });
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

/** Fetch-based request to a started example, returning status, challenge lines and parsed body. */
export async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    // undici's Headers keeps repeated fields joined; the examples send one challenge each.
    challenge: res.headers.get('www-authenticate'),
    body: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
  };
}
