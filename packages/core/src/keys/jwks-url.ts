/**
 * The JWKS URL of a key source, checked once when it is built
 * (docs/conformance.md rule 66). Keys fetched over plain http let anyone on the
 * network path serve keys of their own and mint tokens that verify (RFC 8414
 * §2: a `jwks_uri` uses https). On a loopback host there is no such path, so
 * http stays allowed there, for tests and local sidecars. The host is judged as WHATWG URL has normalised it,
 * which is the host fetch connects to: `0x7f.1` is 127.0.0.1, while
 * `127.0.0.1.evil.example` is a domain like any other.
 */
import { fail } from '../options/validate.js';

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
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}

/** `label` names the URL as the caller gave it (`option "jwksUrl"`, `the JWKS URL`); messages never repeat the URL. */
export function jwksUrlOf(value: unknown, label: string): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(`${label} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`${label} must be an http(s) URL`);
  // RFC 9110 §4.2.4: no user info in an http(s) URI. fetch refuses such a URL, so every fetch would fail.
  if (url.username !== '' || url.password !== '') fail(`${label} must not contain a user name or password`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    fail(`${label} must be an https URL: http is allowed only to a loopback host (127.0.0.0/8, [::1], localhost)`);
  }
  return url;
}
