#!/usr/bin/env node
/**
 * Writes docs/options.md from the options declarations of the built packages
 * (run `npm run build` first). `--check` exits 1 when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const target = fileURLToPath(new URL('docs/options.md', root));

export async function optionsDocument() {
  const { CORE_DECLARATIONS } = await import(new URL('packages/core/dist/options/catalog.js', root).href);
  const { optionsReference } = await import(new URL('packages/core/dist/options/reference.js', root).href);
  const { REDIS_REPLAY_STORE_OPTIONS } = await import(new URL('packages/redis/dist/options.js', root).href);
  return optionsReference([...CORE_DECLARATIONS, REDIS_REPLAY_STORE_OPTIONS]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = await optionsDocument();
  if (process.argv.includes('--check')) {
    const current = readFileSync(target, 'utf8');
    if (current !== document) {
      console.error('docs/options.md is out of date: run npm run docs:options');
      process.exit(1);
    }
  } else {
    writeFileSync(target, document);
  }
}
