// Rule numbers refer to docs/conformance.md.

import { describe, expect, it } from 'vitest';
import { createResourceMetadata } from '../src/api/resource-metadata.js';

describe('createResourceMetadata (RFC 9728)', () => {
  it('inserts the well-known segment between host and path, and serves the rule 57 document exactly', () => {
    const metadata = createResourceMetadata({
      resource: 'https://rs.example/api',
      authorizationServers: ['https://as.example'],
    });
    expect(metadata.url).toBe('https://rs.example/.well-known/oauth-protected-resource/api');
    expect(metadata.path).toBe('/.well-known/oauth-protected-resource/api');
    const response = metadata.respond({ method: 'GET', url: metadata.path });
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'content-length': '122', 'cache-control': 'public, max-age=3600' },
      vary: [],
      expose: [],
      remove: [],
      body: '{"resource":"https://rs.example/api","authorization_servers":["https://as.example"],"bearer_methods_supported":["header"]}',
    });
    expect(Buffer.byteLength(response?.body ?? '')).toBe(122);
  });

  it('uses the bare well-known path for a resource at the root, and keeps the identifier exactly as configured', () => {
    const metadata = createResourceMetadata({ resource: 'https://rs.example/', scopesSupported: ['orders:read'] });
    expect(metadata.url).toBe('https://rs.example/.well-known/oauth-protected-resource');
    expect(metadata.document).toEqual({
      resource: 'https://rs.example/',
      scopes_supported: ['orders:read'],
      bearer_methods_supported: ['header'],
    });
  });

  it('answers GET and HEAD on its path only (query ignored), and nothing else', () => {
    const metadata = createResourceMetadata({ resource: 'https://rs.example/api', resourceName: 'Orders' });
    expect(metadata.respond({ method: 'HEAD', url: metadata.path })?.body).toBe('');
    expect(metadata.respond({ method: 'get', url: `${metadata.path}?x=1` })?.status).toBe(200);
    expect(metadata.respond({ method: 'POST', url: metadata.path })).toBeUndefined();
    expect(metadata.respond({ method: 'GET', url: '/.well-known/oauth-protected-resource' })).toBeUndefined();
    expect(metadata.respond({ method: 'GET', url: '/api' })).toBeUndefined();
  });

  it.each([
    [{ resource: 'http://rs.example/api' }, 'resource'],
    [{ resource: 'https://rs.example/api#x' }, 'resource'],
    [{ resource: 'https://rs.example/api?x=1' }, 'resource'],
    [{ resource: '/api' }, 'resource'],
    [{ resource: 'https://rs.example', authorizationServers: ['as.example'] }, 'authorizationServers'],
    [{ resource: 'https://rs.example', scopesSupported: ['a b'] }, 'scopesSupported'],
    [{ resource: 'https://rs.example', bearerMethodsSupported: ['cookie'] }, 'bearerMethodsSupported'],
    [{ resource: 'https://rs.example', resourceName: '' }, 'resourceName'],
    [{ resource: 'https://rs.example', resourceName: 42 }, 'resourceName'],
    [{ resource: 'https://rs.example', authorizationServers: 'https://as.example' }, 'authorizationServers'],
    [{ resource: 'https://rs.example', authorizationServers: ['http://as.example'] }, 'authorizationServers'],
    [{ resource: 'https://rs.example', scopesSupported: 'orders:read' }, 'scopesSupported'],
    [{ resource: 'https://rs.example', scopesSupported: ['orders:read', 7] }, 'scopesSupported'],
    [{ resource: 'https://rs.example', bearerMethodsSupported: 'header' }, 'bearerMethodsSupported'],
    [{ resource: 'https://rs.example', bearerMethodsSupported: ['header', 'cookie'] }, 'bearerMethodsSupported'],
    [{ resource: 'https://rs.example', resourceDocumentation: 'docs.example/api' }, 'resourceDocumentation'],
    [
      { resource: 'https://rs.example', resourceDocumentation: 'https://docs.example/api#auth' },
      'resourceDocumentation',
    ],
    [{ resource: 42 }, 'resource'],
  ])('refuses %j with a TypeError naming %s', (options, option) => {
    expect(() => createResourceMetadata(options as never)).toThrow(TypeError);
    expect(() => createResourceMetadata(options as never)).toThrow(new RegExp(`"${option}"`));
  });

  it.each([null, 'https://rs.example', 42])('refuses options that are not an object (%j), naming them', (options) => {
    expect(() => createResourceMetadata(options as never)).toThrow(
      new TypeError('auth-errors: resource metadata options must be an object'),
    );
  });

  it('allows http for a local resource, for development', () => {
    expect(createResourceMetadata({ resource: 'http://localhost:3000/api' }).url).toBe(
      'http://localhost:3000/.well-known/oauth-protected-resource/api',
    );
    expect(createResourceMetadata({ resource: 'http://127.0.0.1:3000/' }).url).toBe(
      'http://127.0.0.1:3000/.well-known/oauth-protected-resource',
    );
    expect(createResourceMetadata({ resource: 'http://[::1]:3000/api' }).document.resource).toBe(
      'http://[::1]:3000/api',
    );
    expect(() => createResourceMetadata({ resource: 'http://localhost.example/api' })).toThrow(/"resource"/);
  });

  it('serves every optional member as configured; documentation may be http (a page, not an endpoint)', () => {
    const metadata = createResourceMetadata({
      resource: 'https://rs.example/api',
      authorizationServers: ['https://as.example', 'http://localhost:8080/realms/dev'],
      scopesSupported: ['orders:read', 'orders:write'],
      bearerMethodsSupported: ['header', 'body', 'query'],
      resourceName: 'Orders',
      resourceDocumentation: 'http://docs.example/orders',
    });
    expect(metadata.document).toEqual({
      resource: 'https://rs.example/api',
      authorization_servers: ['https://as.example', 'http://localhost:8080/realms/dev'],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header', 'body', 'query'],
      resource_name: 'Orders',
      resource_documentation: 'http://docs.example/orders',
    });
    expect(JSON.parse(metadata.respond({ method: 'GET', url: metadata.path })?.body ?? '')).toEqual(metadata.document);
  });

  it('a request without a method or URL is not for the document, and does not throw', () => {
    const metadata = createResourceMetadata({ resource: 'https://rs.example/' });
    expect(metadata.respond({} as never)).toBeUndefined();
    expect(metadata.respond(undefined as never)).toBeUndefined();
    expect(metadata.respond({ method: 'GET' } as never)).toBeUndefined();
  });
});
