/**
 * Helpers of this example's tests (`start.ts` starts it as a user does): the
 * app served in process at a known base URL, a raw HTTP request for
 * header values no client library sends, and the MCP SDK client's side (an
 * OAuth provider for the demo app, a fetch that records what the SDK asks).
 */
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { createApp } from '../app.js';
import type { Config } from '../config.js';

export interface ServedMcp {
  /** Where the test reaches it: http://127.0.0.1:port. */
  readonly url: string;
  /** What the app was told clients use (PUBLIC_URL, or the local URL). */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** The app in this process on a free port of 127.0.0.1; `baseUrl` defaults to that address, as server.js does. */
export async function serveMcp(config: Config, publicUrl?: string): Promise<ServedMcp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseUrl = publicUrl ?? url;
  server.on('request', await createApp({ ...config, baseUrl }));
  return {
    url,
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * One request written on a socket, byte for byte (latin1), for header values
 * that fetch and node:http refuse to send. Resolves with the status code.
 */
export function rawStatus(url: string, head: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(Buffer.from(head, 'latin1')));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (status) resolve(Number(status[1]));
      else reject(new Error(`no HTTP response: ${JSON.stringify(received.slice(0, 200))}`));
    });
  });
}

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly wwwAuthenticate: string | null;
  readonly body: string | undefined;
}

/** A fetch for the SDK client that records every request it makes and what came back. */
export function recordingFetch(): { fetch: typeof fetch; requests: Recorded[] } {
  const requests: Recorded[] = [];
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    requests.push({
      method: init?.method ?? 'GET',
      url: String(input instanceof Request ? input.url : input),
      status: response.status,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      body: typeof init?.body === 'string' || init?.body instanceof URLSearchParams ? String(init.body) : undefined,
    });
    return response;
  };
  return { fetch: recording, requests };
}

/**
 * An OAuth provider for the SDK client: the demo authorization server's
 * pre-registered public app. Its "browser" follows the authorization URL the
 * SDK builds (the demo signs in nobody and redirects at once) and keeps the
 * code for `transport.finishAuth(code)`.
 */
export class DemoAppProvider implements OAuthClientProvider {
  readonly authorizationUrls: URL[] = [];
  code: string | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  #client: OAuthClientInformationMixed = { client_id: 'demo-app' };

  get redirectUrl(): string {
    return 'http://127.0.0.1:9/callback'; // never contacted: the code is read from the redirect
  }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'auth-errors tests', redirect_uris: [this.redirectUrl], token_endpoint_auth_method: 'none' };
  }
  clientInformation(): OAuthClientInformationMixed {
    return this.#client;
  }
  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.#client = client;
  }
  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }
  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }
  codeVerifier(): string {
    return this.#verifier;
  }
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url);
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'http://invalid/');
    this.code = location.searchParams.get('code') ?? undefined;
  }
}
