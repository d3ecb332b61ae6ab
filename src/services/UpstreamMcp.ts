import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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

/**
 * {@link UpstreamMcp} over Streamable HTTP with the official SDK client. One
 * session per upstream is kept for the container's life (connecting costs
 * round trips on every call otherwise); a call that fails drops it, so the
 * next call connects afresh. A call is sent again only when the upstream
 * answered HTTP 404 to it, which the protocol reserves for an unknown
 * session: the call was refused unread, never run.
 */
export class StreamableHttpUpstreamMcp implements UpstreamMcp {
  private readonly sessions = new Map<string, Promise<Client>>();

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
    try {
      return await use(await this.session(upstream));
    } catch (e) {
      this.drop(upstream);
      // The session expired upstream (its restart): the request was refused unread, so it is sent once more.
      if (!(e instanceof StreamableHTTPError && e.code === 404)) throw e;
      try {
        return await use(await this.session(upstream));
      } catch (again) {
        this.drop(upstream);
        throw again;
      }
    }
  }

  private session(upstream: Upstream): Promise<Client> {
    const key = upstream.url;
    let session = this.sessions.get(key);
    if (!session) {
      session = (async () => {
        const client = new Client(CLIENT_INFO);
        await client.connect(new StreamableHTTPClientTransport(new URL(upstream.url)), { timeout: upstream.timeoutMs });
        return client;
      })();
      this.sessions.set(key, session);
    }
    return session;
  }

  private drop(upstream: Upstream): void {
    const session = this.sessions.get(upstream.url);
    this.sessions.delete(upstream.url);
    void session?.then((c) => c.close()).catch(() => undefined);
  }
}
