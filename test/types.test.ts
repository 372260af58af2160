/**
 * The type tests in test/types/ are programs the compiler must accept with
 * `strict` and `skipLibCheck: false`: the principal's type reaches the
 * handler without casts, a program that also uses express-oauth2-jwt-bearer
 * compiles, and every `@ts-expect-error` line there is a real error (an
 * unused one fails too, TS2578).
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const folder = fileURLToPath(new URL('./types/', import.meta.url));

/** A defect between two third-party packages, not ours: see tsconfig.koa.json. */
function isKnownThirdPartyDefect(diagnostic: ts.Diagnostic): boolean {
  return (
    diagnostic.code === 2694 &&
    (diagnostic.file?.fileName.endsWith('node_modules/@types/koa/index.d.ts') ?? false) &&
    ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').includes('content-disposition')
  );
}

function diagnosticsOf(configName: string): string[] {
  const configPath = `${folder}${configName}`;
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  expect(config.options.skipLibCheck).toBe(false);
  expect(config.options.strict).toBe(true);
  const program = ts.createProgram(config.fileNames, config.options);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !isKnownThirdPartyDefect(d))
    .map((d) => {
      const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

// A whole compiler run per program: minutes, not seconds, on a loaded 2-core machine.
describe('type tests', { timeout: 180_000 }, () => {
  it('Express, Fastify, and a program using express-oauth2-jwt-bearer too, compile with skipLibCheck: false', () => {
    expect(diagnosticsOf('tsconfig.json')).toEqual([]);
  });

  it('Koa compiles with skipLibCheck: false, but for the one third-party defect', () => {
    expect(diagnosticsOf('tsconfig.koa.json')).toEqual([]);
  });
});
