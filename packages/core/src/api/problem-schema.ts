/**
 * The problem body as a JSON Schema object, for frameworks that declare
 * response schemas (a Fastify route's `schema.response`, OpenAPI generators):
 * every member the renderer may send (RFC 9457 §3.1, plus `code` and the
 * failure's own members), and `additionalProperties` so that the
 * application's extension members (§3.2) are never stripped by a serializer
 * built from it.
 */
import { authErrorCodes, catalog } from '../errors/catalog.js';

const strings = { type: 'array', items: { type: 'string' } } as const;

export const problemSchema = Object.freeze({
  type: 'object',
  description: 'RFC 9457 problem details of an authentication or authorization failure',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', enum: [...new Set(authErrorCodes.map((code) => catalog[code].status))] },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', enum: [...authErrorCodes] },
    requiredScopes: strings,
    acrValues: strings,
    maxAge: { type: 'integer', minimum: 0 },
  },
  additionalProperties: true,
});
