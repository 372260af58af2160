/**
 * The problem schemas of the document: `AuthProblem`, the members every
 * problem has (RFC 9457 §3.1) with the configured extension members, and one
 * `…Problem` schema per problem type of the catalog that pins its type,
 * title, status and code.
 */
import { type AuthErrorCode, catalog } from '../errors/catalog.js';
import type { OpenApiOptions } from './openapi-options.js';
import { problemSchema } from './problem-schema.js';

/** A JSON object of the document (a schema, a header, a response…), as plain data. */
export type OpenApiObject = { [key: string]: unknown };

/** Members a problem type requires beyond the common ones (its schema's extra constraints). */
const MEMBERS: Partial<Record<AuthErrorCode, OpenApiObject>> = {
  insufficient_scope: { required: ['requiredScopes'], properties: { requiredScopes: { minItems: 1 } } },
  insufficient_user_authentication: { anyOf: [{ required: ['acrValues'] }, { required: ['maxAge'] }] },
};

/** Component names: `insufficient_scope` is `InsufficientScopeProblem`. */
const pascal = (code: string) => code.replace(/(?:^|_)([a-z])/g, (_, letter: string) => letter.toUpperCase());
export const schemaName = (code: AuthErrorCode) => `${pascal(code)}Problem`;
export const ref = (section: string, name: string) => ({ $ref: `#/components/${section}/${name}` });

function valueSchema(value: unknown): OpenApiObject {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string', maxLength: 1024 };
  return { type: typeof value };
}

/** `AuthProblem` and the schema of each described code. */
export function schemas(
  options: OpenApiOptions,
  typeBase: string,
  codes: readonly AuthErrorCode[],
): Record<string, OpenApiObject> {
  const base = structuredClone(problemSchema) as OpenApiObject & { properties: Record<string, OpenApiObject> };
  if (options.instance !== true) delete base.properties.instance;
  else
    base.properties.instance = {
      type: 'string',
      format: 'uri-reference',
      description: 'The request path, never the query',
    };
  for (const [name, value] of Object.entries(options.extensions ?? {})) base.properties[name] = valueSchema(value);
  const result: Record<string, OpenApiObject> = { AuthProblem: base };
  for (const code of codes) {
    const entry = catalog[code];
    const extra = structuredClone(MEMBERS[code] ?? {}) as OpenApiObject & { properties?: OpenApiObject };
    result[schemaName(code)] = {
      title: entry.title,
      description: `${code} (${entry.status}): ${entry.detail}. Problem type ${typeBase}${entry.slug}.`,
      allOf: [ref('schemas', 'AuthProblem')],
      ...extra,
      properties: {
        type: { const: `${typeBase}${entry.slug}` },
        title: { const: entry.title },
        status: { const: entry.status },
        code: { const: code },
        ...extra.properties,
      },
    };
  }
  return result;
}
