/**
 * The per-tool scope check reads JSON-RPC written by anyone: whatever the
 * body, it never throws, names only scopes of listed tools, and refuses a
 * call to a tool it does not list.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { requireToolScopes, scopesForToolCalls } from '../tool-scopes.js';

const TOOLS = { read_orders: ['orders:read'], create_order: ['orders:write', 'orders:read'] };
const call = (name: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } });

describe('scopesForToolCalls', () => {
  it('names the scopes of the tool called, once each, across a batch; other methods need none', () => {
    expect(scopesForToolCalls(call('read_orders'), TOOLS)).toEqual(['orders:read']);
    expect(scopesForToolCalls([call('read_orders'), call('create_order')], TOOLS)).toEqual([
      'orders:read',
      'orders:write',
    ]);
    expect(scopesForToolCalls({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, TOOLS)).toEqual([]);
    expect(scopesForToolCalls(undefined, TOOLS)).toEqual([]);
  });

  it('a call to an unlisted tool, or without a tool name, is undefined, whatever the prototype offers', () => {
    for (const name of ['delete_orders', 'constructor', '__proto__', 'toString', 42, undefined]) {
      expect(scopesForToolCalls(call(name), TOOLS)).toBeUndefined();
    }
    expect(scopesForToolCalls([call('read_orders'), call('nope')], TOOLS)).toBeUndefined();
  });

  it('never throws on any JSON, and answers undefined or scopes of listed tools only', () => {
    const known = new Set(Object.values(TOOLS).flat());
    const message = fc.oneof(
      fc.jsonValue(),
      fc.record({ method: fc.constantFrom('tools/call', 'tools/list'), params: fc.jsonValue() }),
      fc.array(fc.record({ method: fc.constant('tools/call'), params: fc.record({ name: fc.string() }) })),
    );
    fc.assert(
      fc.property(message, (value) => {
        const scopes = scopesForToolCalls(value, TOOLS);
        expect(scopes === undefined || scopes.every((s) => known.has(s))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('requireToolScopes', () => {
  it('refuses a body no JSON parser read (415), so the transport never parses a call it did not check', () => {
    const sent: { status?: number; body?: unknown } = {};
    const res = {
      status(code: number) {
        sent.status = code;
        return this;
      },
      json(body: unknown) {
        sent.body = body;
        return this;
      },
    };
    const next = vi.fn();
    requireToolScopes(TOOLS)({ body: undefined, headers: {} } as never, res as never, next);
    expect(next).not.toHaveBeenCalled();
    expect(sent).toEqual({
      status: 415,
      body: {
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Unsupported Media Type: Content-Type must be application/json' },
        id: null,
      },
    });
  });

  it.each([
    [null],
    [{ read_orders: [] }],
    [{ read_orders: ['a b'] }],
    [{ read_orders: 'orders:read' }],
  ])('refuses %j at creation with a TypeError', (value) => {
    expect(() => requireToolScopes(value as never)).toThrow(TypeError);
  });
});
