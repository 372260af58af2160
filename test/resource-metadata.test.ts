/**
 * RFC 9728 through the adapters: resourceMetadata() serves the document at its
 * well-known path on every framework, and its `.url` in authErrors() puts
 * `resource_metadata` in the Bearer challenge (docs/conformance.md rules 56 and 57).
 */
import { createRequire } from 'node:module';
import * as expressAuth from '@auth-errors/express';
import * as koaAuth from '@auth-errors/koa';
import express from 'express';
import Koa from 'koa';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { challenges } from './support/examples.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express;
const Koa2 = require('koa2') as typeof Koa;

const options = { resource: 'https://rs.example/api', authorizationServers: ['https://as.example'] };
const DOCUMENT = {
  resource: 'https://rs.example/api',
  authorization_servers: ['https://as.example'],
  bearer_methods_supported: ['header'],
};

function expressApp(make: typeof express) {
  const app = make();
  const metadata = expressAuth.resourceMetadata(options);
  app.use(metadata);
  app.get('/api/orders', expressAuth.bearerAuth({ verify: () => false }), (_req, res) => res.json([]));
  app.use(expressAuth.authErrors({ resourceMetadata: metadata.url }));
  return app;
}

function koaApp(Make: typeof Koa) {
  const app = new Make();
  const metadata = koaAuth.resourceMetadata(options);
  app.use(koaAuth.authErrors({ resourceMetadata: metadata.url }));
  app.use(metadata);
  const guard = koaAuth.bearerAuth({ verify: () => false });
  app.use(async (ctx, next) => (ctx.path === '/api/orders' ? guard(ctx, next) : next()));
  return app.callback();
}

describe.each([
  ['express 5', () => expressApp(express)],
  ['express 4', () => expressApp(express4)],
  ['koa 3', () => koaApp(Koa)],
  ['koa 2', () => koaApp(Koa2)],
])('%s', (_name, build) => {
  it('serves the metadata document at /.well-known/oauth-protected-resource/api', async () => {
    const res = await request(build()).get('/.well-known/oauth-protected-resource/api');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(JSON.parse(res.text)).toEqual(DOCUMENT);
  });

  it('answers HEAD with the headers and no body', async () => {
    const res = await request(build()).head('/.well-known/oauth-protected-resource/api');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(JSON.stringify(DOCUMENT).length));
    expect(res.text ?? '').toBe('');
  });

  it('points every Bearer challenge at it', async () => {
    const res = await request(build()).get('/api/orders');
    expect(res.status).toBe(401);
    expect(challenges(res)).toEqual([
      'Bearer realm="api", resource_metadata="https://rs.example/.well-known/oauth-protected-resource/api"',
    ]);
  });
});
