/** What a client of this example sees, route by route, and `npm start` as a user runs it. */
import '@auth-errors/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, isAdmin } from '../app.js';
import { type Served, type Started, send, serve, startServer } from './support.js';

const TYPES = 'https://auth-errors.dev/problems/';
const BASIC = 'Basic realm="example", charset="UTF-8"';
const CREDENTIALS_REQUIRED = {
  type: `${TYPES}credentials-required`,
  title: 'Credentials required',
  status: 401,
  detail: 'Authentication is required to access this resource',
  code: 'credentials_required',
};
const INVALID_CREDENTIALS = {
  type: `${TYPES}invalid-credentials`,
  title: 'Invalid credentials',
  status: 401,
  detail: 'The user name or password is incorrect',
  code: 'invalid_credentials',
};
const FORBIDDEN = {
  type: `${TYPES}forbidden`,
  title: 'Forbidden',
  status: 403,
  detail: 'You are not allowed to perform this request',
  code: 'forbidden',
};

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('routes', () => {
  let app: Served;
  beforeAll(async () => {
    app = await serve(createApp());
  });
  afterAll(() => app?.close());

  it('GET /public is 200 for anyone', async () => {
    const res = await send(`${app.url}/public`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Anyone can read this.' });
  });

  it('GET /me without credentials is 401 with the Basic challenge', async () => {
    const res = await send(`${app.url}/me`);
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual([BASIC]);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toEqual(CREDENTIALS_REQUIRED);
  });

  it('GET /me with a Bearer token is the same 401: Basic is the only scheme here', async () => {
    const res = await send(`${app.url}/me`, { headers: { authorization: 'Bearer abc' } });
    expect(res).toBeUnauthorized();
    expect(res.challenges).toEqual([BASIC]);
    expect(res.body).toEqual(CREDENTIALS_REQUIRED);
  });

  it('GET /me as alice is 200 with her principal', async () => {
    const res = await send(`${app.url}/me`, { headers: basic('alice', 'wonderland') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: 'alice', roles: [] });
  });

  it('a wrong password and an unknown user get the identical 401, which never echoes them', async () => {
    const wrong = await send(`${app.url}/me`, { headers: basic('alice', 'looking-glass') });
    const unknown = await send(`${app.url}/me`, { headers: basic('mallory', 'wonderland') });
    for (const res of [wrong, unknown]) {
      expect(res).toBeUnauthorized();
      expect(res.challenges).toEqual([BASIC]);
      expect(res.body).toEqual(INVALID_CREDENTIALS);
      expect(res.text).not.toContain('looking-glass');
      expect(res.text).not.toContain('mallory');
    }
  });

  it('GET /admin as alice is 403 forbidden with no challenge', async () => {
    const res = await send(`${app.url}/admin`, { headers: basic('alice', 'wonderland') });
    expect(res).toBeForbidden();
    expect(res.challenges).toEqual([]);
    expect(res.body).toEqual(FORBIDDEN);
  });

  it('GET /admin as admin is 200', async () => {
    const res = await send(`${app.url}/admin`, { headers: basic('admin', 'correct horse battery staple') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Hello, administrator.' });
  });
});

describe('isAdmin, the policy of GET /admin', () => {
  const withRoles = (roles: unknown) => ({ scheme: 'Basic', principal: { user: 'u', roles }, scopes: [] });

  it("allows only a roles array that lists 'admin'", () => {
    expect(isAdmin(withRoles(['admin']))).toBe(true);
    expect(isAdmin(withRoles(['reader', 'admin']))).toBe(true);
  });

  it('denies a roles string (even one containing "admin"), other arrays, and no roles at all', () => {
    for (const roles of ['not-admin', 'admin', ['not-admin'], [], undefined, null, { includes: () => true }]) {
      expect(isAdmin(withRoles(roles)), JSON.stringify(roles)).toBe(false);
    }
    expect(isAdmin({ scheme: 'Basic', principal: { user: 'u' }, scopes: [] })).toBe(false);
    expect(isAdmin({ scheme: 'Basic', principal: undefined, scopes: [] })).toBe(false);
  });
});

describe('npm start', () => {
  let server: Started;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('prints its address and curl lines, and serves the routes there', async () => {
    expect(server.output()).toContain(`Listening on ${server.url}`);
    expect(server.output()).toContain(`curl -i ${server.url}/me`);
    expect((await send(`${server.url}/public`)).status).toBe(200);
    const anonymous = await send(`${server.url}/me`);
    expect(anonymous).toBeUnauthorized();
    expect(anonymous.challenges).toEqual([BASIC]);
    const admin = await send(`${server.url}/admin`, { headers: basic('admin', 'correct horse battery staple') });
    expect(admin.status).toBe(200);
  });
});
