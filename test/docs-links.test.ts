/**
 * Every link in the repository's Markdown goes somewhere: a relative link
 * names a file or folder that exists, and its `#fragment` a heading of that
 * page (as GitHub makes anchors of headings). A link into this repository on
 * GitHub (`…/auth-errors/blob/main/<path>`, as the package READMEs write them
 * for npm) must name an existing path too. Fenced code and inline code are
 * not links.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/examples.js';

/**
 * Generated pages that are linked before their generator's first run has
 * checked them in. Each entry must not exist yet: once the page is there, the
 * test below fails until the entry is removed, so no link stays unchecked.
 */
const REPOSITORY_URL = /^https:\/\/github\.com\/auth-errors\/auth-errors\/(?:blob|tree)\/main\/([^#?]*)(#.*)?$/;

/** The Markdown files of the repository: the top level, docs/, .changeset/, and each package's and example's own. */
function markdownFiles(): string[] {
  const inDir = (dir: string) =>
    existsSync(join(repoRoot, dir))
      ? readdirSync(join(repoRoot, dir))
          .filter((name) => name.endsWith('.md'))
          .map((name) => (dir === '' ? name : `${dir}/${name}`))
      : [];
  const subdirs = (dir: string) =>
    readdirSync(join(repoRoot, dir))
      .filter((name) => statSync(join(repoRoot, dir, name)).isDirectory())
      .map((name) => `${dir}/${name}`);
  return [
    ...inDir(''),
    ...inDir('docs'),
    ...inDir('.changeset'),
    ...subdirs('packages').flatMap(inDir),
    ...subdirs('examples').flatMap(inDir),
  ];
}

/** Markdown without its fenced blocks (and, with `code: false`, without inline code), line numbers kept. */
function prose(text: string, { code = true } = {}): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      if (fenced) return '';
      return code ? line : line.replace(/`[^`]*`/g, '');
    })
    .join('\n');
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor of a page, repeated headings numbered as GitHub numbers them (`-1`, `-2`…). */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** `[text](target)` and `![alt](target)` links: the target and its line. */
function linksOf(text: string): { target: string; line: number }[] {
  const body = prose(text, { code: false });
  return [...body.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({
    target: match[1] as string,
    line: body.slice(0, match.index).split('\n').length,
  }));
}

/** What is wrong with one link of `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string, read: (path: string) => string | undefined): string | undefined {
  const inRepository = REPOSITORY_URL.exec(target);
  let path: string;
  let fragment: string | undefined;
  if (inRepository) {
    path = decodeURIComponent(inRepository[1] as string).replace(/\/$/, '');
    fragment = inRepository[2]?.slice(1);
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return undefined; // another site, mailto:…
  } else {
    const [pathPart, ...rest] = target.split('#');
    fragment = rest.length > 0 ? rest.join('#') : undefined;
    path =
      pathPart === ''
        ? file
        : relative(repoRoot, normalize(join(repoRoot, dirname(file), decodeURIComponent(pathPart as string))));
  }
  if (path.startsWith('..')) return `${target}: points outside the repository`;
  const text = read(path);
  if (text === undefined) return `${target}: ${path} does not exist`;
  if (fragment === undefined || fragment === '' || !path.endsWith('.md')) return undefined;
  return anchorsOf(text).has(fragment.toLowerCase()) ? undefined : `${target}: ${path} has no heading #${fragment}`;
}

/** A file's text, '' for a folder, undefined when nothing is there. */
function readPath(path: string): string | undefined {
  const full = join(repoRoot, path);
  if (!existsSync(full)) return undefined;
  return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
}

describe('links in the Markdown files', () => {
  const files = markdownFiles();

  it('reads the pages people start from, and finds their links', () => {
    for (const page of [
      'README.md',
      'ARCHITECTURE.md',
      'CONTRIBUTING.md',
      'docs/problems.md',
      'packages/core/README.md',
    ]) {
      expect(files).toContain(page);
    }
    const readme = linksOf(readFileSync(join(repoRoot, 'README.md'), 'utf8')).map((link) => link.target);
    expect(readme).toContain('docs/problems.md');
    expect(readme).toContain('#express-quick-start');
    expect(readme.length).toBeGreaterThan(20);
  });

  it('every relative link, and every link to this repository on GitHub, resolves, fragment included', () => {
    const broken = files.flatMap((file) =>
      linksOf(readFileSync(join(repoRoot, file), 'utf8')).flatMap(({ target, line }) => {
        const problem = brokenLink(file, target, readPath);
        return problem === undefined ? [] : [`${file}:${line}: ${problem}`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('catches a missing file, a missing heading and a path out of the repository', () => {
    const pages: Record<string, string> = {
      'docs/a.md': "# A page\n\n## From the MCP SDK's `requireBearerAuth`\n\n## Notes\n\n## Notes\n",
    };
    const read = (path: string) => pages[path];
    expect(brokenLink('README.md', 'docs/a.md', read)).toBeUndefined();
    expect(brokenLink('README.md', 'docs/a.md#from-the-mcp-sdks-requirebearerauth', read)).toBeUndefined();
    expect(brokenLink('README.md', 'docs/a.md#notes-1', read)).toBeUndefined();
    expect(brokenLink('docs/a.md', '#a-page', read)).toBeUndefined();
    expect(brokenLink('README.md', 'https://example.com/x', read)).toBeUndefined();
    expect(brokenLink('README.md', 'docs/b.md', read)).toMatch(/does not exist/);
    expect(brokenLink('README.md', 'docs/a.md#notes-2', read)).toMatch(/no heading/);
    expect(brokenLink('docs/a.md', '#missing', read)).toMatch(/no heading/);
    expect(brokenLink('docs/a.md', '../../x.md', read)).toMatch(/outside/);
    const found = linksOf('[a](x.md) `[b](y.md)`\n```\n[c](z.md)\n```\n![d](e.png "title")');
    expect(found.map((link) => link.target)).toEqual(['x.md', 'e.png']);
    expect(
      brokenLink('packages/core/README.md', 'https://github.com/auth-errors/auth-errors/blob/main/docs/b.md', read),
    ).toMatch(/does not exist/);
    expect(slug('Fetch API quick start (Hono, Next.js, Bun, Deno, Workers)')).toBe(
      'fetch-api-quick-start-hono-nextjs-bun-deno-workers',
    );
  });
});
