/**
 * The contract table (test/support/contract-cases.ts), run against the same
 * app built five ways (Express 5, Express 4, Koa 3, Koa 2, Fastify 5). Each case
 * states what a client sees; each adapter must match it, and all must agree on
 * everything else observed too (full Content-Type, Vary, Content-Length,
 * onError events). An auth failure answered to a plain GET is also asked for
 * with HEAD (same status and headers, no body: rule 13) and by a client that
 * accepts only application/json; on Express, a thrown value also goes through
 * next(err). Rule numbers refer to docs/conformance.md.
 */
import type { AuthErrorEvent } from '@auth-errors/core/adapter';
import * as expressAdapter from '@auth-errors/express';
import * as fastifyAdapter from '@auth-errors/fastify';
import * as koaAdapter from '@auth-errors/koa';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Flavor, flavors, fourApps } from './support/apps.js';
import {
  contractCases,
  createFixtures,
  type Expected,
  expectationOf,
  expectEvents,
  expectResponse,
  isErrorCase,
  jsonVariant,
  requestOf,
  secretsOf,
  slugOf,
} from './support/contract-cases.js';
import { headerLines, type RawRequest, type RawResponse, rawRequest } from './support/http.js';
import { guardOptionCases, refusal, rendererOptionCases } from './support/option-cases.js';

const apps = fourApps();
beforeAll(async () => apps.start(await createFixtures()));
afterAll(() => apps.stop());

/** The request itself, and the variants of it that must be answered alike. */
function variantsOf(request: RawRequest, e: Expected, flavor: Flavor, thrown: boolean): [RawRequest, Expected][] {
  const variants: [RawRequest, Expected][] = [[request, e]];
  const plainGet = request.method === undefined && !(request.headers ?? []).some(([n]) => /^accept$/i.test(n));
  if (plainGet && e.cacheControl === 'no-store') {
    variants.push([{ ...request, method: 'HEAD' }, e]);
    variants.push([
      { ...request, headers: [...(request.headers ?? []), ['Accept', 'application/json']] },
      jsonVariant(e),
    ]);
  }
  if (thrown && flavor.startsWith('express')) variants.push([{ ...request, path: `${request.path}?via=next` }, e]);
  return variants;
}

interface Observed {
  status: number;
  headers: Record<string, string[]>;
  body: string;
  events: string[];
}

/** Everything observable, minus what differs by nature (Date, Connection, Express's X-Powered-By and ETag). */
function observe(res: RawResponse, events: readonly AuthErrorEvent[]): Observed {
  const headers: Record<string, string[]> = {};
  for (const [name] of res.headers) {
    if (['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-powered-by', 'etag'].includes(name)) continue;
    headers[name] = headerLines(res, name);
  }
  return {
    status: res.status,
    headers,
    body: res.body,
    events: events.map((e) => `${e.method} ${e.path} ${e.status} ${e.code} ${e.scheme ?? '-'}`),
  };
}

describe.each(contractCases)('$name', (c) => {
  const seen = new Map<Flavor, Observed>();

  it.each(flavors)('%s', async (flavor) => {
    const app = apps.get(flavor);
    const f = apps.fixtures;
    const request = requestOf(c, f);
    for (const [variant, e] of variantsOf(request, expectationOf(c, f), flavor, isErrorCase(c))) {
      app.events.length = 0;
      const res = await rawRequest(app.port, variant);
      const method = variant.method ?? 'GET';
      expectResponse(res, e, method);
      expectEvents(app.events, e, method, variant.path);
      if (res.status >= 400 && e.passedOn === undefined) {
        // Never a credential, a password or internals in what the client sees.
        const text = res.headers.map(([n, v]) => `${n}: ${v}`).join('\n') + res.body;
        for (const secret of secretsOf(c, variant, f)) expect(text, secret).not.toContain(secret);
      }
      if (variant === request) seen.set(flavor, observe(res, app.events));
    }
  });

  it('is identical on all four adapters', () => {
    expect(seen.size).toBe(flavors.length);
    const [first, ...rest] = [...seen.entries()];
    for (const [flavor, got] of rest)
      expect({ flavor, ...got }).toEqual({ flavor, ...(first as [Flavor, Observed])[1] });
  });
});

describe('configuration is refused when the middleware is created, naming the option', () => {
  describe.each([
    ['express', expressAdapter],
    ['koa', koaAdapter],
  ] as const)('%s', (_name, kit) => {
    it.each([
      ...rendererOptionCases.map(
        ([name, options, names]) => [name, () => kit.authErrors(options as never), names] as const,
      ),
      ...guardOptionCases.map(([name, create, names]) => [name, () => create(kit), names] as const),
    ])('%s', (_case, create, names) => {
      const error = refusal(create);
      expect(error.message).toMatch(names);
      expect(error.message).toMatch(/^auth-errors: /);
      for (const control of ['\r', '\n', '\u0000']) expect(error.message).not.toContain(control);
    });
  });
});

describe('Fastify: configuration is refused when the application starts, naming the option', () => {
  /** Fastify hands a plugin registered with `null` options an empty object: nothing to refuse there. */
  const FASTIFY_FORCED = new Set(['options null']);
  const expectNamed = (error: unknown, names: RegExp) => {
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toMatch(names);
    expect((error as TypeError).message).toMatch(/^auth-errors: /);
    for (const control of ['\r', '\n', '\u0000']) expect((error as TypeError).message).not.toContain(control);
  };

  it.each(
    rendererOptionCases.filter(([name]) => !FASTIFY_FORCED.has(name)),
  )('authErrors: %s', async (_case, options, names) => {
    const register = Fastify().register(fastifyAdapter.authErrors, options as never);
    expectNamed(
      await register.then(
        () => undefined,
        (error: unknown) => error,
      ),
      names,
    );
  });

  it.each(guardOptionCases)('%s', (_case, create, names) => {
    expectNamed(
      refusal(() => create(fastifyAdapter as never)),
      names,
    );
  });
});

it('names every case once, and every thrown value has a route of its own', () => {
  const names = contractCases.map((c) => c.name);
  expect(new Set(names).size).toBe(names.length);
  const slugs = contractCases.filter(isErrorCase).map(slugOf);
  expect(new Set(slugs).size).toBe(slugs.length);
});
