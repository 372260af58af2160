/** Shared by the Koa tests: both Koa majors, a server per test, closed afterwards. */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import Koa from 'koa';
import { afterEach } from 'vitest';

export { basic, header, headerLines, type RawResponse, rawRequest } from '../../../test/raw-http.js';

const require = createRequire(import.meta.url);
/** koa@2 under its npm alias; its API is typed as the current major's. */
const Koa2 = require('koa2') as typeof Koa;

/** `describe.each(koaVersions)`: every Koa test runs on Koa 3 and on Koa 2. */
export const koaVersions: readonly (readonly [string, typeof Koa])[] = [
  ['Koa 3', Koa],
  ['Koa 2', Koa2],
];

const servers = new Set<Server>();

afterEach(async () => {
  await Promise.all(
    [...servers].map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
  servers.clear();
});

/** Listens on a loopback port; the server is closed after the current test. */
export async function serve(app: Koa): Promise<number> {
  const server = createServer(app.callback());
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

export const PROBLEM = 'application/problem+json';
export const UNAUTHORIZED = {
  type: 'https://auth-errors.dev/problems/credentials-required',
  title: 'Credentials required',
  status: 401,
  detail: 'Authentication is required to access this resource',
  code: 'credentials_required',
};
export const FORBIDDEN = {
  type: 'https://auth-errors.dev/problems/forbidden',
  title: 'Forbidden',
  status: 403,
  detail: 'You are not allowed to perform this request',
  code: 'forbidden',
};
export { DEFAULT_TYPE_BASE as TYPE_BASE } from '@auth-errors/core/adapter';
