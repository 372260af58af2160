/**
 * docs/problems.md is what client developers read: its table of problem types
 * must say exactly what the renderer sends. Each row is checked against a
 * real rendering of that failure (status, type, title, code), and every
 * failure the library knows has a row and a section. The README's status
 * table, the first thing a reader sees, lists every failure too, with the
 * status it is sent with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog, createRenderer } from '@auth-errors/core/adapter';
import { AuthError } from '@auth-errors/express';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TYPE_BASE } from './support/contract-cases.js';
import { repoRoot } from './support/examples.js';

const doc = readFileSync(join(repoRoot, 'docs', 'problems.md'), 'utf8');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** The README's status table: `| what happened | **401** … | challenge | \`code\` |`. */
const statusRows = [...readme.matchAll(/^\| [^|]+ \| \*\*(\d{3})\*\*[^|]* \| [^|]+ \| `([a-z_]+)` \|$/gm)].map((m) => ({
  status: Number(m[1]),
  code: m[2] as string,
}));
const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| `\$\{typeBase\}([a-z-]+)` \| ([^|]+) \|$/gm)].map((m) => ({
  code: m[1] as string,
  status: Number(m[2]),
  slug: m[3] as string,
  title: (m[4] as string).trim(),
}));

describe('docs/problems.md', () => {
  it('has one table row per failure code, in the catalog order', () => {
    expect(rows.map((row) => row.code)).toEqual(Object.keys(catalog));
  });

  it.each(rows.map((row) => [row.code, row] as const))('%s: the row says what is sent', (code, row) => {
    const response = createRenderer()(new AuthError(code as keyof typeof catalog), { method: 'GET' });
    const body = JSON.parse(response?.body ?? '');
    expect(response?.status).toBe(row.status);
    expect(body).toMatchObject({
      type: `${DEFAULT_TYPE_BASE}${row.slug}`,
      title: row.title,
      status: row.status,
      code,
    });
    expect(doc).toContain(`\n## ${code}\n`);
  });
});

describe("the README's status table", () => {
  it('has one row per failure code, in the catalog order, with the status the renderer sends', () => {
    expect(statusRows.map((row) => row.code)).toEqual(Object.keys(catalog));
    for (const row of statusRows) {
      const response = createRenderer()(new AuthError(row.code as keyof typeof catalog), { method: 'GET' });
      expect(response?.status, row.code).toBe(row.status);
    }
  });
});
