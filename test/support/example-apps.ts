/**
 * The JWT examples' apps in this process, for the root suites that run them
 * side by side: each one's createApp and configFromEnv, and its app as a
 * Node request listener, as its server.js would serve it.
 */
import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';

export type ExampleName = 'express-jwt' | 'koa-jwt' | 'fastify-jwt' | 'hono-jwt';
export const EXAMPLES: readonly ExampleName[] = ['express-jwt', 'koa-jwt', 'fastify-jwt', 'hono-jwt'];

export interface ExampleModules {
  createApp(config: unknown, options?: { signal?: AbortSignal }): Promise<unknown>;
  configFromEnv(env: Record<string, string>): unknown;
}

export async function load(name: ExampleName): Promise<ExampleModules> {
  const { createApp } = (await import(`../../examples/${name}/app.js`)) as Pick<ExampleModules, 'createApp'>;
  const { configFromEnv } = (await import(`../../examples/${name}/config.js`)) as Pick<ExampleModules, 'configFromEnv'>;
  return { createApp, configFromEnv };
}

export async function listenerOf(name: ExampleName, app: unknown): Promise<RequestListener> {
  if (name === 'express-jwt') return app as RequestListener;
  if (name === 'koa-jwt') return (app as { callback(): RequestListener }).callback();
  if (name === 'hono-jwt') return getRequestListener((app as { fetch: (r: Request) => Response }).fetch);
  const fastify = app as { ready(): Promise<unknown>; routing: RequestListener };
  await fastify.ready();
  return fastify.routing;
}
