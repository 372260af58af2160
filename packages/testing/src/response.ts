/**
 * What the matchers read from a response, whatever the client: a supertest
 * (superagent) response, a fetch `Response`, a Fastify `inject()` result, or
 * a plain `{ status, headers, body }`. Each header is read as its field
 * lines, one per line, wherever the client kept them apart.
 */

export interface ReadResponse {
  readonly status: number;
  /** Every field line of `name`, in order. */
  lines(name: string): string[];
  /**
   * False for a fetch `Response`: `Headers` joins repeated lines with ", ", so
   * one challenge per line cannot be seen, only the list of challenges.
   */
  readonly linesKept: boolean;
  /** The body text, or a promise of it (fetch: read from a clone); `undefined` when the response has none. */
  text(): string | undefined | Promise<string | undefined>;
  /** The body already parsed by the client (supertest), used when there is no text. */
  readonly parsed: unknown;
}

type Lookup = (name: string) => string[];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `[name, value, name, value…]` as Node's `rawHeaders` keeps them. */
function fromRawHeaders(raw: readonly unknown[]): Lookup {
  return (name) => {
    const lines: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      if (String(raw[i]).toLowerCase() === name) lines.push(String(raw[i + 1]));
    }
    return lines;
  };
}

function fromHeaders(headers: unknown): { lookup: Lookup; linesKept: boolean } | string {
  if (headers === undefined || headers === null) return { lookup: () => [], linesKept: true };
  if (isObject(headers) && typeof headers.get === 'function' && typeof headers.forEach === 'function') {
    const joined = headers as unknown as { get(name: string): string | null };
    return {
      lookup: (name) => {
        const value = joined.get(name);
        return value === null ? [] : [value];
      },
      linesKept: false,
    };
  }
  if (Array.isArray(headers)) {
    if (!headers.every((line) => Array.isArray(line) && line.length === 2)) {
      return 'headers given as an array must be [name, value] lines';
    }
    const lines = headers as [unknown, unknown][];
    return {
      lookup: (name) => lines.filter(([n]) => String(n).toLowerCase() === name).map(([, v]) => String(v)),
      linesKept: true,
    };
  }
  if (!isObject(headers))
    return `headers must be an object, a Headers or [name, value] lines, not ${describe(headers)}`;
  return {
    lookup: (name) =>
      Object.entries(headers)
        .filter(([n, value]) => n.toLowerCase() === name && value !== undefined)
        .flatMap(([, value]) => (Array.isArray(value) ? value.map(String) : [String(value)])),
    linesKept: true,
  };
}

function isFetchResponse(value: Record<string, unknown>): boolean {
  return typeof value.text === 'function' && typeof value.clone === 'function' && isObject(value.headers);
}

async function fetchText(response: { clone(): { text(): Promise<string> }; bodyUsed?: boolean }) {
  if (response.bodyUsed === true) {
    throw new Error('the body of this fetch Response was already read: assert before reading it, or pass its parts');
  }
  const text = await response.clone().text();
  return text === '' ? undefined : text;
}

function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body === '' ? undefined : body;
  if (body instanceof Uint8Array) return body.length === 0 ? undefined : new TextDecoder().decode(body);
  return undefined;
}

/** A short description of a value that is not a response, for failure messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object with no numeric status';
  return `a ${typeof value}`;
}

/** The response, or a message saying why `value` is not one. */
export function readResponse(value: unknown): ReadResponse | string {
  const expected =
    'expected a response: a supertest response, a fetch Response, or { status, headers, body }; received';
  if (!isObject(value)) return `${expected} ${describe(value)}`;
  const status = typeof value.status === 'number' ? value.status : value.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status)) return `${expected} ${describe(value)}`;

  // superagent keeps Node's response in `res`, whose rawHeaders has every line apart.
  const native = isObject(value.res) ? value.res : value;
  if (Array.isArray(native.rawHeaders)) {
    return {
      status,
      lines: fromRawHeaders(native.rawHeaders),
      linesKept: true,
      text: () => (typeof value.text === 'string' ? bodyText(value.text) : bodyText(value.body)),
      parsed: value.body,
    };
  }
  const headers = fromHeaders(value.headers);
  if (typeof headers === 'string') return `${expected} a value whose ${headers}`;
  if (isFetchResponse(value)) {
    return {
      status,
      lines: headers.lookup,
      linesKept: headers.linesKept,
      text: () => fetchText(value as unknown as Parameters<typeof fetchText>[0]),
      parsed: undefined,
    };
  }
  return {
    status,
    lines: headers.lookup,
    linesKept: headers.linesKept,
    text: () => (typeof value.text === 'string' ? bodyText(value.text) : bodyText(value.body)),
    parsed: value.body,
  };
}
