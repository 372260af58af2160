/**
 * The Fetch API keeps no separate field lines: `Headers.get('authorization')`
 * gives every `Authorization` line of the request joined with ", " (WHATWG
 * Fetch, "combine"). Two lines must still be a 400 (RFC 6750 §3.1, rule 35),
 * so this splits the joined value back into the credentials it holds. A comma
 * can only belong to one credentials value inside its auth-param list
 * (`Digest a="x", b=y`, RFC 9110 §11.4): every other comma, outside a quoted
 * string, separates two field lines. A single line with such a comma is
 * malformed anyway (token68 has no comma), so it gets the same 400. Linear.
 */
import { isToken } from '../render/header-values.js';

const SP = 0x20;
const HTAB = 0x09;

function skipSpace(text: string, at: number): number {
  let i = at;
  while (text.charCodeAt(i) === SP || text.charCodeAt(i) === HTAB) i++;
  return i;
}

/** Whether `text` from `at` is `token BWS "="`: the next auth-param of the same credentials. */
function isAuthParam(text: string, at: number): boolean {
  const start = skipSpace(text, at);
  let end = start;
  while (end < text.length && isToken(text.charAt(end))) end++;
  return end > start && text.charCodeAt(skipSpace(text, end)) === 0x3d;
}

/** The credentials values of a joined `Authorization` value; `readAuthorization` then trims them and drops empty ones. */
export function splitCombinedAuthorization(joined: string): string[] {
  const lines: string[] = [];
  let start = 0;
  let quoted = false;
  let afterEquals = false;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
      continue;
    }
    if (c === 0x22 && afterEquals) quoted = true;
    else if (c === 0x2c && !isAuthParam(joined, i + 1)) {
      lines.push(joined.slice(start, i));
      start = i + 1;
    }
    if (c !== SP && c !== HTAB) afterEquals = c === 0x3d;
  }
  lines.push(joined.slice(start));
  return lines;
}
