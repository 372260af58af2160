/**
 * The shape the sources keep so that the next engineer can change them: no
 * module over 300 lines and no function over 60 in packages/<name>/src. A module
 * that is generated data rather than code would be named here, with why.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAX_MODULE_LINES = 300;
const MAX_FUNCTION_LINES = 60;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = readdirSync(join(root, 'packages')).flatMap((name) => sources(join(root, 'packages', name, 'src')));

function longFunctions(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : describeAnonymous(node);
        found.push(`${relative(root, file)}:${start + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function describeAnonymous(node: ts.Node): string {
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

describe('the sources keep a shape one can change', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.map((file) => relative(root, file))).toContain('packages/core/src/render/render.ts');
  });

  it(`no module is over ${MAX_MODULE_LINES} lines`, () => {
    const long = files
      .map((file) => [relative(root, file), readFileSync(file, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > MAX_MODULE_LINES)
      .map(([file, lines]) => `${file} (${lines} lines)`);
    expect(long).toEqual([]);
  });

  it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap((file) => longFunctions(file))).toEqual([]);
  });

  it('the function check sees a long function, an arrow in a variable and a method', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES - 1 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `function fits() {\n${body.split('\n').slice(1).join('\n')}\n}\nfunction tooLong() {\n${body}\n}\nconst arrow = () => {\n${body}\n};\nclass K { method() {\n${body}\n} }\n`;
    expect(longFunctions(join(root, 'x.ts'), text)).toEqual([
      `x.ts:${MAX_FUNCTION_LINES + 1} tooLong (${MAX_FUNCTION_LINES + 1} lines)`,
      `x.ts:${2 * MAX_FUNCTION_LINES + 2} arrow (${MAX_FUNCTION_LINES + 1} lines)`,
      `x.ts:${3 * MAX_FUNCTION_LINES + 3} method (${MAX_FUNCTION_LINES + 1} lines)`,
    ]);
  });
});
