/**
 * The repository explains itself: no file points at documents outside it, and
 * every "rule N" cited in the packages and tests is a rule of
 * docs/conformance.md (its numbered `### N. …` headings).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Tracked files (`git ls-files`), or every file outside node_modules, .git and dist when git is unavailable. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter((file) => file.length > 0);
  } catch {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(root, dir))) {
        if (name === 'node_modules' || name === '.git' || name === 'dist') continue;
        const path = dir === '' ? name : `${dir}/${name}`;
        if (statSync(join(root, path)).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk('');
    return files;
  }
}

/** The text of each tracked text file (binary files, the lock file and files deleted from the tree are skipped). */
function textFiles(): Map<string, string> {
  const texts = new Map<string, string>();
  for (const file of trackedFiles()) {
    if (file === 'package-lock.json' || file.endsWith('/package-lock.json')) continue;
    const path = join(root, file);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue;
    texts.set(file, bytes.toString('utf8'));
  }
  return texts;
}

/** `file:line: text` for every line of `text` that `pattern` matches. */
function hits(file: string, text: string, pattern: RegExp): string[] {
  return text
    .split('\n')
    .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${line.trim().slice(0, 160)}`] : []));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Spelled in pieces, so that this file does not match itself.
const WORD = ['CONFORM', 'ANCE'].join('');
const OUTSIDE_FILES = [WORD, 'DESIGN', 'PEERS'].map((name) => `${name}.md`);
const OUTSIDE = new RegExp(
  [
    escapeRegExp(['..', 'shared'].join('/')),
    ...OUTSIDE_FILES.map(escapeRegExp),
    // The word, then a number, with or without "rule" or "rules" between: a rule of the outside document.
    `\\b${WORD}\\s+(?:rules?\\s+)?\\d`,
  ].join('|'),
);

/** "rule 18", "rule-18", "rules 23 and 24", "rules 30-32", "rules 40, 41, 58": the numbers cited. */
const CITATION = /\brules?[\s-]+(\d+(?:\s*(?:,|and|or|to|-|–)\s*\d+)*)/gi;

function citedNumbers(list: string): number[] {
  const numbers: number[] = [];
  for (const part of list.split(/\s*(?:,|and|or)\s*/)) {
    const range = /^(\d+)\s*(?:-|–|to)\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      for (let n = Math.min(from, to); n <= Math.max(from, to); n++) numbers.push(n);
    } else if (/^\d+$/.test(part)) {
      numbers.push(Number(part));
    }
  }
  return numbers;
}

/** Files whose "rule N" citations must name a rule of docs/conformance.md. */
function citesRules(file: string): boolean {
  return /^packages\/[^/]+\/(src|test)\//.test(file) || file.startsWith('test/');
}

const files = textFiles();
const conformance = readFileSync(join(root, 'docs/conformance.md'), 'utf8');
const rules = [...conformance.matchAll(/^### (\d+)\. \S/gm)].map((m) => Number(m[1]));

describe('the repository is self-contained', () => {
  it('reads the tracked files', () => {
    expect(files.size).toBeGreaterThan(50);
    expect(files.has('docs/conformance.md')).toBe(true);
  });

  it('no tracked file refers to documents outside the repository', () => {
    const found = [...files].flatMap(([file, text]) => hits(file, text, OUTSIDE));
    expect(found, 'cite docs/conformance.md ("rule N") or say the fact itself').toEqual([]);
  });

  it('the pattern catches what it is meant to catch', () => {
    for (const line of [
      `see ${['..', 'shared'].join('/')}/notes`,
      ...OUTSIDE_FILES.map((name) => `as ${name} says`),
      `${WORD} 15`,
      `${WORD} rule 51`,
      `${WORD} rules 44-52`,
    ]) {
      expect(OUTSIDE.test(line), line).toBe(true);
    }
    expect(OUTSIDE.test('rule 15 (docs/conformance.md)')).toBe(false);
  });

  it('docs/conformance.md numbers its rules 1, 2, 3… without gaps or repeats', () => {
    expect(rules.length).toBeGreaterThan(0);
    expect(rules).toEqual(rules.map((_, i) => i + 1));
  });

  it('every "rule N" in packages/*/src, packages/*/test and test/ names a rule of docs/conformance.md', () => {
    const known = new Set(rules);
    const unknown: string[] = [];
    for (const [file, text] of files) {
      if (!citesRules(file)) continue;
      text.split('\n').forEach((line, i) => {
        for (const match of line.matchAll(CITATION)) {
          for (const n of citedNumbers(match[1] as string)) {
            if (!known.has(n)) unknown.push(`${file}:${i + 1}: rule ${n} in "${line.trim().slice(0, 120)}"`);
          }
        }
      });
    }
    expect(unknown).toEqual([]);
  });

  it('reads ranges and lists of rule numbers', () => {
    const numbers = (text: string) => [...text.matchAll(CITATION)].flatMap((m) => citedNumbers(m[1] as string));
    expect(numbers('rules 30-32 and rule-18')).toEqual([30, 31, 32, 18]);
    expect(numbers('rules 40, 41, 58: vectors; rules 23 and 24')).toEqual([40, 41, 58, 23, 24]);
    expect(numbers('Rule numbers refer to docs/conformance.md.')).toEqual([]);
  });
});
