/**
 * The one URL policy of every option that holds a URL (docs/conformance.md
 * rule 66): parsed with WHATWG `URL`, `https:` except to a loopback host, no
 * user info, no fragment; whether a path or a query may follow the authority
 * is declared per option. Plain http lets anyone on the network path answer
 * in the server's name (keys that mint tokens, an origin that moves every
 * DPoP `htu`); on a loopback host there is no such path, so http stays
 * allowed there, for tests and local sidecars. The host is judged as WHATWG
 * URL has normalised it, which is the host fetch connects to: `0x7f.1` is
 * 127.0.0.1, while `127.0.0.1.evil.example` is a domain like any other.
 */
import { fail } from './fail.js';

export interface UrlPolicy {
  /** Whether a path other than `/` may follow the authority (an origin option says no). */
  readonly path: boolean;
  /** Whether a query may follow (RFC 9728 identifiers and issuers say no). */
  readonly query: boolean;
  /**
   * The text must be what `new URL(text).href` gives, for a URL that others
   * compare as an exact string (RFC 9728 `resource_metadata`).
   */
  readonly normalized?: boolean;
  /** Plain http to any host: only for a page people read (documentation), never one the library or a client trusts. */
  readonly httpAnywhere?: boolean;
}

/**
 * Four dotted decimals. After WHATWG URL parsing only an IPv4 address looks so: a host whose last label is a
 * number is parsed as IPv4 (or refused), never kept as a domain.
 */
const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * 127.0.0.0/8 (RFC 1122 §3.2.1.3), ::1 (RFC 4291 §2.5.3) and the name `localhost` (RFC 6761 §6.3), as
 * `URL.hostname` writes them. Not `localhost.` nor names under it, which a resolver may send to DNS, and not
 * IPv4-mapped IPv6 addresses (RFC 4291 §2.5.5.2), which are not loopback addresses.
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}

/** The policy in words, for messages and the generated reference. */
export function describeUrl(policy: UrlPolicy): string {
  const what = policy.path ? 'an absolute https URL' : 'an https origin such as "https://api.example.com"';
  const http = policy.httpAnywhere ? ' (or http)' : ' (http only to a loopback host)';
  const without = ['user info', ...(policy.query ? [] : ['query']), 'fragment'];
  const normalized = policy.normalized ? ', in normalized form (as new URL(value).href gives it)' : '';
  return `${what}${http} without ${without.join(', ').replace(/, (?=[^,]*$)/, ' or ')}${normalized}`;
}

/**
 * `value` (a string, or a `URL` where `acceptsUrl`) checked against `policy`. `label` names it as the caller
 * wrote it (`option "jwksUrl"`, `the JWKS URL`); `says`, when given, is the whole message of any defect.
 * Messages never repeat the URL, which may hold a secret.
 */
export function readUrl(value: unknown, label: string, policy: UrlPolicy, says?: string): URL {
  const refuse = (defect: string): never => fail(says ?? `${label} ${defect}`);
  const text = value instanceof URL ? value.href : value;
  let url: URL;
  try {
    if (typeof text !== 'string') throw new TypeError('not a string');
    url = new URL(text);
  } catch {
    return refuse('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse('must be an http(s) URL');
  // RFC 9110 §4.2.4: no user info in an http(s) URI. fetch refuses such a URL, so every fetch would fail.
  if (url.username !== '' || url.password !== '') refuse('must not contain a user name or password');
  if (url.protocol === 'http:' && !policy.httpAnywhere && !isLoopbackHost(url.hostname)) {
    refuse('must be an https URL: http is allowed only to a loopback host (127.0.0.0/8, [::1], localhost)');
  }
  if (url.hash !== '' || (text as string).includes('#')) refuse('must not have a fragment');
  if (!policy.query && (url.search !== '' || (text as string).includes('?'))) refuse('must not have a query');
  if (!policy.path && url.pathname !== '/') refuse('must be an origin, with no path');
  if (policy.normalized && url.href !== text) {
    refuse('must be an absolute http(s) URL in normalized form (as new URL(value).href gives it)');
  }
  return url;
}

/** RFC 9728 `resource_metadata`: clients compare it as an exact string (§5.1), so it must be in normalized form. */
export const RESOURCE_METADATA_URL: UrlPolicy = { path: true, query: true, normalized: true };
