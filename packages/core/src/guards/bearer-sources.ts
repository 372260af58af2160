/** Where a Bearer guard finds tokens: the Authorization header, and the query and form body when enabled (RFC 6750 §2). */
import { type AuthorizationCredentials, readAuthorization } from '../credentials/authorization.js';
import type { AuthRequest } from '../request/request.js';

export interface BearerSources {
  readonly authorization: AuthorizationCredentials | undefined;
  readonly query: string[] | undefined;
  readonly body: string[] | undefined;
}

export function bearerSources(
  request: AuthRequest,
  methods: { readonly query: boolean; readonly body: boolean } | undefined,
): BearerSources {
  const authorization = readAuthorization(request.authorization);
  let query: string[] | undefined;
  if (methods?.query === true) {
    const mark = request.url.indexOf('?');
    if (mark !== -1) query = new URLSearchParams(request.url.slice(mark + 1)).getAll('access_token');
  }
  let body: string[] | undefined;
  const form = request.contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
  if (methods?.body === true && form && request.method !== 'GET' && request.method !== 'HEAD') {
    const value = (request.body as Record<string, unknown> | undefined)?.access_token;
    if (typeof value === 'string') body = [value];
    else if (Array.isArray(value)) body = value.map(String);
  }
  return { authorization, query, body };
}
