/**
 * The matchers in vitest, on what real clients return from real servers on
 * 127.0.0.1: supertest and fetch against an Express app behind auth-errors
 * (every assertion passes) and against a hand-written server with the
 * mistakes the matchers exist to catch (each fails, and the message says
 * why and shows the challenge lines found). Plain `{ status, headers, body }`
 * objects, Fastify `inject()`-shaped ones, and values that are not responses.
 * Rule numbers refer to docs/conformance.md.
 */
import '@auth-errors/testing/vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authErrors, bearerAuth, requireAuth, requireScopes } from '@auth-errors/express';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function apiApp() {
  const app = express();
  const bearer = bearerAuth({ verify: (token) => (token === 'good' ? { scopes: ['orders:read'] } : false) });
  const down = bearerAuth({
    verify: () => {
      throw new Error('database down');
    },
  });
  app.get('/orders', bearer, requireScopes('orders:read'), (_req, res) => res.json([]));
  app.post('/orders', bearer, requireScopes('orders:write'), (_req, res) => res.status(201).end());
  app.get(
    '/admin',
    bearer,
    requireAuth(() => false),
    (_req, res) => res.end(),
  );
  app.get('/down', down, (_req, res) => res.end());
  app.use(authErrors({ schemes: ['Basic', 'Bearer'], onError: () => {} }));
  return app;
}

/** The common hand-written answers, each with a defect the matchers must report. */
const HAND_WRITTEN: Record<string, { status: number; headers: [string, string][]; body: string }> = {
  '/one-line': {
    status: 401,
    headers: [
      ['WWW-Authenticate', 'Bearer realm="api", Basic realm="api"'],
      ['Content-Type', 'application/json'],
    ],
    body: '{"error":"unauthorized"}',
  },
  '/no-challenge': { status: 401, headers: [['Content-Type', 'text/plain']], body: 'Unauthorized' },
  '/basic-on-403': {
    status: 403,
    headers: [
      ['WWW-Authenticate', 'Basic realm="admin"'],
      ['Content-Type', 'application/problem+json'],
    ],
    body: '{"type":"about:blank","title":"Forbidden","status":403}',
  },
  '/expired-as-403': {
    status: 403,
    headers: [['WWW-Authenticate', 'Bearer realm="api", error="invalid_token"']],
    body: '',
  },
  '/scope-on-401': {
    status: 401,
    headers: [['WWW-Authenticate', 'Bearer realm="api", error="insufficient_scope", scope="orders:write"']],
    body: '',
  },
  '/bws': { status: 401, headers: [['WWW-Authenticate', 'Bearer realm = "api"']], body: '' },
  '/status-mismatch': {
    status: 401,
    headers: [
      ['WWW-Authenticate', 'Bearer realm="api"'],
      ['Content-Type', 'application/problem+json; charset=utf-8'],
    ],
    body: '{"type":"https://example.com/p","title":"No","status":"403","detail":7}',
  },
};

