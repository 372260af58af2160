/**
 * Test helpers for this example. This file is duplicated on purpose, word for
 * word, into every example of the auth-errors repository, so that an example
 * copied out on its own still runs its tests (`npm test`); keep the copies
 * identical.
 *
 * Responses are read the way a client sees them: every `WWW-Authenticate`
 * field line on its own (fetch joins repeated lines into one). A reply is what
 * the @auth-errors/testing matchers read (`expect(res).toBeUnauthorized()`,
 * `toHaveChallenge`, `toBeProblem`), and keeps the challenge lines' exact
 * text, which the matchers compare parameter by parameter.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type RequestListener, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** This example's folder: where `npm start` runs. */
export const exampleDir = fileURLToPath(new URL('..', import.meta.url));

/** Every variable the examples read, blank (an empty variable counts as unset), so the caller's shell cannot leak in. */
const CLEAN_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  NODE_ENV: '',
  DEMO: '',
  JWKS_URL: '',
  JWT_ISSUER: '',
  JWT_AUDIENCE: '',
  JWKS_CACHE_MAX_AGE: '',
  JWKS_MAX_STALE: '',
  DPOP: '',
  DPOP_NONCE: '',
  DPOP_NONCE_SECRETS: '',
  PUBLIC_URL: '',
  REDIS_URL: '',
};

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Every field line as received, `[name, value, name, value…]`: where the matchers read each line apart. */
  readonly rawHeaders: string[];
  /** Every WWW-Authenticate field line, in order, exactly as sent. */
  readonly challenges: string[];
  readonly text: string;
  /** The parsed body when it is JSON (problem+json included), else the text. */
  readonly body: unknown;
}

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 with an Express app (a request listener) or a Koa app (`callback()`). */
export async function serve(app: RequestListener | { callback(): RequestListener }): Promise<Served> {
  const listener = 'callback' in app ? app.callback() : app;
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SendOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON. */
  readonly body?: string | object;
}

/** One HTTP request; resolves with what the client received. */
export function send(url: string, options: SendOptions = {}): Promise<Reply> {
  const { method = 'GET', body } = options;
  const payload = typeof body === 'object' ? JSON.stringify(body) : body;
  const headers = {
    ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const challenges: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]?.toLowerCase() === 'www-authenticate') challenges.push(res.rawHeaders[i + 1] as string);
        }
        const json = /json/.test(res.headers['content-type'] ?? '') && text !== '';
        resolve({
          status: res.statusCode as number,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          challenges,
          text,
          body: json ? JSON.parse(text) : text,
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface Started {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** `npm start` in this example's folder, as a user runs it, on a free port; resolves once it prints "Listening on". */
export function startServer(env: Record<string, string> = {}): Promise<Started> {
  // Detached: its own process group, so stop() ends npm and the server under it together.
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: exampleDir,
    env: { ...process.env, ...CLEAN_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

export interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node server.js` with this environment, for a configuration it must refuse: resolves when it exits. */
export function runUntilExit(env: Record<string, string>): Promise<Exited> {
  const child = spawn(process.execPath, ['server.js'], {
    cwd: exampleDir,
    env: { ...process.env, ...CLEAN_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // It was meant to refuse: stop it, and the caller sees no exit code.
    if (stdout.includes('Listening on')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
