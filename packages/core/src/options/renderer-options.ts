/**
 * The renderer's options: `authErrors(options)` of every adapter, and
 * `createRenderer(options)`. `openApiComponents` takes most of them
 * (openapi-options.ts), read by the same fields.
 */
import { DEFAULT_RETRY_AFTER } from '../render/error-challenges.js';
import { createExtensions } from '../render/extensions.js';
import type { AuthErrorEvent } from '../render/render.js';
import { realmField } from './common-fields.js';
import { fail } from './fail.js';
import { bool, custom, declare, duration, fn, url } from './fields.js';
import { DEFAULT_TYPE_BASE, readSchemes, readTypeBase } from './renderer-values.js';
import { RESOURCE_METADATA_URL } from './url.js';

export const schemesField = custom('an array of "Basic", "Bearer" (any case)', readSchemes, {
  doc: 'Schemes this API accepts: every 401 offers a challenge for each, Basic first.',
  default: [],
});

export const typeBaseField = custom('an absolute URI prefix', readTypeBase, {
  doc: 'Absolute URI prefix of the problem types, each type being the prefix and a slug such as `invalid-token` (RFC 9457 §3.1.1).',
  default: DEFAULT_TYPE_BASE,
});

export const resourceMetadataField = url(RESOURCE_METADATA_URL, {
  doc: 'RFC 9728 protected resource metadata URL, sent as `resource_metadata` on Bearer challenges.',
  acceptsUrl: true,
});

export const rendererRetryAfterField = duration(
  'seconds',
  { min: 0 },
  {
    doc: '`Retry-After` for `auth_unavailable` and `too_many_requests` when the error names none.',
    default: DEFAULT_RETRY_AFTER,
  },
);

export const instanceField = bool({
  doc: 'Add `instance` (the request path, never the query) to problem bodies.',
  default: false,
});

export const RENDERER_OPTIONS = declare(
  'options',
  {
    realm: realmField('The realm of every challenge (RFC 9110 §11.5).', '"api"'),
    schemes: schemesField,
    typeBase: typeBaseField,
    resourceMetadata: resourceMetadataField,
    instance: instanceField,
    retryAfter: rendererRetryAfterField,
    onError: fn<(event: AuthErrorEvent) => void>('(event) => void', {
      doc: 'Called once per rendered failure, for logs and metrics; without it, only 5xx failures are logged.',
    }),
    extensions: custom(
      'an object of members, or a function (request, error) => members',
      (value) => createExtensions(value) ?? fail('option "extensions" must be an object of members or a function'),
      { doc: 'Extension members for every problem body (RFC 9457 §3.2), e.g. a `traceId`.' },
    ),
  },
  { title: 'authErrors(options) / createRenderer(options)' },
);
