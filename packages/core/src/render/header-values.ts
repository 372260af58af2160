/**
 * Character-set checks for values that end up in response header fields.
 * All are single passes over char codes: linear time, no regular expression
 * backtracking, whatever the input.
 */

/** Visible ASCII, SP and HTAB: what RFC 9110 §5.5 says new fields SHOULD use. */
export function isSafeHeaderText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x09) continue;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** RFC 6750 §3 `error_description`: %x20-21 / %x23-5B / %x5D-7E (no `"`, no `\`). */
export function isErrorDescription(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/** RFC 6749 Appendix A.4 scope-token: 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E. */
export function isScopeToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

const TCHAR = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[ch.charCodeAt(0)] = 1;
}

/** RFC 9110 §5.6.2 token. */
export function isToken(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f || TCHAR[c] !== 1) return false;
  }
  return true;
}

/** Escapes a value as an RFC 9110 §5.6.4 quoted-string: only `"` and `\` need a backslash. */
export function quote(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) {
      out += `${value.slice(start, i)}\\`;
      start = i;
    }
  }
  return `${out}${value.slice(start)}"`;
}

/** Throws a TypeError naming the option when a configured value cannot be sent in a header. */
export function assertHeaderText(value: unknown, option: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`auth-errors: option "${option}" must be a non-empty string`);
  }
  if (!isSafeHeaderText(value)) {
    throw new TypeError(
      `auth-errors: option "${option}" may only contain visible ASCII characters, spaces and tabs (no CR, LF, NUL, other controls or non-ASCII)`,
    );
  }
}
