/**
 * The responses of the document, one per status, and the header components
 * they reference: each with the examples the renderer sent, header lines
 * included.
 */
import { type AuthErrorCode, catalog } from '../errors/catalog.js';
import { PROBLEM_JSON } from '../render/problem.js';
import { HEADERS, RESPONSES } from './openapi-descriptions.js';
import type { Rendered } from './openapi-examples.js';
import { type OpenApiObject, ref, schemaName } from './openapi-schemas.js';

const linesOf = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** The distinct lines of header `name`, each keyed by where it first appears and summarized by every failure that sends it. */
function headerExamples(rendered: readonly Rendered[], name: string): OpenApiObject {
  const seen = new Map<string, { key: string; codes: string[]; lines: number }>();
  for (const { key, headers, code } of rendered) {
    const lines = linesOf(headers[name]);
    for (const line of lines) {
      const entry = seen.get(line);
      if (entry === undefined) {
        const scheme = name === 'www-authenticate' ? `${line.split(' ')[0]?.toLowerCase()}_` : '';
        seen.set(line, { key: `${scheme}${key}`, codes: [code], lines: lines.length });
      } else if (!entry.codes.includes(code)) {
        entry.codes.push(code);
      }
    }
  }
  const examples: OpenApiObject = {};
  for (const [line, { key, codes, lines }] of seen) {
    const value = name === 'retry-after' ? Number(line) : line;
    examples[key] = { summary: `${codes.join(', ')}${lines > 1 ? ' (one field line of several)' : ''}`, value };
  }
  return examples;
}

/** The body of a status: its one problem schema, or one of its schemas told apart by `code`. */
function bodySchema(codes: readonly AuthErrorCode[]): OpenApiObject {
  if (codes.length === 1) return ref('schemas', schemaName(codes[0] as AuthErrorCode));
  return {
    oneOf: codes.map((code) => ref('schemas', schemaName(code))),
    discriminator: {
      propertyName: 'code',
      mapping: Object.fromEntries(codes.map((code) => [code, `#/components/schemas/${schemaName(code)}`])),
    },
  };
}

/**
 * One response per status. A header that every failure of a status carries
 * is referenced from a header component marked `required`; one that only
 * some carry (the Bearer challenge of a 403) is described in place as
 * optional. So `required` says what the renderer guarantees, and every header
 * component is used.
 */
export function responses(
  rendered: readonly Rendered[],
  described: readonly AuthErrorCode[],
): { headers: Record<string, OpenApiObject>; responses: Record<string, OpenApiObject> } {
  const result: Record<string, OpenApiObject> = {};
  const referencing = new Map<string, Rendered[]>();
  const statuses = [...new Set(described.map((code) => catalog[code].status))];
  for (const status of statuses) {
    const codes = described.filter((code) => catalog[code].status === status);
    const ofStatus = rendered.filter(({ code }) => catalog[code].status === status);
    const schema = bodySchema(codes);
    const headers: Record<string, OpenApiObject> = {};
    for (const [name, header] of Object.entries(HEADERS)) {
      const carrying = ofStatus.filter(({ headers: sent }) => sent[name] !== undefined);
      if (carrying.length === 0) continue;
      if (carrying.length === ofStatus.length) {
        headers[header.name] = ref('headers', header.name);
        referencing.set(name, [...(referencing.get(name) ?? []), ...ofStatus]);
      } else {
        const { description, schema: headerSchema } = header;
        headers[header.name] = {
          description,
          required: false,
          schema: headerSchema,
          examples: headerExamples(ofStatus, name),
        };
      }
    }
    const examples = Object.fromEntries(
      ofStatus.map(({ key, code, body }) => [key, { summary: `${code}: ${String(body.detail)}`, value: body }]),
    );
    result[RESPONSES[status].name] = {
      description: RESPONSES[status].description,
      headers,
      content: {
        [PROBLEM_JSON]: { schema, examples },
        // Sent to a client whose Accept allows only application/json: the same body.
        'application/json': { schema: structuredClone(schema) },
      },
    };
  }
  const headers: Record<string, OpenApiObject> = {};
  for (const [name, { name: component, description, schema }] of Object.entries(HEADERS)) {
    const examples = referencing.get(name);
    if (examples !== undefined) {
      headers[component] = { description, required: true, schema, examples: headerExamples(examples, name) };
    }
  }
  return { headers, responses: result };
}
