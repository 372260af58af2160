/**
 * The `htu` comparison of RFC 9449 §4.3 (check 9): the request's external URI
 * and the proof's `htu`, both without query and fragment, compared after the
 * syntax- and scheme-based normalisation of RFC 3986 §6.2.2–6.2.3.
 */

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 §6.2.2.2: upper-case hex in percent-encodings, and unreserved characters decoded. */
function normalizePercentEncoding(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * `scheme://authority/path` of an absolute http(s) URI, normalised: scheme and
 * host lower-cased, the default port dropped, dot segments removed, an empty
 * path made `/` (WHATWG URL does these), percent-encodings normalised; query and
 * fragment dropped. `undefined` for anything that is not an absolute http(s) URI.
 */
export function normalizeHtu(uri: string): string | undefined {
  if (uri.length > 8192 || !/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(uri)) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.protocol}//${normalizePercentEncoding(url.host)}${normalizePercentEncoding(url.pathname)}`;
}

function pathOf(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/**
 * The external URI of a request: the origin clients address this server at
 * (from `publicUrl`, or as the adapter read it) and its target's path.
 */
export function externalUri(externalOrigin: string | undefined, target: string): string | undefined {
  if (externalOrigin === undefined) return undefined;
  const path = pathOf(target);
  return normalizeHtu(`${externalOrigin}${path.startsWith('/') ? path : `/${path}`}`);
}

/** A dot segment (`.` or `..`, any dot percent-encoded: RFC 3986 §5.2.4, WHATWG URL) or a backslash. */
const DOT_SEGMENT_OR_BACKSLASH = /(?:^|[/\\])(?:\.|%2e){1,2}(?=[/\\]|$)|\\/i;

/**
 * Whether the request target's path has dot segments or backslashes. Its
 * normalised form (dot segments removed, `\` read as `/`) is then not the path
 * the framework routed (Express, Koa and Fastify route `/files/../orders` under
 * `/files`), so no `htu` may match it: a proof must not move to another route
 * (docs/conformance.md rule 72). Fetch runtimes normalise before routing, so
 * their targets never have one.
 */
export function hasDotSegments(target: string): boolean {
  return DOT_SEGMENT_OR_BACKSLASH.test(pathOf(target));
}
