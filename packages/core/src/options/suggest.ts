/**
 * What to say about an option nobody declared: a peer library's name gets
 * its migration hint (peer-hints.ts); a misspelling gets the closest declared
 * name. Either way the option is refused: an ignored option is a setting the
 * application believes in and the library never applies.
 */

import { fail } from './fail.js';
import type { Declaration } from './fields.js';
import { PEER_HINTS } from './peer-hints.js';

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const row = rows[i] as number[];
      const up = rows[i - 1] as number[];
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[x.length] as number[])[y.length] as number;
}

/** The declared name nearest `key`, when it is near enough to be the one meant (a third of its letters at most). */
export function closestName(key: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const distance = editDistance(key, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Throws the TypeError for `key`, given at `prefix` where `declaration` applies. */
export function unknownOption(key: string, prefix: string, declaration: Declaration): never {
  const where = declaration.scope === undefined ? 'known' : `an option of ${declaration.scope}`;
  const refused = `option "${prefix}${key}" is not ${where}`;
  const hint = PEER_HINTS[key];
  if (hint !== undefined && Object.hasOwn(PEER_HINTS, key)) return fail(`${refused}: ${hint}`);
  const names = Object.keys(declaration.options);
  const closest = closestName(key, names);
  if (closest !== undefined) return fail(`${refused}; did you mean "${closest}"?`);
  return fail(`${refused}; the options here are ${names.map((n) => `"${n}"`).join(', ')}`);
}
