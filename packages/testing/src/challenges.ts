/**
 * A strict parser of `WWW-Authenticate` field values (RFC 9110 §11.6.1): a
 * list of challenges, each a scheme followed by a token68 or by `name=value`
 * parameters (§11.2, §11.3). Strict because it checks what a server sends:
 * what a sender must not generate is refused, with the position, rather than
 * read leniently as a client would: whitespace around `=` (BWS, §5.6.3),
 * empty list elements (§5.6.1), a parameter named twice in one challenge
 * (§11.2), control characters and non-ASCII (§5.5).
 *
 * It walks the value once, character by character, with no regular
 * expression over the whole header, so its cost is linear in the input.
 */

export interface Challenge {
  /** The scheme as sent. Schemes are case-insensitive (RFC 9110 §11.1): compare them that way. */
  readonly scheme: string;
  /** Parameter names in lower case (they are case-insensitive); values unquoted and unescaped. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of parameters. */
  readonly token68?: string;
}

const TCHAR = /^[!#$%&'*+.^_`|~0-9A-Za-z-]$/;
const TOKEN68_CHAR = /^[A-Za-z0-9\-._~+/]$/;
/** A quoted-pair escapes HTAB, SP or a visible character (§5.6.4). */
const ESCAPABLE = /^[\t\x20-\x7e]$/;
const OWS = new Set([' ', '\t']);

class Reader {
  at = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.at + offset] ?? '';
  }

  fail(what: string): never {
    const found = this.done ? 'the end' : JSON.stringify(this.peek());
    throw new SyntaxError(
      `WWW-Authenticate: ${what} at character ${this.at + 1} (found ${found}) in ${JSON.stringify(this.text)}`,
    );
  }

  skipWhitespace(): number {
    const start = this.at;
    while (OWS.has(this.peek())) this.at += 1;
    return this.at - start;
  }

  token(what: string): string {
    const start = this.at;
    while (TCHAR.test(this.peek())) this.at += 1;
    if (this.at === start) this.fail(`expected ${what} (a token)`);
    return this.text.slice(start, this.at);
  }

  /** The length of a token68 starting here, when one ends at a list boundary (`,`, whitespace or the end). */
  token68Length(): number {
    let end = this.at;
    while (TOKEN68_CHAR.test(this.text[end] ?? '')) end += 1;
    if (end === this.at) return 0;
    while (this.text[end] === '=') end += 1;
    const next = this.text[end] ?? '';
    return next === '' || next === ',' || OWS.has(next) ? end - this.at : 0;
  }

  quotedString(): string {
    this.at += 1; // the opening quote
    let value = '';
    for (;;) {
      const char = this.peek();
      if (char === '"') {
        this.at += 1;
        return value;
      }
      if (char === '\\') {
        const escaped = this.peek(1);
        if (!ESCAPABLE.test(escaped)) {
          this.at += 1;
          this.fail('expected a character after "\\" in a quoted string');
        }
        value += escaped;
        this.at += 2;
      } else if (char === '') {
        this.fail('unterminated quoted string');
      } else {
        value += char; // the value was checked for controls and non-ASCII up front
        this.at += 1;
      }
    }
  }

  /** `name=value`: no whitespace around `=` (a sender must not generate BWS, RFC 9110 §5.6.3). */
  parameter(parameters: Map<string, string>): void {
    const name = this.token('a parameter name').toLowerCase();
    if (this.peek() !== '=') this.fail(`expected "=" right after parameter name "${name}"`);
    this.at += 1;
    if (parameters.has(name)) {
      this.at -= name.length + 1;
      this.fail(`parameter "${name}" appears twice in one challenge (RFC 9110 §11.2)`);
    }
    const value = this.peek() === '"' ? this.quotedString() : this.token(`a value for "${name}"`);
    parameters.set(name, value);
  }

  /**
   * After a comma: is the next element another parameter of this challenge
   * (`name=`, or `name =`, refused later for its whitespace) or a new challenge?
   */
  nextIsParameter(): boolean {
    let end = this.at;
    while (TCHAR.test(this.text[end] ?? '')) end += 1;
    if (end === this.at) return false;
    while (OWS.has(this.text[end] ?? '')) end += 1;
    return this.text[end] === '=';
  }

  /** Consumes `OWS "," OWS` and refuses an empty element (`,,` or a trailing comma). */
  comma(): void {
    this.at += 1;
    this.skipWhitespace();
    if (this.peek() === ',') this.fail('empty list element (RFC 9110 §5.6.1)');
    if (this.done) this.fail('expected a challenge or parameter after ","');
  }

  challenge(): Challenge {
    const scheme = this.token('an auth-scheme');
    const parameters = new Map<string, string>();
    const schemeEnd = this.at;
    this.skipWhitespace();
    // A scheme alone: OWS may precede the comma of the list (RFC 9110 §5.6.1).
    if (this.done || this.peek() === ',') return { scheme, parameters: {} };
    // Before a token68 or parameters: one or more spaces, never a tab (RFC 9110 §11.3).
    const tab = this.text.slice(schemeEnd, this.at).indexOf('\t');
    if (this.at === schemeEnd || tab !== -1) {
      this.at = schemeEnd + Math.max(tab, 0);
      this.fail(`expected a space after scheme "${scheme}"`);
    }
    // `abc==` is a token68 and `a=b` a parameter: token68Length accepts only one that ends at a boundary.
    const token68 = this.token68Length();
    if (token68 > 0) {
      const end = this.at + token68;
      let next = end;
      while (OWS.has(this.text[next] ?? '')) next += 1;
      if (next > end && (this.text[next] === '=' || this.text[next] === '"')) {
        // `realm = "api"` or `realm= "api"`: whitespace around "=" (no token68 is followed by these).
        this.at = end;
        this.fail('whitespace around "=" (a sender must not generate it, RFC 9110 §5.6.3)');
      }
      const value = this.text.slice(this.at, end);
      this.at = end;
      return { scheme, parameters: {}, token68: value };
    }
    this.parameter(parameters);
    for (;;) {
      const before = this.at;
      this.skipWhitespace();
      if (this.done) break;
      if (this.peek() !== ',') {
        this.at = before;
        this.skipWhitespace();
        this.fail('expected "," between parameters');
      }
      const comma = this.at;
      this.comma();
      if (!this.nextIsParameter()) {
        this.at = comma; // the comma ends this challenge; the caller reads the next one
        break;
      }
      this.parameter(parameters);
    }
    return { scheme, parameters: Object.fromEntries(parameters) };
  }
}

/**
 * Every challenge in one `WWW-Authenticate` field value, in order. Throws a
 * `SyntaxError` that names the position of the first defect.
 */
export function parseChallenges(value: string): Challenge[] {
  if (typeof value !== 'string') throw new TypeError('parseChallenges: expected a string');
  const bad = /[^\t\x20-\x7e]/.exec(value);
  if (bad !== null) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new SyntaxError(
      `WWW-Authenticate: character U+${code.toUpperCase()} at ${bad.index + 1} is not visible ASCII, space or tab (RFC 9110 §5.5) in ${JSON.stringify(value)}`,
    );
  }
  const reader = new Reader(value.replace(/^[\t ]+|[\t ]+$/g, ''));
  const challenges: Challenge[] = [];
  if (reader.done) reader.fail('expected at least one challenge');
  if (reader.peek() === ',') reader.fail('empty list element (RFC 9110 §5.6.1)');
  for (;;) {
    challenges.push(reader.challenge());
    reader.skipWhitespace();
    if (reader.done) return challenges;
    if (reader.peek() !== ',') reader.fail('expected "," between challenges');
    reader.comma();
  }
}
