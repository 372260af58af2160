/**
 * The built package loads the way users load it, in a fresh node process that
 * resolves it through node_modules: `require()` (Node's require(esm)) and
 * `import()`, and `authErrors` is a fastify-plugin plugin (it applies to the
 * scope that registers it, and says which Fastify it needs).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const check = (load: string) => `
  const fastifyAuth = ${load}('@auth-errors/fastify');
  const names = ['authErrors', 'authOf', 'basicAuth', 'bearerAuth', 'jwtAuth', 'requireScopes', 'requireAuth', 'requireStepUp', 'resourceMetadata'];
  console.log(JSON.stringify({
    types: names.map((name) => typeof fastifyAuth[name]),
    skipOverride: fastifyAuth.authErrors[Symbol.for('skip-override')],
    meta: fastifyAuth.authErrors[Symbol.for('plugin-meta')],
    schema: fastifyAuth.problemSchema.type,
  }));
`;

function run(args: string[]): unknown {
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, NODE_OPTIONS: '', NODE_NO_WARNINGS: '1' },
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '');
}

const expected = {
  types: Array(9).fill('function'),
  skipOverride: true,
  meta: { fastify: '5.x', name: '@auth-errors/fastify' },
  schema: 'object',
};

describe('packaging', () => {
  it('CommonJS: require() loads it', () => {
    expect(run(['--input-type=commonjs', '-e', `'use strict';${check('require')}`])).toEqual(expected);
  });

  it('ES modules: import() loads it', () => {
    expect(run(['--input-type=module', '-e', `const load = (m) => import(m);${check('await load')}`])).toEqual(
      expected,
    );
  });
});
