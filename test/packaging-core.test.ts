/**
 * The built packages load the way users load them: `require()` from a
 * CommonJS script (Node's require(esm)) and `import()` from an ES module, in
 * a fresh node process that resolves them through node_modules, the way an
 * application would. Each package ships its type declarations.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['core', 'express', 'koa'] as const;

/**
 * The same checks in both module systems; `load` is `require` or `import`.
 * Prints one JSON line with what it found.
 */
const checks = (load: string) => `
  const core = ${load}('@auth-errors/core');
  const adapter = ${load}('@auth-errors/core/adapter');
  const express = ${load}('@auth-errors/express');
  const koa = ${load}('@auth-errors/koa');
  const fns = (m, names) => Object.fromEntries(names.map((n) => [n, typeof m[n]]));
  const rendered = adapter.createRenderer()(core.credentialsRequired(), { method: 'GET' });
  const viaExpress = adapter.createRenderer()(express.credentialsRequired(), { method: 'GET' });
  console.log(JSON.stringify({
    core: fns(core, ['AuthError', 'credentialsRequired', 'safeEqual']),
    adapter: fns(adapter, ['createRenderer', 'renderFacts', 'fromNodeRequest', 'fromFetchRequest', 'createGuardKit', 'storeAuth', 'storedAuth', 'successHeaders', 'appendToList']),
    express: fns(express, ['authErrors', 'authOf', 'basicAuth', 'bearerAuth', 'jwtAuth', 'requireScopes', 'requireAuth', 'requireStepUp']),
    koa: fns(koa, ['authErrors', 'authOf', 'basicAuth', 'bearerAuth', 'jwtAuth', 'requireScopes', 'requireAuth', 'requireStepUp']),
    status: rendered && rendered.status,
    challenge: rendered && rendered.headers['www-authenticate'],
    expressStatus: viaExpress && viaExpress.status,
    sameAuthError: core.AuthError.is(koa.credentialsRequired()) && express.AuthError === core.AuthError,
  }));
`;

function run(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, NODE_OPTIONS: '', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

function expectLoaded(result: Record<string, unknown>): void {
  for (const group of ['core', 'adapter', 'express', 'koa']) {
    const found = result[group] as Record<string, string>;
    for (const [name, type] of Object.entries(found)) expect(type, `${group}.${name}`).toBe('function');
  }
  expect(result.status).toBe(401);
  expect(result.expressStatus).toBe(401);
  expect(result.challenge).toBeTruthy();
  expect(result.sameAuthError).toBe(true);
}

describe('packaging', () => {
  it('CommonJS: require() loads every entry point', () => {
    expectLoaded(run(['--input-type=commonjs', '-e', `'use strict';${checks('require')}`]));
  });

  it('ES modules: import() loads every entry point', () => {
    expectLoaded(run(['--input-type=module', '-e', `const load = (m) => import(m);${checks('await load')}`]));
  });

  it.each(PACKAGES)('%s: dist has index.js and index.d.ts, matching package.json', (name) => {
    const dir = join(root, 'packages', name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(existsSync(join(dir, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'index.js'))).toBe(true);
    expect(manifest.name).toBe(`@auth-errors/${name}`);
    expect(existsSync(join(dir, manifest.types))).toBe(true);
    expect(existsSync(join(dir, manifest.exports['.'].types))).toBe(true);
    expect(existsSync(join(dir, manifest.exports['.'].default))).toBe(true);
    expect(readFileSync(join(dir, 'dist', 'index.d.ts'), 'utf8')).toMatch(/export/);
    for (const [path, target] of Object.entries(manifest.exports as Record<string, string | Record<string, string>>)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
        expect(existsSync(join(dir, file)), `${name} exports ${path}: ${file}`).toBe(true);
      }
    }
  });
});
