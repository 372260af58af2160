/**
 * Apps mounted under a prefix: Express rewrites req.url inside a sub-app, so
 * the adapter must report req.originalUrl (the path the client sent) in
 * `instance` and to onError, and read a query token from it.
 */
import { type AuthErrorEvent, authErrors, authOf, bearerAuth } from '@auth-errors/express';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';

describe('a sub-app mounted at /v1', () => {
  const events: AuthErrorEvent[] = [];
  const api = express.Router();
  api.get(
    '/orders',
    bearerAuth({ verify: (token) => token === 'good-token-123', methods: { query: true } }),
    (req, res) => res.json({ ok: true, via: authOf(req)?.via }),
  );
  const app = express();
  app.use('/v1', api);
  app.use(authErrors({ instance: true, onError: (event) => events.push(event) }));

  it('reports the full path in instance and onError, never the query', async () => {
    events.length = 0;
    const res = await request(app).get('/v1/orders?page=2');
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).instance).toBe('/v1/orders');
    expect(events.map((e) => e.path)).toEqual(['/v1/orders']);
  });

  it('reads a query token through the mount point', async () => {
    const res = await request(app).get('/v1/orders?access_token=good-token-123');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, via: 'query' });
    expect(res.headers['cache-control']).toBe('private');
  });
});
