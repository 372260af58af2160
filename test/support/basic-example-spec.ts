/**
 * The outside contract of the Basic examples (DESIGN.md, "Examples"), run
 * against both express-basic and koa-basic.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, challenges, type StartedExample, startExample } from './examples.js';

const BASIC = 'Basic realm="example", charset="UTF-8"';
const UNAUTHORIZED = { type: 'about:blank', title: 'Unauthorized', status: 401 };
const INVALID_CREDENTIALS = {
  type: 'https://auth-errors.dev/problems/invalid-credentials',
  title: 'Invalid credentials',
  status: 401,
  detail: 'The user name or password is incorrect',
  code: 'invalid_credentials',
};

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

type Handler = Parameters<typeof request>[0];

export function describeBasicExample(name: string, createHandler: () => Handler): void {
  describe(`${name}: routes`, () => {
    let handler: Handler;
    beforeAll(() => {
      handler = createHandler();
    });
    const get = (path: string) => request(handler).get(path);

    it('GET /public is 200 for anyone', async () => {
      const res = await get('/public');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Anyone can read this.' });
    });

    it('GET /me without credentials is 401 with the Basic challenge and an about:blank problem', async () => {
      const res = await get('/me');
      expect(res.status).toBe(401);
      expect(challenges(res)).toEqual([BASIC]);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(res.text)).toEqual(UNAUTHORIZED);
    });

    it('GET /me with a Bearer token is the same 401: Basic is the only scheme here', async () => {
      const res = await get('/me').set('Authorization', 'Bearer abc');
      expect(res.status).toBe(401);
      expect(challenges(res)).toEqual([BASIC]);
      expect(JSON.parse(res.text)).toEqual(UNAUTHORIZED);
    });

    it('GET /me as alice is 200 with her principal', async () => {
      const res = await get('/me').set('Authorization', basic('alice', 'wonderland'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: 'alice', roles: [] });
    });

    it('a wrong password and an unknown user get the identical 401, which never echoes the password', async () => {
      const wrong = await get('/me').set('Authorization', basic('alice', 'looking-glass'));
      const unknown = await get('/me').set('Authorization', basic('mallory', 'wonderland'));
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(challenges(res)).toEqual([BASIC]);
        expect(JSON.parse(res.text)).toEqual(INVALID_CREDENTIALS);
        expect(res.text).not.toContain('looking-glass');
        expect(res.text).not.toContain('mallory');
      }
    });

    it('GET /admin as alice is 403 forbidden with no challenge', async () => {
      const res = await get('/admin').set('Authorization', basic('alice', 'wonderland'));
      expect(res.status).toBe(403);
      expect(challenges(res)).toEqual([]);
      expect(JSON.parse(res.text)).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403 });
    });

    it('GET /admin as admin is 200', async () => {
      const res = await get('/admin').set('Authorization', basic('admin', 'correct horse battery staple'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Hello, administrator.' });
    });
  });

  describe(`${name}: npm start`, () => {
    let example: StartedExample;
    beforeAll(async () => {
      example = await startExample(name);
    });
    afterAll(() => example?.stop());

    it('serves the contract on the printed address', async () => {
      expect((await call(`${example.url}/public`)).status).toBe(200);
      const anonymous = await call(`${example.url}/me`);
      expect(anonymous).toMatchObject({ status: 401, challenge: BASIC, body: UNAUTHORIZED });
      const admin = await call(`${example.url}/admin`, {
        headers: { authorization: basic('admin', 'correct horse battery staple') },
      });
      expect(admin.status).toBe(200);
      expect(example.output()).toContain('curl -i');
    });
  });
}
