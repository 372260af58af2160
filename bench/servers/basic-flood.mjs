// The basic-flood benchmark's server: one Express 5 process with a Basic route
// whose verify is a real password hash (scrypt, as examples/express-basic
// does, about 45 ms of a thread-pool thread per attempt, the same for unknown
// users) and an ES256 JWT route (WebCrypto, the same thread pool).
// BENCH_MAX_CONCURRENT sets basicAuth's maxConcurrent ("unbounded": a bound
// no flood reaches, as before the option existed); BENCH_KEYS gives the ES256 key.
import { scrypt, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { authErrors, basicAuth, jwtAuth } from '@auth-errors/express';
import express from 'express';
import { AUDIENCE, ISSUER, listen } from './shared.mjs';

const scryptAsync = promisify(scrypt);
const salt = Buffer.from('UVHv/6C9nKfEQiCCN0XR/Q==', 'base64');
const stored = await scryptAsync('wonderland', salt, 32);

const bound = process.env.BENCH_MAX_CONCURRENT;
const maxConcurrent = bound === 'unbounded' ? 1_000_000 : bound === undefined ? undefined : Number(bound);
const { es256 } = JSON.parse(process.env.BENCH_KEYS ?? '{}');

const app = express();
const staff = basicAuth({
  maxConcurrent,
  verify: async (user, password) => {
    const derived = await scryptAsync(password, salt, 32);
    return timingSafeEqual(derived, stored) && user === 'alice';
  },
});
const bearer = jwtAuth({ key: es256, algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE });
app.get('/basic', staff, (_req, res) => res.json({ ok: true }));
app.get('/jwt', bearer, (_req, res) => res.json({ ok: true }));
app.use(authErrors({ onError: () => {} }));
listen(createServer(app));
