/**
 * Every TypeScript block in the README, the package READMEs and the pages of
 * docs/ is code people paste into a strict project: each block must compile
 * on its own, as a module, under this repository's strict compiler options.
 * The blocks are type-checked in memory, next to test/, so their imports
 * resolve to the workspace packages as they would to installed ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/examples.js';

const PACKAGE_READMES = [
  'packages/core/README.md',
  'packages/express/README.md',
  'packages/koa/README.md',
  'packages/fetch/README.md',
  'packages/fastify/README.md',
  'packages/testing/README.md',
];
const DOCS_PAGES = readdirSync(join(repoRoot, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const DOCUMENTS = ['README.md', 'ARCHITECTURE.md', ...PACKAGE_READMES, ...DOCS_PAGES];

interface Snippet {
  readonly readme: string;
  readonly line: number;
  readonly code: string;
  readonly file: string;
}

function snippetsOf(readme: string): Snippet[] {
  const text = readFileSync(join(repoRoot, readme), 'utf8');
  return [...text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```/gm)].map((match, index) => ({
    readme,
    line: text.slice(0, match.index).split('\n').length,
    code: match[1] as string,
    file: join(repoRoot, 'test', `.readme-snippet-${readme.replaceAll('/', '-')}-${index}.ts`),
  }));
}

const snippets = DOCUMENTS.flatMap(snippetsOf);

/** One program for every block (each its own module): one compiler start-up, not one per block. */
function typeErrorsByFile(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, 'tsconfig.test.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  const options: ts.CompilerOptions = {
    ...config?.options,
    noEmit: true,
    strict: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
  const byFile = new Map(snippets.map((snippet) => [snippet.file, snippet]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => byFile.get(name)?.code ?? readFile(name);
  host.fileExists = (name) => byFile.has(name) || fileExists(name);
  host.getSourceFile = (name, language, ...rest) => {
    const snippet = byFile.get(name);
    return snippet
      ? ts.createSourceFile(name, snippet.code, language, true, ts.ScriptKind.TS)
      : getSourceFile(name, language, ...rest);
  };
  const program = ts.createProgram([...byFile.keys()], options, host);
  const errors = new Map<string, string[]>();
  for (const snippet of snippets) {
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(snippet.file));
    errors.set(
      snippet.file,
      diagnostics.map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        return `${snippet.readme}:${snippet.line + where + 1} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    );
  }
  return errors;
}

describe('TypeScript blocks in the READMEs', () => {
  it('the README has its quick starts as TypeScript, every package README one block, and the docs pages theirs', () => {
    const count = (readme: string) => snippets.filter((s) => s.readme === readme).length;
    expect(count('README.md')).toBeGreaterThanOrEqual(4);
    for (const readme of PACKAGE_READMES) expect(count(readme), readme).toBeGreaterThanOrEqual(1);
    // The examples that moved out of the README: what a handler gets, OpenAPI on Express and Fastify, the MCP migration.
    expect(count('docs/guards.md')).toBeGreaterThanOrEqual(1);
    expect(count('docs/openapi.md')).toBeGreaterThanOrEqual(2);
    expect(count('docs/migrating.md')).toBeGreaterThanOrEqual(2);
  });

  const errors = typeErrorsByFile();
  it.each(snippets.map((s) => [`${s.readme}:${s.line}`, s] as const))('%s compiles under strict', (_where, snippet) => {
    expect(errors.get(snippet.file)).toEqual([]);
  });
});
