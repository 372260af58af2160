/**
 * Validation of OpenAPI documents with Redocly's linter (@redocly/openapi-core),
 * `recommended-strict` rules: the structure against the OpenAPI 3.1
 * specification, every `$ref`, and every media-type example against its
 * schema (`no-invalid-media-type-examples`). Header examples are not checked
 * by it: the tests parse those themselves.
 */
import '@auth-errors/testing/vitest';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { expect } from 'vitest';

export interface LintOptions {
  /**
   * A components library (docs/openapi/auth-errors.yaml): its components are
   * meant to be referenced from other documents, so "never used" is expected,
   * and it has no servers.
   */
  readonly library?: boolean;
}

/** Every problem Redocly finds, as `rule at pointer: message` lines; `[]` when the document is valid. */
export async function lintOpenApi(document: object | string, options: LintOptions = {}): Promise<string[]> {
  const config = await createConfig({
    extends: ['recommended-strict'],
    rules: options.library ? { 'no-unused-components': 'off', 'no-empty-servers': 'off' } : {},
  });
  const source = typeof document === 'string' ? document : JSON.stringify(document);
  const problems = await lintFromString({ source, absoluteRef: '/openapi.yaml', config });
  return problems.map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer ?? '?'}: ${problem.message}`);
}

/**
 * A minimal valid document around some components, with `examples` added to
 * the `application/problem+json` content of response `response`, so that
 * Redocly checks each of them against that response's schema.
 */
export function withExamples(
  components: { responses: Record<string, Record<string, unknown>> },
  response: string,
  examples: Record<string, unknown>,
): object {
  const copy = structuredClone(components) as typeof components;
  const content = (copy.responses[response]?.content as Record<string, { examples?: Record<string, unknown> }>)[
    'application/problem+json'
  ];
  if (content === undefined) throw new Error(`no response ${response}`);
  content.examples = Object.fromEntries(Object.entries(examples).map(([key, value]) => [key, { value }]));
  return {
    openapi: '3.1.0',
    info: { title: 'examples', version: '1', license: { name: 'MIT', identifier: 'MIT' } },
    components: copy,
  };
}

/** An OpenAPI document as the tests read it: operations whose responses reference components. */
export interface ServedDocument {
  readonly paths: Record<string, Record<string, { readonly responses: Record<string, { readonly $ref?: string }> }>>;
  readonly components: {
    readonly responses: Record<string, DocumentedResponse>;
    readonly headers?: Record<string, { readonly required?: boolean }>;
  };
}
interface DocumentedResponse {
  readonly headers?: Record<string, { readonly $ref?: string; readonly required?: boolean }>;
  readonly content: Record<string, { examples?: Record<string, { value: unknown }> }>;
}

function responseName(document: ServedDocument, path: string, status: number): string {
  const ref = document.paths[path]?.get?.responses[String(status)]?.$ref;
  if (ref === undefined) throw new Error(`GET ${path} documents no ${status} response component`);
  return ref.replace('#/components/responses/', '');
}

/** The headers the response documented for `GET path` and `status` requires, by name. */
export function requiredHeaders(document: ServedDocument, path: string, status: number): string[] {
  const response = document.components.responses[responseName(document, path, status)];
  return Object.entries(response?.headers ?? {})
    .filter(([name, header]) =>
      header.$ref === undefined ? header.required === true : document.components.headers?.[name]?.required === true,
    )
    .map(([name]) => name);
}

/**
 * A copy of the document whose response for `GET path` and `status` has
 * `body` as its only example: the linter then checks that body against the
 * documented schema.
 */
export function withSentBody(document: ServedDocument, path: string, status: number, body: unknown): ServedDocument {
  const copy = structuredClone(document);
  const response = copy.components.responses[responseName(copy, path, status)];
  const content = response?.content['application/problem+json'];
  if (content === undefined) throw new Error(`the ${status} response of GET ${path} has no application/problem+json`);
  content.examples = { sent: { value: body } };
  return copy;
}

/**
 * One failure an app sent, held to the document it serves for `GET path`: a
 * problem with `members`, on the 401/403 side of the rule its status says,
 * with every header the documented response requires, and a body the linter
 * finds conforming to the documented schema. Reads the body.
 */
export async function expectDocumentedFailure(
  document: ServedDocument,
  path: string,
  res: Response,
  what: string,
  members: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  const { status } = res;
  await expect(res, what).toBeProblem({ status, ...members });
  if (status === 401) expect(res, what).toBeUnauthorized();
  if (status === 403) expect(res, what).toBeForbidden();
  for (const name of requiredHeaders(document, path, status))
    expect(res.headers.has(name), `${what}: ${name}`).toBe(true);
  expect(await lintOpenApi(withSentBody(document, path, status, await res.json())), what).toEqual([]);
}
