/**
 * @auth-errors/fetch runs where Node does not: Bun, Deno, Workers. Proof on
 * the built files, as a bundler sees them: starting at the package's entry
 * (packages/fetch/dist/index.js), every module it imports is followed, through
 * the core's dist and into its dependencies (jose, negotiator…), and none may
 * import a Node built-in (`node:*`, or a bare `crypto`, `buffer`…) or use the
 * `Buffer` or `process` globals. The walker is checked on a module that does.
 * The published declarations type-check without Node's typings too (the DOM
 * library only, as in Deno or a Worker), so a TypeScript user there needs no
 * @types/node.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'packages/fetch/dist/index.js');
const BUILTINS = new Set(builtinModules);

interface Finding {
  readonly file: string;
  readonly problem: string;
}

/** The identifiers a module reads as globals: `Buffer` and `process` anywhere but after a `.`. */
function nodeGlobals(source: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, source);
  const found: string[] = [];
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    const name = scanner.getTokenText();
    const member = previous === ts.SyntaxKind.DotToken || previous === ts.SyntaxKind.QuestionDotToken;
    if (kind === ts.SyntaxKind.Identifier && (name === 'Buffer' || name === 'process') && !member) found.push(name);
    previous = kind;
  }
  return found;
}

/** Follows every static and dynamic import (and require) from `start`; returns the files and what is wrong in them. */
function walk(start: string): { files: string[]; findings: Finding[] } {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    const where = relative(root, file);
    for (const name of nodeGlobals(source)) findings.push({ file: where, problem: `uses the ${name} global` });
    const requireFrom = createRequire(file);
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0] as string)) {
        findings.push({ file: where, problem: `imports ${specifier}` });
        continue;
      }
      queue.push(requireFrom.resolve(specifier));
    }
  }
  return { files: [...seen].map((file) => relative(root, file)), findings };
}

describe('nothing Node-only in the import graph of @auth-errors/fetch', () => {
  const { files, findings } = walk(entry);

  it('follows the whole graph: the adapter, the core, jose and negotiator', () => {
    expect(files).toContain('packages/fetch/dist/index.js');
    for (const module of [
      'adapter.js',
      'keys/jwt.js',
      'render/render.js',
      'credentials/basic.js',
      'credentials/compare.js',
    ]) {
      expect(files).toContain(`packages/core/dist/${module}`);
    }
    expect(files.some((file) => file.includes('node_modules/jose/dist/webapi/jwt/verify.js'))).toBe(true);
    expect(files.some((file) => file.includes('node_modules/negotiator/'))).toBe(true);
  });

  it('imports no Node built-in and uses neither Buffer nor process', () => {
    expect(findings).toEqual([]);
  });

  it('the walker sees a built-in import, a bare built-in, Buffer and process, and follows relative imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-errors-walk-'));
    writeFileSync(join(dir, 'a.js'), "import './b.js';\n// Buffer in a comment is fine\nexport const x = 'process';\n");
    writeFileSync(
      join(dir, 'b.js'),
      "import { createHash } from 'node:crypto';\nconst c = require('crypto');\nexport const n = Buffer.from('x');\nif (process.env.X) globalThis.process;\n",
    );
    const walked = walk(join(dir, 'a.js'));
    expect(walked.files).toHaveLength(2);
    expect(walked.findings.map((f) => f.problem).sort()).toEqual(
      ['imports node:crypto', 'imports crypto', 'uses the Buffer global', 'uses the process global'].sort(),
    );
  });

  it('its declarations type-check with the DOM library alone, no @types/node (skipLibCheck off)', () => {
    // A virtual file inside this package, so that '@auth-errors/fetch' resolves as it does for a user.
    const file = join(root, 'packages/fetch/test/virtual-app.ts');
    const source = [
      "import { authErrors, type JwtAuthInfo } from '@auth-errors/fetch';",
      'const auth = authErrors({ realm: "orders" });',
      "const bearer = auth.jwtAuth<{ tenant: string }>({ jwksUrl: 'https://id.example/jwks', issuer: 'a', audience: 'b' });",
      'export const GET = auth.handle(async (request: Request) => {',
      '  const info: JwtAuthInfo<{ tenant: string }> | undefined = (await bearer(request)) ? undefined : bearer.auth(request);',
      '  return Response.json({ tenant: info?.claims.tenant });',
      '});',
    ].join('\n');
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      types: [],
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      skipLibCheck: false,
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version) =>
      name === file ? ts.createSourceFile(name, source, version) : getSourceFile(name, version);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    const program = ts.createProgram([file], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? relative(root, d.file.fileName) : '';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(problems).toEqual([]);
    // Not vacuous: the program did read the package's and the core's declarations.
    const read = program.getSourceFiles().map((f) => relative(root, f.fileName));
    expect(read).toContain('packages/fetch/dist/index.d.ts');
    expect(read).toContain('packages/core/dist/render/render.d.ts');
  });
});
