import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../domain/toolPolicy';

/** The MCP servers chainsec governs, as the proxy reaches them. */
export interface UpstreamMcp {
  /** The upstream's tools (every page). */
  listTools(upstream: Upstream): Promise<Tool[]>;
  /**
   * Calls one tool once. Never retried: a failure (server down, timeout) is
   * thrown and the caller reports it; a tool error is a result with `isError`.
   */
  callTool(upstream: Upstream, tool: string, args: Record<string, unknown>): Promise<CallToolResult>;
}

/** The client chainsec introduces itself as. */
const CLIENT_INFO = { name: 'chainsec-proxy', version: '0.1.0' };

/** {@link UpstreamMcp} over Streamable HTTP with the official SDK client, one connection per operation (stateless). */
export class StreamableHttpUpstreamMcp implements UpstreamMcp {
  public async listTools(upstream: Upstream): Promise<Tool[]> {
    return this.with(upstream, async (client) => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: upstream.timeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined && tools.length < 1000);
      return tools;
    });
  }

  public async callTool(upstream: Upstream, tool: string, args: Record<string, unknown>): Promise<CallToolResult> {
    return this.with(upstream, async (client) => {
      const result = await client.callTool({ name: tool, arguments: args }, CallToolResultSchema, {
        timeout: upstream.timeoutMs,
        // A progress notification must not stretch a call past its bound.
        maxTotalTimeout: upstream.timeoutMs,
      });
      return result as CallToolResult;
    });
  }

  private async with<T>(upstream: Upstream, use: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client(CLIENT_INFO);
    const transport = new StreamableHTTPClientTransport(new URL(upstream.url));
    await client.connect(transport, { timeout: upstream.timeoutMs });
    try {
      return await use(client);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
