// Micro-benchmarks of the core's hot functions (tinybench), and how the cost
// of parsing Authorization grows with header length: ns per byte must stay
// flat from 1 KB to 64 KB (linear time), whatever the input's shape.

import { credentialsRequired, insufficientScope, invalidToken } from '@auth-errors/core';
import { createRenderer } from '@auth-errors/core/adapter';
import { Bench } from 'tinybench';
import { createChallengeFormatter, decodeBasic, findBearerToken, readAuthorization } from './core-internals.mjs';
import { saveSection } from './results.mjs';

const render = createRenderer({ schemes: ['Basic', 'Bearer'] });
const formatter = createChallengeFormatter({ realm: 'api' });
const facts = { method: 'GET', url: '/orders?page=2', accept: undefined };
const jsonFacts = { method: 'GET', url: '/orders', accept: 'application/json' };
const missing = credentialsRequired();
const expired = invalidToken({ detail: 'The access token expired' });
const scope = insufficientScope(['orders:write']);
const bearer = ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl'];
const basic = ['Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='];

const bench = new Bench({ time: 500 });
bench
  .add('render credentials_required (2 challenges)', () => render(missing, facts))
  .add('render invalid_token', () => render(expired, facts))
  .add('render insufficient_scope, Accept: application/json', () => render(scope, jsonFacts))
  .add('render a foreign 401 ({ status: 401 })', () => render({ status: 401 }, facts))
  .add('format Bearer invalid_token challenge', () =>
    formatter.bearer({ error: 'invalid_token', error_description: 'The access token expired' }),
  )
  .add('parse Authorization: Bearer', () => findBearerToken({ authorization: readAuthorization(bearer) }))
  .add('parse Authorization: Basic', () => decodeBasic(readAuthorization(basic).value));
await bench.run();

const rows = bench.tasks.map((t) => ({
  task: t.name,
  'ns/op (median)': Math.round((t.result.latency?.p50 ?? t.result.period) * 1e6),
  'ops/s': Math.round(t.result.throughput?.mean ?? t.result.hz),
}));
console.table(rows);

// Growth with header length: the same parse on adversarial inputs of 1 B to 64 KB.
const shapes = {
  'Bearer + b64token': (n) => `Bearer ${'a'.repeat(n)}`,
  'Bearer + b64token + bad last char': (n) => `Bearer ${'a'.repeat(n)}"`,
  'Bearer + spaces': (n) => `Bearer${' '.repeat(n)}x`,
  'Basic + base64 of colons': (n) => `Basic ${Buffer.from(':'.repeat(Math.ceil((n * 3) / 4))).toString('base64')}`,
  'Basic + invalid base64': (n) => `Basic ${'A'.repeat(n)}!`,
};
const parse = (header) => {
  try {
    const credentials = readAuthorization([header]);
    if (credentials?.scheme === 'basic') decodeBasic(credentials.value);
    else findBearerToken({ authorization: credentials });
  } catch {
    // Rejections are part of the work measured.
  }
};
const sizes = [1, 1024, 8192, 65536];
const growth = [];
for (const [shape, make] of Object.entries(shapes)) {
  for (const size of sizes) {
    const header = make(size);
    const iterations = Math.max(50, Math.floor(2_000_000 / (size + 64)));
    for (let i = 0; i < 20; i++) parse(header);
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) parse(header);
    const ns = Number(process.hrtime.bigint() - start) / iterations;
    growth.push({
      shape,
      bytes: header.length,
      'ns/op': Math.round(ns),
      'ns/byte': Number((ns / header.length).toFixed(3)),
    });
  }
}
console.table(growth);

saveSection('micro', { rows, growth });
