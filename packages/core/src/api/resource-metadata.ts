/**
 * RFC 9728 protected resource metadata: the document clients (MCP clients
 * among them) fetch to find which authorization servers issue tokens for this
 * API, and its well-known URL for the `resource_metadata` challenge parameter.
 */
import type { BearerMethod } from '../credentials/bearer.js';
import { fail } from '../options/validate.js';
import { isScopeToken } from '../render/header-values.js';
import type { RenderedResponse, RequestFacts } from '../render/render.js';
import { utf8Length } from '../util/utf8.js';

export interface ResourceMetadataOptions {
  /**
   * This API's resource identifier, as clients know it: an absolute https URL
   * with no query or fragment (RFC 9728 §1.2), or, with `publicUrl`, a path
   * under it such as `/mcp`.
   */
  readonly resource: string;
  /**
   * The base URL clients reach this server at, when that is not what the server
   * itself sees (a proxy or TLS terminator in front, a path prefix): an absolute
   * https URL (http only for localhost). `resource` is then a path under it, and
   * the identifier, the document and the metadata URL in the challenges all
   * use this URL, never the request's `Host` or `X-Forwarded-*`.
   */
  readonly publicUrl?: string | undefined;
  /** Issuers of the authorization servers whose tokens this API accepts. */
  readonly authorizationServers?: readonly string[] | undefined;
  /** Scopes this API understands. */
  readonly scopesSupported?: readonly string[] | undefined;
  /** How tokens may be sent. Default `["header"]`. */
  readonly bearerMethodsSupported?: readonly BearerMethod[] | undefined;
  /** A human-readable name of the API. */
  readonly resourceName?: string | undefined;
  /** A URL of human-readable documentation for developers. */
  readonly resourceDocumentation?: string | undefined;
}

export interface ResourceMetadata {
  /** The metadata URL, for `authErrors({ resourceMetadata })` and the challenges. */
  readonly url: string;
  /** The path the document is served at. */
  readonly path: string;
  /** The document, as served. */
  readonly document: Readonly<Record<string, unknown>>;
  /** The response for a request to the metadata path (GET or HEAD), or `undefined` for any other request. */
  respond(request: RequestFacts): RenderedResponse | undefined;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
const NOTHING: readonly string[] = [];

function absoluteUrl(value: unknown, option: string, httpsOnly: boolean): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const local =
    url !== undefined && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]');
  const schemeOk = url?.protocol === 'https:' || (url?.protocol === 'http:' && (!httpsOnly || local));
  if (url === undefined || !schemeOk || url.hash !== '' || url.search !== '') {
    fail(`option "${option}" must be an absolute https URL without query or fragment (http only for localhost)`);
  }
  return url;
}

function urlList(value: unknown, option: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(`option "${option}" must be an array of URLs`);
  // Validated, but kept as written: issuers are compared as exact strings (RFC 8414 §3.3).
  return value.map((item) => {
    absoluteUrl(item, option, true);
    return item as string;
  });
}

/** The resource identifier: `resource` as configured, or its path joined to `publicUrl`. */
function resourceIdentifier(resource: unknown, publicUrl: unknown): string {
  if (publicUrl === undefined) {
    absoluteUrl(resource, 'resource', true);
    return resource as string;
  }
  const base = absoluteUrl(publicUrl, 'publicUrl', true).href.replace(/\/$/, '');
  const joined = typeof resource === 'string' && /^\/(?!\/)/.test(resource) ? `${base}${resource}` : undefined;
  // Already in the form new URL() gives it: nothing for clients to normalize differently.
  if (joined === undefined || !URL.canParse(joined) || new URL(joined).href !== joined || /[?#]/.test(joined)) {
    fail('option "resource" must be a normalized path such as "/mcp" when "publicUrl" is set');
  }
  return joined;
}

export function createResourceMetadata(options: ResourceMetadataOptions): ResourceMetadata {
  if (typeof options !== 'object' || options === null) fail('resource metadata options must be an object');
  const identifier = resourceIdentifier(options.resource, options.publicUrl);
  const resource = new URL(identifier);
  const scopes = options.scopesSupported;
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && isScopeToken(s)))
  ) {
    fail('option "scopesSupported" must be an array of scope tokens');
  }
  const methods = options.bearerMethodsSupported ?? ['header'];
  if (!Array.isArray(methods) || !methods.every((m) => m === 'header' || m === 'body' || m === 'query')) {
    fail('option "bearerMethodsSupported" must be an array of "header", "body" and "query"');
  }
  if (options.resourceName !== undefined && (typeof options.resourceName !== 'string' || options.resourceName === '')) {
    fail('option "resourceName" must be a non-empty string');
  }

  // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
  const suffix = resource.pathname === '/' ? '' : resource.pathname;
  const path = `${WELL_KNOWN}${suffix}`;
  const url = `${resource.origin}${path}`;
  // Members with no value are omitted (§2); `resource` is the identifier exactly as configured.
  const document: Record<string, unknown> = { resource: identifier };
  const servers = urlList(options.authorizationServers, 'authorizationServers');
  if (servers !== undefined) document.authorization_servers = servers;
  if (scopes !== undefined) document.scopes_supported = [...scopes];
  document.bearer_methods_supported = [...methods];
  if (options.resourceName !== undefined) document.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined) {
    absoluteUrl(options.resourceDocumentation, 'resourceDocumentation', false);
    document.resource_documentation = options.resourceDocumentation;
  }
  const body = JSON.stringify(document);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(utf8Length(body)),
    'cache-control': 'public, max-age=3600',
  };

  return {
    url,
    path,
    document,
    respond(request) {
      const method = typeof request?.method === 'string' ? request.method.toUpperCase() : '';
      if (method !== 'GET' && method !== 'HEAD') return undefined;
      const target = typeof request?.url === 'string' ? request.url : '';
      const end = target.search(/[?#]/);
      if ((end === -1 ? target : target.slice(0, end)) !== path) return undefined;
      return {
        status: 200,
        headers,
        vary: NOTHING,
        expose: NOTHING,
        remove: NOTHING,
        body: method === 'HEAD' ? '' : body,
      };
    },
  };
}
