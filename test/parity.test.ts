/**
 * The contract table (test/support/contract-cases.ts), run against the same
 * app built on Express 5, Express 4, Koa 3, Koa 2, Fastify 5 (no difference
 * forced) and Hono (@auth-errors/fetch
 * on @hono/node-server; what the Fetch API makes it do differently is listed
 * in FETCH_FORCED and asHonoSends, with the reason). Each case states
 * what a client sees; each adapter must match it, and the four must agree on
 * everything else observed too (full Content-Type, Vary, Content-Length,
 * onError events). An auth failure answered to a plain GET is also asked for
 * with HEAD (same status and headers, no body: rule 13) and by a client that
 * accepts only application/json; on Express, a thrown value also goes through
 * next(err). Rule numbers refer to docs/conformance.md.
 */
import type { AuthErrorEvent } from '@auth-errors/core';
import * as expressAdapter from '@auth-errors/express';
import * as fastifyAdapter from '@auth-errors/fastify';
import * as fetchAdapter from '@auth-errors/fetch';
import * as koaAdapter from '@auth-errors/koa';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Flavor, flavors, fourApps } from './support/apps.js';
import {
  app as appAnswers,
  contractCases,
  createFixtures,
  type Expected,
  expectationOf,
  expectEvents,
  expectResponse,
  isErrorCase,
  jsonVariant,
  OPAQUE_PRINCIPAL,
  ok,
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

/**
 * What Hono on @hono/node-server does differently because of the Fetch API, and nothing else. Every other
 * case, and every other header of these, is held to the table and to the other adapters.
 */
const FETCH_FORCED: Readonly<Record<string, { readonly why: string; readonly expect: Expected }>> = {
  'form: a token in an urlencoded POST body': {
    why: "@auth-errors/fetch refuses the form-body method: a Request body is the application's to read; /form takes the header only",
    expect: appAnswers.unauthorized('Bearer'),
  },
  'form: header and body → invalid_request': {
    why: 'the same: the body is not read, so the header token alone authenticates',
    expect: ok('/form', { scheme: 'Bearer', principal: OPAQUE_PRINCIPAL, scopes: ['orders:read'], via: 'header' }),
  },
  'a route that set content headers, a stale challenge and Retry-After before it failed: removed; CORS stays': {
    why: "Hono answers a throw with the Response of its error handler: a route's c.header() calls, CORS included, are not on it (hono/cors around the routes decorates the problem instead)",
    expect: {
      ...appAnswers.forbidden(),
      absent: ['access-control-allow-origin', 'content-language', 'content-disposition', 'etag', 'retry-after'],
    },
  },
  'a Vary the route already set is kept, and Accept is appended': {
    why: "the same: the route's Vary: Origin is not on the problem, which varies on Accept",
    expect: { ...appAnswers.unauthorized('Bearer'), headers: { vary: 'Accept' } },
  },
  'cross-origin 403 without a challenge: nothing to expose': {
    why: "the same: the route's Access-Control-Allow-Origin is not on the problem",
    expect: { ...appAnswers.forbidden(), absent: ['access-control-expose-headers', 'access-control-allow-origin'] },
  },
};

/**
 * @hono/node-server writes response headers by iterating the Fetch Headers, which joins a repeated field with
 * ", ": the challenges, appended one per line (rule 25), arrive on one line, same challenges, same order
 * (RFC 9110 §5.3). A server that writes each appended field line sends them apart.
 */
function asHonoSends(e: Expected): Expected {
  return e.challenges.length > 1 ? { ...e, challenges: [e.challenges.join(', ')] } : e;
}

/** What another adapter sent, with its challenge lines joined as @hono/node-server joins them (see asHonoSends). */
function oneChallengeLine(o: Observed): Observed {
  const lines = o.headers['www-authenticate'];
  return lines === undefined || lines.length < 2
    ? o
    : { ...o, headers: { ...o.headers, 'www-authenticate': [lines.join(', ')] } };
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
    const forced = flavor === 'hono' ? FETCH_FORCED[c.name] : undefined;
    const expected = forced?.expect ?? expectationOf(c, f);
    for (const [variant, table] of variantsOf(request, expected, flavor, isErrorCase(c))) {
      const e = flavor === 'hono' ? asHonoSends(table) : table;
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
      if (variant === request && forced === undefined) seen.set(flavor, observe(res, app.events));
    }
  });

  it('is identical on every adapter', () => {
    // A case listed in FETCH_FORCED holds Hono to its listed answer instead.
    expect(seen.size).toBe(flavors.length - (FETCH_FORCED[c.name] === undefined ? 0 : 1));
    const [first, ...rest] = [...seen.entries()];
    const reference = (first as [Flavor, Observed])[1];
    for (const [flavor, got] of rest) {
      if (flavor === 'hono') expect({ flavor, ...got }).toEqual({ flavor, ...oneChallengeLine(reference) });
      else expect({ flavor, ...got }).toEqual({ flavor, ...reference });
    }
  });
});

describe('configuration is refused when the middleware is created, naming the option', () => {
  describe.each([
    ['express', expressAdapter],
    ['koa', koaAdapter],
    // The fetch adapter's guards come from authErrors(): the same names, on the object it returns.
    [
      'fetch',
      { ...fetchAdapter.authErrors(), authErrors: fetchAdapter.authErrors } as unknown as typeof expressAdapter,
    ],
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

it('lists Fetch-forced differences only for cases of the table, each with its reason', () => {
  const names = new Set(contractCases.map((c) => c.name));
  for (const [name, { why }] of Object.entries(FETCH_FORCED)) {
    expect(names.has(name), name).toBe(true);
    expect(why.length).toBeGreaterThan(20);
  }
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
