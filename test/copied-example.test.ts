/**
 * An example copied out of this repository works on its own, as its README
 * says: in a fresh temporary folder, with @auth-errors/* installed from the
 * tarballs `npm pack` makes of the built packages (what the registry would
 * serve) and the example's other dependencies from the npm registry, its own
 * tests pass (`npm test`) and `npm start` serves it.
 *
 * Every example is checked statically (each package it imports is in its
 * package.json, no path leads out of its folder). The full copy-install-run
 * takes 15-40 s an example, so `npm test` runs it for one per framework and
 * kind, express-jwt and koa-basic; COPIED_EXAMPLES=all (or a comma-separated
 * list) runs it for others.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenge } from './support/challenge-lines.js';
import { childEnv, repoRoot, startListening } from './support/examples.js';

const run = promisify(execFile);
const EXAMPLES = ['express-basic', 'koa-basic', 'express-jwt', 'koa-jwt', 'hono-jwt', 'fastify-jwt', 'express-mcp'];
const COPIED_LIST = process.env.COPIED_EXAMPLES || 'express-jwt,koa-basic';
const COPIED = COPIED_LIST === 'all' ? EXAMPLES : COPIED_LIST.split(',');
const ADAPTER: Record<string, string> = {
  'express-basic': 'express',
  'koa-basic': 'koa',
  'express-jwt': 'express',
  'koa-jwt': 'koa',
  'hono-jwt': 'fetch',
  'fastify-jwt': 'fastify',
  'express-mcp': 'express',
};

/** Runs npm in `cwd`; on failure the error carries everything npm printed. */
async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const env = childEnv({ NO_COLOR: '1' });
    const { stdout, stderr } = await run('npm', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
  }
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** The example's own source files (relative paths), node_modules aside. */
function sources(dir: string, under = ''): string[] {
  return readdirSync(join(dir, under)).flatMap((name) => {
    const path = under === '' ? name : `${under}/${name}`;
    if (name === 'node_modules') return [];
    if (statSync(join(dir, path)).isDirectory()) return sources(dir, path);
    return /\.(js|ts)$/.test(name) ? [path] : [];
  });
}

/** The packages a source imports: `@scope/name` or `name`, without subpaths; node: built-ins and relative paths aside. */
function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string);
  return specifiers
    .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
    .map((specifier) =>
      specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

describe('each example, as a user copies it', () => {
  let workdir: string;
  const tarballs: Record<string, string> = {};
  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'auth-errors-copied-'));
    const packed = await npm(
      [
        'pack',
        '--ignore-scripts',
        '--json',
        '--pack-destination',
        workdir,
        ...['core', 'express', 'koa', 'fetch', 'fastify', 'redis', 'testing'].map((p) => `./packages/${p}`),
      ],
      repoRoot,
    );
    for (const { name, filename } of JSON.parse(packed.slice(packed.indexOf('[')))) {
      tarballs[name.replace('@auth-errors/', '')] = join(workdir, filename);
    }
  }, 60_000);
  afterAll(() => {
    // Installs' node_modules: removing them takes a while on a slow disk.
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  }, 60_000);

  it.each(EXAMPLES)('%s lists every package it imports, and the adapter brings the core', (name) => {
    const dir = join(repoRoot, 'examples', name);
    const manifest = readJson(join(dir, 'package.json'));
    const listed = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)];
    const core = readJson(join(repoRoot, 'packages/core/package.json'));
    const adapter = readJson(join(repoRoot, 'packages', ADAPTER[name] as string, 'package.json'));
    expect(Object.keys(manifest.dependencies)).toContain(adapter.name);
    expect(Object.keys(manifest.dependencies)).not.toContain(core.name);
    expect(adapter.dependencies[core.name], `${adapter.name} depends on the core`).toBe(core.version);
    expect(manifest.scripts).toEqual({ start: 'node server.js', test: 'vitest run' });
    for (const file of sources(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const imported of importedPackages(source))
        expect(listed, `${file} imports ${imported}`).toContain(imported);
      // One level up is the examples folder, which a copy does not have.
      expect(source, file).not.toMatch(/'\.\.\/\.\.\//);
    }
  });

  it('has the helpers it duplicates on purpose word for word the same in every example', () => {
    const copies = (path: string, names: string[]) =>
      new Set(names.map((name) => readFileSync(join(repoRoot, 'examples', name, path), 'utf8')));
    const verifyingJwts = ['express-jwt', 'koa-jwt', 'hono-jwt', 'fastify-jwt', 'express-mcp'];
    expect(copies('test/support.ts', EXAMPLES).size).toBe(1);
    expect(copies('test/jwks.ts', verifyingJwts).size).toBe(1);
    expect(copies('replay-store.js', verifyingJwts).size).toBe(1);
    // The four JWT examples differ only in the framework: one configuration, one demo issuer.
    const jwtExamples = ['express-jwt', 'koa-jwt', 'hono-jwt', 'fastify-jwt'];
    expect(copies('config.js', jwtExamples).size).toBe(1);
    expect(copies('demo-issuer.js', jwtExamples).size).toBe(1);
  });

  for (const name of COPIED) {
    it(`${name}: installs from the packed packages, passes its own tests, and starts`, async () => {
      const dir = join(workdir, name);
      cpSync(join(repoRoot, 'examples', name), dir, {
        recursive: true,
        filter: (source) => !source.includes('node_modules'),
      });
      // The packages of this repository it depends on, as the registry would serve them.
      const { dependencies } = readJson(join(dir, 'package.json'));
      const redis = '@auth-errors/redis' in dependencies ? [tarballs.redis as string] : [];
      // @auth-errors/testing, the matchers its tests use, stays a devDependency (npm keeps where a package is listed).
      const packages = [tarballs.core, tarballs[ADAPTER[name] as string], ...redis, tarballs.testing] as string[];
      await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], dir);

      const tested = await npm(['test'], dir);
      expect(tested).toMatch(/Tests\s+\d+ passed/);

      const server = await startListening('npm', ['start', '--silent'], dir, childEnv({ DEMO: '1' }));
      try {
        const mcp = name === 'express-mcp';
        const jwt = name.endsWith('-jwt') || mcp;
        const path = mcp ? '/mcp' : jwt ? '/orders' : '/admin';
        // The MCP endpoint: a JSON-RPC request over POST, and a challenge that also names the scope and metadata.
        const init: { method?: string; headers: Record<string, string>; body?: string } = mcp
          ? {
              method: 'POST',
              headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
              body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
            }
          : { headers: {} };
        const anonymous = await fetch(`${server.url}${path}`, init);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toBe(
          mcp
            ? challenge.bearer({
                realm: 'orders',
                scope: 'orders:read',
                resource_metadata: `${server.url}/.well-known/oauth-protected-resource/mcp`,
              })
            : jwt
              ? challenge.bearer({ realm: 'orders' })
              : challenge.basic('example'),
        );
        const credentials = jwt
          ? `Bearer ${((await (await fetch(`${server.url}/demo/token?scope=orders:read`)).json()) as { access_token: string }).access_token}`
          : `Basic ${Buffer.from('admin:correct horse battery staple').toString('base64')}`;
        const authorized = { ...init, headers: { ...init.headers, authorization: credentials } };
        expect((await fetch(`${server.url}${path}`, authorized)).status).toBe(200);
      } finally {
        await server.stop();
      }
    }, 120_000);
  }
});
