/**
 * `openApiComponents(options)`: the renderer options that shape responses,
 * read by the renderer's own fields, plus what only a document needs.
 * `onError` is a renderer option a document has no use for: it is "not an
 * option of openApiComponents", rather than silently ignored.
 */
import { realmField } from './common-fields.js';
import { fail } from './fail.js';
import { bool, custom, declare } from './fields.js';
import {
  instanceField,
  rendererRetryAfterField,
  resourceMetadataField,
  schemesField,
  typeBaseField,
} from './renderer-options.js';

export const OPENAPI_OPTIONS = declare(
  'openApiComponents options',
  {
    realm: realmField('The realm of every challenge, as given to authErrors().', '"api"'),
    schemes: schemesField,
    typeBase: typeBaseField,
    resourceMetadata: resourceMetadataField,
    retryAfter: rendererRetryAfterField,
    instance: instanceField,
    extensions: custom(
      'an object of example members',
      (value) => {
        if (typeof value === 'function') {
          fail(
            'option "extensions" of openApiComponents must be an object of example members ({ traceId: "4bf92f35" }): a function cannot be described',
          );
        }
        return value as Readonly<Record<string, string | number | boolean | null>>;
      },
      { doc: 'The members your `extensions` render option adds, each with an example value; checked by the renderer.' },
    ),
    tooManyRequests: bool({
      doc: 'Also describe 429 `too_many_requests`, which DPoP guards send for a key over its share of the replay store.',
      default: false,
    }),
  },
  { title: 'openApiComponents(options)', scope: 'openApiComponents' },
);
