/**
 * `publicUrl` for the RFC 9728 metadata: behind a proxy, a TLS terminator or a
 * path prefix, the identifier, the document and the metadata URL are built
 * from the configured public URL, never from what the server sees.
 * Rule numbers refer to docs/conformance.md.
 */

import { describe, expect, it } from 'vitest';
import { challenge } from '../../../test/support/challenge-lines.js';
import { createRenderer } from '../src/adapter.js';
import { createResourceMetadata } from '../src/api/resource-metadata.js';
import { credentialsRequired } from '../src/index.js';

describe('createResourceMetadata with publicUrl (rule 57)', () => {
  it('joins the resource path to the public URL: identifier, metadata URL, served path, document', () => {
    const metadata = createResourceMetadata({
      publicUrl: 'https://mcp.example.com',
      resource: '/mcp',
      authorizationServers: ['https://as.example'],
    });
    expect(metadata.url).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect(metadata.path).toBe('/.well-known/oauth-protected-resource/mcp');
    expect(metadata.respond({ method: 'GET', url: metadata.path })?.body).toBe(
      '{"resource":"https://mcp.example.com/mcp","authorization_servers":["https://as.example"],"bearer_methods_supported":["header"]}',
    );
  });

  it('keeps a path prefix (the proxy mounts the server under /tools), with or without its trailing slash', () => {
    for (const publicUrl of ['https://example.com/tools', 'https://example.com/tools/']) {
      const metadata = createResourceMetadata({ publicUrl, resource: '/mcp' });
      expect(metadata.document.resource).toBe('https://example.com/tools/mcp');
      expect(metadata.url).toBe('https://example.com/.well-known/oauth-protected-resource/tools/mcp');
      // Served at the public path: the proxy forwards the well-known URL as it is.
      expect(metadata.path).toBe('/.well-known/oauth-protected-resource/tools/mcp');
    }
  });

  it('the identifier is in the form new URL() gives it (lower-case host), and the challenge points at its document', () => {
    const metadata = createResourceMetadata({ publicUrl: 'HTTPS://MCP.Example.COM:443', resource: '/mcp' });
    expect(metadata.document.resource).toBe('https://mcp.example.com/mcp');
    const response = createRenderer({ resourceMetadata: metadata.url, onError: () => {} })(
      credentialsRequired({ scheme: 'Bearer' }),
      { method: 'POST', url: '/mcp' },
    );
    expect(response?.headers['www-authenticate']).toEqual([
      challenge.bearer({ resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp' }),
    ]);
  });

  it('allows http for localhost only, as for resource', () => {
    expect(createResourceMetadata({ publicUrl: 'http://127.0.0.1:3000', resource: '/mcp' }).url).toBe(
      'http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp',
    );
  });

  it.each([
    [{ publicUrl: 'http://mcp.example.com', resource: '/mcp' }, 'publicUrl'],
    [{ publicUrl: 'https://mcp.example.com?x=1', resource: '/mcp' }, 'publicUrl'],
    [{ publicUrl: 'mcp.example.com', resource: '/mcp' }, 'publicUrl'],
    [{ publicUrl: 'https://mcp.example.com', resource: 'https://mcp.example.com/mcp' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: 'mcp' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: '//evil.example/mcp' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: '/a/../mcp' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: '/m cp' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: '/mcp?x=1' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: '/mcp#top' }, 'resource'],
    [{ publicUrl: 'https://mcp.example.com', resource: undefined }, 'resource'],
  ])('refuses %j with a TypeError naming %s', (options, option) => {
    expect(() => createResourceMetadata(options as never)).toThrow(TypeError);
    expect(() => createResourceMetadata(options as never)).toThrow(new RegExp(`"${option}"`));
  });
});