function handWritten() {
  return createServer((req, res) => {
    const answer = HAND_WRITTEN[req.url ?? ''] ?? { status: 404, headers: [], body: '' };
    res.writeHead(answer.status, answer.headers.flat()).end(answer.body);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The message of the assertion error `assertion` throws (it must throw). */
function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

async function asyncFailureOf(assertion: () => unknown): Promise<string> {
  try {
    await assertion();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

let api: string;
let bad: string;
const servers: Server[] = [];
beforeAll(async () => {
  servers.push(apiApp().listen(0, '127.0.0.1'), handWritten());
  await new Promise<void>((resolve) => (servers[0] as Server).once('listening', resolve));
  api = `http://127.0.0.1:${((servers[0] as Server).address() as AddressInfo).port}`;
  bad = await listen(servers[1] as Server);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('on an API behind auth-errors, every assertion passes', () => {
  it('supertest: no credentials is a 401 with both challenges, one per line (rules 14 and 25)', async () => {
    const res = await request(api).get('/orders');
    expect(res).toBeUnauthorized();
    expect(res).toHaveChallenge('Basic');
    expect(res).toHaveChallenge({ scheme: 'bearer', realm: 'api', error: undefined }); // rule 38: no error
    expect(res).toHaveChallenges([{ scheme: 'Basic', charset: 'UTF-8' }, 'Bearer']);
    expect(res).toBeProblem({ code: 'credentials_required', status: 401, detail: expect.any(String) });
    expect(res).not.toBeForbidden();
  });

  it('supertest: a refused token is a 401 invalid_token (rule 40)', async () => {
    const res = await request(api).get('/orders').set('Authorization', 'Bearer nope');
    expect(res).toBeUnauthorized();
    expect(res).toHaveChallenge({
      scheme: 'Bearer',
      error: 'invalid_token',
      error_description: expect.stringContaining('token'),
    });
    expect(res).toBeProblem({ code: 'invalid_token', type: 'https://auth-errors.dev/problems/invalid-token' });
  });

  it('supertest: a missing scope is a 403 whose one challenge names it (rules 17 and 41)', async () => {
    const res = await request(api).post('/orders').set('Authorization', 'Bearer good');
    expect(res).toBeForbidden();
    expect(res).toHaveChallenges([{ scheme: 'Bearer', error: 'insufficient_scope', scope: ['orders:write'] }]);
    expect(res).toBeProblem({ code: 'insufficient_scope', requiredScopes: ['orders:write'] });
    expect(res).not.toBeUnauthorized();
  });

  it('supertest: a policy denial is a 403 with no challenge at all (rule 15)', async () => {
    const res = await request(api).get('/admin').set('Authorization', 'Bearer good');
    expect(res).toBeForbidden();
    expect(res).not.toHaveChallenge();
    expect(res).toBeProblem({ code: 'forbidden' });
  });

  it('supertest: an outage is a 503 problem, neither 401 nor 403 (rule 51)', async () => {
    const res = await request(api).get('/down').set('Authorization', 'Bearer good');
    expect(res).not.toBeUnauthorized();
    expect(res).not.toBeForbidden();
    expect(res).not.toHaveChallenge();
    expect(res).toBeProblem({ code: 'auth_unavailable', status: 503 });
  });

  it('fetch: the same assertions; the body is read from a clone, so the test can still read it', async () => {
    const res = await fetch(`${api}/orders`);
    expect(res).toBeUnauthorized();
    // fetch joins the two lines into one value: the list of challenges is compared.
    expect(res).toHaveChallenges(['Basic', 'Bearer']);
    await expect(res).toBeProblem({ code: 'credentials_required' });
    expect(((await res.json()) as { code: string }).code).toBe('credentials_required');
  });

  it('a plain { status, headers, body }: headers as an object, as [name, value] lines, or a Headers', () => {
    const body = {
      type: 'https://auth-errors.dev/problems/forbidden',
      title: 'Forbidden',
      status: 403,
      code: 'forbidden',
    };
    const contentType = 'application/problem+json';
    for (const headers of [
      { 'Content-Type': contentType },
      [['content-type', contentType]],
      new Headers({ 'content-type': contentType }),
    ]) {
      expect({ status: 403, headers, body }).toBeForbidden();
      expect({ status: 403, headers, body: JSON.stringify(body) }).toBeProblem({ code: 'forbidden' });
    }
    const lines = { 'www-authenticate': ['Basic realm="api", charset="UTF-8"', 'Bearer realm="api"'] };
    expect({ status: 401, headers: lines }).toHaveChallenges(['Basic', 'Bearer']);
  });

  it('a Fastify inject() result ({ statusCode, headers, body }), whose headers keep an array per line', () => {
    const injected = {
      statusCode: 401,
      headers: {
        'www-authenticate': ['Basic realm="api", charset="UTF-8"', 'Bearer realm="api"'],
        'content-type': 'application/problem+json',
      },
      body: '{"type":"https://auth-errors.dev/problems/credentials-required","title":"Credentials required","status":401,"code":"credentials_required"}',
    };
    expect(injected).toBeUnauthorized();
    expect(injected).toHaveChallenges(['Basic', 'Bearer']);
    expect(injected).toBeProblem({ code: 'credentials_required' });
  });
});

describe('on a hand-written server, each mistake fails with a message that says why and shows the lines', () => {
  it('two challenges on one line (rule 25)', async () => {
    const res = await request(bad).get('/one-line');
    expect(res).toHaveChallenge('Basic'); // the challenge is there…
    const message = failureOf(() => expect(res).toHaveChallenges(['Basic', 'Bearer'])); // …but not on a line of its own
    expect(message).toContain('line 1 holds 2 challenges: send one per line');
    expect(message).toContain('expected 2 line(s), found 1');
    expect(message).toContain('WWW-Authenticate lines found:\n  1. Bearer realm="api", Basic realm="api"');
  });

  it('a JSON body that is not a problem', async () => {
    const res = await request(bad).get('/one-line');
    const message = failureOf(() => expect(res).toBeProblem());
    expect(message).toContain('Content-Type is "application/json", expected application/problem+json');
    expect(message).toContain('received status 401, body {"error":"unauthorized"}');
  });

  it('a 401 without a challenge (rule 14), and a body that is not JSON', async () => {
    const res = await request(bad).get('/no-challenge');
    let message = failureOf(() => expect(res).toBeUnauthorized());
    expect(message).toContain('a 401 must carry at least one WWW-Authenticate challenge');
    expect(message).toContain('WWW-Authenticate lines found: none');
    message = failureOf(() => expect(res).toHaveChallenge({ scheme: 'Bearer', realm: 'api' }));
    expect(message).toContain('expected a challenge matching Bearer realm="api"');
    message = failureOf(() => expect(res).toBeProblem());
    expect(message).toContain('the body is not JSON: "Unauthorized"');
  });

  it('a Basic challenge on a 403 (rule 17)', async () => {
    const res = await request(bad).get('/basic-on-403');
    const message = failureOf(() => expect(res).toBeForbidden());
    expect(message).toContain('Basic challenge without an error asks the client to authenticate: not on a 403');
    expect(message).toContain('1. Basic realm="admin"');
    expect(res).toBeProblem({ status: 403 }); // the body itself is a fine problem
  });

  it('an expired token answered 403 (rule 40), and a 401 and 403 confused', async () => {
    const expired = await request(bad).get('/expired-as-403');
    expect(failureOf(() => expect(expired).toBeForbidden())).toContain(
      'Bearer error="invalid_token" belongs on a 401, not a 403',
    );
    expect(failureOf(() => expect(expired).toBeUnauthorized())).toContain(
      'status is 403: a 403 says the credentials are good but not enough',
    );
    const scope = await request(bad).get('/scope-on-401');
    const message = failureOf(() => expect(scope).toBeUnauthorized());
    expect(message).toContain('Bearer error="insufficient_scope" belongs on a 403, not a 401');
    expect(failureOf(() => expect(scope).toBeForbidden())).toContain(
      'status is 401: a 401 asks for (other) credentials',
    );
  });

  it('a parameter that differs: the closest challenge says which', async () => {
    const res = await request(bad).get('/scope-on-401');
    const message = failureOf(() =>
      expect(res).toHaveChallenge({
        scheme: 'Bearer',
        error: 'insufficient_scope',
        scope: ['orders:read'],
        realm: undefined,
      }),
    );
    expect(message).toContain(
      'line 1: scope is "orders:write", expected the values ["orders:read"]; realm is "api", expected it absent',
    );
  });

  it('whitespace around "=" (rule 18): every matcher fails, .not included, naming the position', async () => {
    const res = await request(bad).get('/bws');
    for (const assertion of [
      () => expect(res).toHaveChallenge('Bearer'),
      () => expect(res).not.toHaveChallenge('Basic'),
      () => expect(res).toBeUnauthorized(),
      () => expect(res).not.toBeForbidden(),
    ]) {
      const message = failureOf(assertion);
      expect(message).toContain('WWW-Authenticate line 1 is not a valid challenge list');
      expect(message).toContain('whitespace around "="');
      expect(message).toContain('1. Bearer realm = "api"');
    }
  });

  it('a problem whose members have the wrong types, and whose status is not the response’s (rules 2 and 9)', async () => {
    const res = await fetch(`${bad}/status-mismatch`);
    const message = await asyncFailureOf(() => expect(res).toBeProblem());
    expect(message).toContain('"detail" is not a string');
    expect(message).toContain('"status" is "403", but the response status is 401');
    await expect(res).not.toBeProblem();
  });

  it('members that differ from the expected ones, or that should be absent', async () => {
    const res = await request(api).get('/orders');
    const message = failureOf(() =>
      expect(res).toBeProblem({ code: 'invalid_token', instance: undefined, title: 'Credentials required' }),
    );
    expect(message).toContain('"code" is "credentials_required", expected "invalid_token"');
    expect(message).toContain('matching { code: "invalid_token", instance: (absent), title: "Credentials required" }');
    expect(message).not.toContain('"title" is');
    expect(failureOf(() => expect(res).toBeProblem({ requiredScopes: ['x'] }))).toContain('"requiredScopes" is absent');
    expect(failureOf(() => expect(res).not.toBeProblem({ code: 'credentials_required' }))).toContain(
      'expected the response not to be a problem matching { code: "credentials_required" }, but it is one:\n  received status 401',
    );
  });

  it('.not on a match says where the match is', async () => {
    const res = await request(api).get('/orders');
    expect(failureOf(() => expect(res).not.toHaveChallenge('bearer'))).toContain(
      'expected no challenge matching bearer, but line 2 has one',
    );
    expect(failureOf(() => expect(res).not.toHaveChallenge())).toContain(
      'expected no WWW-Authenticate challenge, but the response has 2',
    );
  });

  it('a fetch Response whose body was already read fails clearly', async () => {
    const res = await fetch(`${api}/orders`);
    await res.text();
    expect(await asyncFailureOf(() => expect(res).toBeProblem())).toContain(
      'the body of this fetch Response was already read',
    );
  });
});

describe('a value that is not a response fails every matcher, .not included, saying what it got', () => {
  const notResponses: [unknown, string][] = [
    [undefined, 'received undefined'],
    [null, 'received null'],
    ['HTTP/1.1 401 Unauthorized', 'received a string ("HTTP/1.1 401 Unauthorized")'],
    [401, 'received a number'],
    [{ headers: {} }, 'received an object with no numeric status'],
    [[401], 'received an array'],
    [
      { status: 401, headers: 'www-authenticate: Basic' },
      'headers must be an object, a Headers or [name, value] lines',
    ],
    [{ status: 401, headers: [['www-authenticate']] }, 'headers given as an array must be [name, value] lines'],
  ];
  it.each(notResponses)('%j', (value, found) => {
    for (const assertion of [
      () => expect(value).toHaveChallenge(),
      () => expect(value).not.toHaveChallenge(),
      () => expect(value).toHaveChallenges([]),
      () => expect(value).not.toHaveChallenges(['Basic']),
      () => expect(value).toBeProblem(),
      () => expect(value).not.toBeProblem(),
      () => expect(value).toBeUnauthorized(),
      () => expect(value).not.toBeUnauthorized(),
      () => expect(value).toBeForbidden(),
      () => expect(value).not.toBeForbidden(),
    ]) {
      const message = failureOf(assertion);
      expect(message).toContain(
        'expected a response: a supertest response, a fetch Response, or { status, headers, body }',
      );
      expect(message).toContain(found);
    }
  });

  it('a matcher given a bad expectation throws a TypeError that says what it takes', () => {
    const res = { status: 401, headers: {} };
    expect(() => expect(res).toHaveChallenge(42 as never)).toThrow(
      /toHaveChallenge: expected a scheme name or \{ scheme/,
    );
    expect(() => expect(res).toHaveChallenges('Basic' as never)).toThrow(/toHaveChallenges: expected an array/);
    expect(() => expect(res).toBeProblem('invalid_token' as never)).toThrow(
      /toBeProblem: expected an object of members/,
    );
  });
});
