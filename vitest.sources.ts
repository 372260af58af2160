/**
 * Aliases every entry point of every workspace package to the source file it
 * is built from, read from that package's `exports` map (`./dist/x.js` ->
 * `./src/x.ts`): `@auth-errors/core/adapter` -> packages/core/src/adapter.ts.
 * The unit tests (each package's test folder) and mutation testing run on these, so a
 * focused run needs no build and a mutant of the core reaches every suite that
 * imports it, adapters included. A new package or subpath is picked up
 * without editing this file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export const sourceAliases = readdirSync(packagesDir).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(`${packagesDir}${dir}/package.json`, 'utf8')) as {
    name: string;
    exports: Record<string, string | { default?: string; import?: string }>;
  };
  return Object.entries(manifest.exports).flatMap(([subpath, target]) => {
    const file = typeof target === 'string' ? target : (target.import ?? target.default);
    const built = file?.match(/^\.\/dist\/(.+)\.js$/);
    if (!built) return []; // ./package.json and the like
    const specifier = `${manifest.name}${subpath.slice(1)}`;
    return [
      { find: new RegExp(`^${escapeRegExp(specifier)}$`), replacement: `${packagesDir}${dir}/src/${built[1]}.ts` },
    ];
  });
});
