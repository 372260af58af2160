/**
 * docs/openapi/auth-errors.yaml, the OpenAPI components other documents
 * reference by URL, is generated (`npm run openapi`, scripts/openapi.mjs):
 * it must be exactly what the script writes from the current catalog and
 * renderer, validate with Redocly's linter (examples against their schemas
 * included), and carry header examples a strict parser accepts.
 */
import { readFileSync } from 'node:fs';
import { parseChallenges } from '@auth-errors/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { documentPath, openApiYaml } from '../scripts/openapi.mjs';
import { lintOpenApi } from './support/openapi-lint.js';

const checkedIn = readFileSync(documentPath, 'utf8');

interface Header {
  readonly examples?: Record<string, { readonly value: unknown }>;
}
interface Document {
  readonly info: { readonly version: string };
  readonly components: {
    readonly headers: Record<string, Header>;
    readonly responses: Record<string, { readonly headers?: Record<string, Header> }>;
  };
}

describe('docs/openapi/auth-errors.yaml', () => {
  it('is up to date: exactly what `npm run openapi` writes', () => {
    expect(checkedIn, 'docs/openapi/auth-errors.yaml is out of date: run `npm run openapi`').toBe(openApiYaml());
  });

  it('is a valid OpenAPI 3.1 document whose examples conform to their schemas (Redocly, recommended-strict)', async () => {
    expect(await lintOpenApi(checkedIn, { library: true })).toEqual([]);
  });

  it('names the version of @auth-errors/core it describes', () => {
    const core = JSON.parse(readFileSync(new URL('../packages/core/package.json', import.meta.url), 'utf8'));
    expect((parse(checkedIn) as Document).info.version).toBe(core.version);
  });

  it('every WWW-Authenticate example is one challenge a strict parser reads, every Retry-After whole seconds', () => {
    const { components } = parse(checkedIn) as Document;
    const headers = [
      components.headers,
      ...Object.values(components.responses).map((response) => response.headers ?? {}),
    ];
    const challenges = headers.flatMap((set) => Object.values(set['WWW-Authenticate']?.examples ?? {}));
    const retries = headers.flatMap((set) => Object.values(set['Retry-After']?.examples ?? {}));
    expect(challenges.length).toBeGreaterThanOrEqual(7);
    for (const { value } of challenges) expect(parseChallenges(String(value)), String(value)).toHaveLength(1);
    expect(retries.length).toBeGreaterThan(0);
    for (const { value } of retries)
      expect(Number.isSafeInteger(value) && (value as number) >= 0, String(value)).toBe(true);
  });
});
