/**
 * `resourceMetadata(options)` (RFC 9728). Its `publicUrl` is a base URL that
 * may carry a path prefix (`resource` is then a path under it), unlike a DPoP
 * guard's `publicUrl`, which is an origin only: the two share a name, not a meaning.
 */
import { isScopeToken } from '../render/header-values.js';
import { fail } from './fail.js';
import { custom, declare, list, oneOf, text, url } from './fields.js';
import type { UrlPolicy } from './url.js';

/** An RFC 9728 resource identifier or an RFC 8414 issuer: no query, no fragment (RFC 9728 §1.2, RFC 8414 §2). */
export const IDENTIFIER_URL: UrlPolicy = { path: true, query: false };

export const RESOURCE_METADATA_OPTIONS = declare(
  'resource metadata options',
  {
    resource: custom(
      'an identifier URL, or with publicUrl a normalized path such as "/mcp"',
      (value) => (typeof value === 'string' ? value : fail('option "resource" must be a string')),
      {
        doc: "This API's resource identifier, as clients know it: an absolute https URL with no query or fragment, or a path under `publicUrl`.",
        required: true,
      },
    ),
    publicUrl: url(IDENTIFIER_URL, {
      doc: 'The base URL clients reach this server at (a proxy, a path prefix): `resource` is then a path under it.',
    }),
    authorizationServers: list(
      url(IDENTIFIER_URL, { doc: 'An issuer.' }),
      { items: 'issuer URLs' },
      { doc: 'Issuers of the authorization servers whose tokens this API accepts, kept as written (RFC 8414 §3.3).' },
    ),
    scopesSupported: list(
      custom(
        'a scope token',
        (value) =>
          typeof value === 'string' && isScopeToken(value)
            ? value
            : fail('option "scopesSupported" must be an array of scope tokens'),
        { doc: 'A scope.' },
      ),
      { items: 'scope tokens' },
      { doc: 'Scopes this API understands.' },
    ),
    bearerMethodsSupported: list(
      oneOf(['header', 'body', 'query'], { doc: 'A method.' }),
      { items: '"header", "body" and "query"' },
      { doc: 'How tokens may be sent.', default: ['header'] },
    ),
    resourceName: text({ doc: 'A human-readable name of the API.', nonEmpty: true }),
    resourceDocumentation: url(
      { path: true, query: true, httpAnywhere: true },
      { doc: 'A URL of human-readable documentation for developers: a page people read, so http is allowed.' },
    ),
  },
  { title: 'resourceMetadata(options)' },
);
