/**
 * docs/options.md is generated from the options declarations: it must be what
 * the script writes from the built packages today.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optionsDocument } from '../scripts/options-doc.mjs';

describe('docs/options.md', () => {
  it('is what `npm run docs:options` writes from the declarations', async () => {
    const expected = (await optionsDocument()) as string;
    const current = readFileSync(new URL('../docs/options.md', import.meta.url), 'utf8');
    expect(current === expected, 'docs/options.md is out of date: run npm run docs:options').toBe(true);
  });

  it('lists every factory, nested paths and units', async () => {
    const document = (await optionsDocument()) as string;
    for (const title of [
      'authErrors(options)',
      'basicAuth(options)',
      'bearerAuth(options)',
      'jwtAuth(options)',
      'requireStepUp(requirement)',
      'createRemoteKeySource(url, options)',
      'createMemoryReplayStore(options)',
      'resourceMetadata(options)',
      'openApiComponents(options)',
      'createRedisReplayStore(options)',
    ]) {
      expect(document).toContain(title);
    }
    expect(document).toMatch(/\| `dpop\.nonce\.lifetime` \| integer \| s \| `300` \| 10 – 86400 \|/);
    expect(document).toMatch(/\| `jwks\.timeoutDuration` \| integer \| ms \| `5000` \| 1 – 2147483647 \|/);
    expect(document).toMatch(/\| `clockTolerance` \| integer \| s \| `30` \| 0 – 300 \|/);
  });
});
