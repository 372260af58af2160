// The physical limit: node:http writing one precomputed 401 problem response.
import { createServer } from 'node:http';
import { CHALLENGE, listen } from './shared.mjs';

const body = Buffer.from('{"type":"about:blank","title":"Unauthorized","status":401}');
const headers = {
  'content-type': 'application/problem+json',
  'content-length': body.length,
  'www-authenticate': CHALLENGE,
  'cache-control': 'no-store',
};
listen(createServer((_req, res) => res.writeHead(401, headers).end(body)));
