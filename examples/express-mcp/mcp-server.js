// The MCP server itself: two tools over an in-memory list of orders. Which
// scope each tool needs is written here, next to the tool; app.js checks it in
// HTTP, before the transport runs the tool (see tool-scopes.js).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';

/** Every scope this server knows, for its RFC 9728 metadata. */
export const SCOPES = ['orders:read', 'orders:write'];

/** The scopes each tool needs. A tool missing here cannot be called (tool-scopes.js fails closed). */
export const TOOL_SCOPES = {
  read_orders: ['orders:read'],
  create_order: ['orders:write'],
};

/**
 * An MCP server for one request: in stateless Streamable HTTP each request
 * gets its own server and transport; `owner` is the caller's `sub`.
 */
export function createOrdersServer({ orders, owner }) {
  const server = new McpServer({ name: 'orders', version: '1.0.0' });
  const json = (value) => ({ content: [{ type: 'text', text: JSON.stringify(value) }] });
  server.registerTool(
    'read_orders',
    { title: 'Read orders', description: 'Lists every order.', annotations: { readOnlyHint: true } },
    async () => json(orders),
  );
  server.registerTool(
    'create_order',
    {
      title: 'Create an order',
      description: 'Orders one item, for the caller.',
      inputSchema: { item: z.string().min(1).max(200).describe('What to order') },
    },
    async ({ item }) => {
      const order = { id: orders.length + 1, item, owner };
      orders.push(order);
      return json(order);
    },
  );
  return server;
}
