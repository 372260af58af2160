/**
 * RFC 9728 protected resource metadata: the document clients (MCP clients
 * among them) fetch to find which authorization servers issue tokens for this
 * API, and its well-known URL for the `resource_metadata` challenge parameter.
 */
import type { BearerMethod } from '../credentials/bearer.js';
import type { Values } from '../options/fields.js';
import { readOptions } from '../options/read.js';
import { IDENTIFIER_URL, RESOURCE_METADATA_OPTIONS } from '../options/resource-metadata-options.js';
import { readUrl } from '../options/url.js';
import { fail } from '../options/validate.js';
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

/** The resource identifier: `resource` as configured, or its path joined to `publicUrl`. */
function resourceIdentifier(resource: string, publicUrl: string | undefined): string {
  if (publicUrl === undefined) {
    readUrl(resource, 'option "resource"', IDENTIFIER_URL);
    return resource;
  }
  const base = new URL(publicUrl).href.replace(/\/$/, '');
  const joined = /^\/(?!\/)/.test(resource) ? `${base}${resource}` : undefined;
  // Already in the form new URL() gives it: nothing for clients to normalize differently.
  if (joined === undefined || !URL.canParse(joined) || new URL(joined).href !== joined || /[?#]/.test(joined)) {
    fail('option "resource" must be a normalized path such as "/mcp" when "publicUrl" is set');
  }
  return joined;
}

/** The document (RFC 9728 §2): members with no value are omitted; `resource` is the identifier exactly as configured. */
function metadataDocument(identifier: string, settings: Values<typeof RESOURCE_METADATA_OPTIONS.options>) {
  const document: Record<string, unknown> = { resource: identifier };
  if (settings.authorizationServers !== undefined) document.authorization_servers = settings.authorizationServers;
  if (settings.scopesSupported !== undefined) document.scopes_supported = settings.scopesSupported;
  document.bearer_methods_supported = [...settings.bearerMethodsSupported];
  if (settings.resourceName !== undefined) document.resource_name = settings.resourceName;
  if (settings.resourceDocumentation !== undefined) document.resource_documentation = settings.resourceDocumentation;
  return document;
}

export function createResourceMetadata(options: ResourceMetadataOptions): ResourceMetadata {
  const settings = readOptions(RESOURCE_METADATA_OPTIONS, options);
  const identifier = resourceIdentifier(settings.resource, settings.publicUrl);
  const resource = new URL(identifier);
  // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
  const suffix = resource.pathname === '/' ? '' : resource.pathname;
  const path = `${WELL_KNOWN}${suffix}`;
  const url = `${resource.origin}${path}`;
  const document = metadataDocument(identifier, settings);
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
