/**
 * The one HTTP client of the tests: HTTP/1.1 over a raw socket. Node's own
 * client and fetch join repeated header lines and cannot send two
 * `Authorization` fields, so every suite talks to its servers through this:
 * request bytes exactly as given, response header lines exactly as received,
 * in order. Also: servers on loopback ports, closed after each test, and a
 * port nothing listens on.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { afterEach } from 'vitest';

export interface RawRequest {
  readonly method?: string;
  /** Request target, e.g. `/bearer?access_token=x`. */
  readonly path: string;
  /** Header lines in order; a name may repeat. Host and `Connection: close` are added. */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
}

export interface RawResponse {
  readonly status: number;
  /** Every header line as [lower-case name, value], in the order received. */
  readonly headers: readonly (readonly [string, string])[];
  /** The body bytes as UTF-8 (chunked encoding removed). */
  readonly body: string;
  /** Everything after the header block, before de-chunking: must be empty for HEAD, 204 and 304. */
  readonly rawBody: Buffer;
}

/** Every value of header `name`, one entry per field line, in order. */
export function headerLines(response: RawResponse, name: string): string[] {
  const lower = name.toLowerCase();
  return response.headers.filter(([n]) => n === lower).map(([, v]) => v);
}

/** The single value of header `name`, or `undefined`; throws if the header is repeated. */
export function header(response: RawResponse, name: string): string | undefined {
  const lines = headerLines(response, name);
  if (lines.length > 1) throw new Error(`header ${name} is repeated: ${JSON.stringify(lines)}`);
  return lines[0];
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol === -1) throw new Error('truncated chunked body');
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1').split(';')[0] as string, 16);
    if (!Number.isInteger(size)) throw new Error('bad chunk size');
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

export function parseResponse(data: Buffer, method: string): RawResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`no complete header block in ${JSON.stringify(data.toString('latin1'))}`);
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine as string);
  if (match === null) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  const status = Number(match[1]);
  const rawBody = data.subarray(end + 4);
  const bodyless = method === 'HEAD' || status === 204 || status === 304;
  const chunked = headers.some(([n, v]) => n === 'transfer-encoding' && v.toLowerCase().includes('chunked'));
  const body = bodyless ? '' : (chunked ? dechunk(rawBody) : rawBody).toString('utf8');
  return { status, headers, body, rawBody };
}

/** Sends one request on a fresh connection (`Connection: close`) and reads the whole response. */
export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  const method = request.method ?? 'GET';
  let head = `${method} ${request.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
  for (const [name, value] of request.headers ?? []) head += `${name}: ${value}\r\n`;
  if (request.body !== undefined) head += `Content-Length: ${Buffer.byteLength(request.body)}\r\n`;
  head += '\r\n';
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no response to ${method} ${request.path}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks), method));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(head + (request.body ?? ''));
  });
}

/** `Authorization: Basic …` for a user and password, encoded as UTF-8. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Listens on an ephemeral loopback port. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

/** Closes a server and every connection still open on it. */
export function close(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

const served = new Set<Server>();

afterEach(async () => {
  await Promise.all([...served].map(close));
  served.clear();
});

/** Serves `listener` (an Express app, a Koa `callback()`) on a loopback port; closed after the current test. */
export async function serve(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  served.add(server);
  return listen(server);
}

/** A loopback port nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
