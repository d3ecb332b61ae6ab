import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../domain/toolPolicy';
import { nestedDeeperThan } from '../domain/storableJson';
import { credentialStrings, redactJson, redactText } from '../domain/upstreamCredentials';
import { UpstreamResultUnreadableError } from '../errors';
import type { UpstreamCredentials } from './UpstreamCredentials';

/** The MCP servers chainsec governs, as the proxy reaches them. */
export interface UpstreamMcp {
  /** The upstream's tools (every page), as `agent` sees them. */
  listTools(upstream: Upstream, agent: string): Promise<Tool[]>;
  /**
   * Calls one tool once for `agent`. Never retried: a failure (server down,
   * timeout) is thrown and the caller reports it; a tool error is a result
   * with `isError`.
   */
  callTool(upstream: Upstream, tool: string, args: Record<string, unknown>, agent: string): Promise<CallToolResult>;
}

/** The client chainsec introduces itself as. */
const CLIENT_INFO = { name: 'chainsec-proxy', version: '0.1.0' };

/**
 * Levels of objects and arrays an answer may nest: redacting it and digesting
 * it for the ledger recurse, and a hostile depth (a tool that parses JSON an
 * agent points it at) would overflow them, reported as something it is not.
 */
const MAX_ANSWER_DEPTH = 64;

/** HTTP statuses that say a request was refused unread: an unknown session (404), credentials not accepted (401). */
const REFUSED_UNREAD = new Set([401, 404]);

/**
 * {@link UpstreamMcp} over Streamable HTTP with the official SDK client,
 * sending each upstream its credentials' headers. One session per upstream
 * and agent is kept for the container's life (connecting costs round trips on every
 * call otherwise); a call that fails drops it, so the next call connects
 * afresh. A call is sent again, once, only when the upstream refused it
 * unread: HTTP 404, which the protocol reserves for an unknown session, or
 * 401, after which the credentials are read again (they were rotated).
 * Whatever an upstream answers (results, tool lists, error messages) has
 * every credential chainsec has sent any upstream taken out: an upstream that
 * quotes request headers back must not hand an agent a token to go around
 * chainsec, its own or another's (one server may stand behind two upstreams).
 */
export class StreamableHttpUpstreamMcp implements UpstreamMcp {
  /**
   * By upstream name and agent. Never by URL: two upstreams may be one server
   * reached with two credentials (a read-only token and an admin one, each
   * with its own rules), and a session carries the credentials it was opened
   * with. Never shared by agents: a stateful upstream keeps what a session
   * did (a browser's page, a shell's directory), which another agent, under
   * other rules, must not read or act on.
   */
  private readonly sessions = new Map<string, Promise<Client>>();
  /**
   * Every credential string sent to any upstream so far, longest first
   * (rotations add to them): each answer is cleaned of all of them, since two
   * upstreams may be one server that saw both.
   */
  private sent: string[] = [];

  public constructor(private readonly credentials: UpstreamCredentials) {}

  public async listTools(upstream: Upstream, agent: string): Promise<Tool[]> {
    return this.redacting(upstream, agent, async (client) => {
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

  public async callTool(
    upstream: Upstream,
    tool: string,
    args: Record<string, unknown>,
    agent: string,
  ): Promise<CallToolResult> {
    return this.redacting(upstream, agent, async (client) => {
      const result = await client.callTool({ name: tool, arguments: args }, CallToolResultSchema, {
        timeout: upstream.timeoutMs,
        // A progress notification must not stretch a call past its bound.
        maxTotalTimeout: upstream.timeoutMs,
      });
      return result as CallToolResult;
    });
  }

  /**
   * {@link with}, its answer and its error message without the credentials sent.
   * @throws UpstreamResultUnreadableError for an answer nested deeper than {@link MAX_ANSWER_DEPTH}
   */
  private async redacting<T>(upstream: Upstream, agent: string, use: (client: Client) => Promise<T>): Promise<T> {
    const answer = await this.with(upstream, agent, use).catch((e: unknown) => {
      throw this.redactedError(e);
    });
    if (nestedDeeperThan(answer, MAX_ANSWER_DEPTH))
      throw new UpstreamResultUnreadableError(upstream.name, `is nested deeper than ${MAX_ANSWER_DEPTH} levels`);
    return redactJson(answer, this.sent);
  }

  /** `e`, or a copy whose message has the credentials sent taken out. */
  private redactedError(e: unknown): unknown {
    const message = e instanceof Error ? e.message : String(e);
    const clean = redactText(message, this.sent);
    if (clean === message) return e;
    // A new error: the original (and its cause) holds the upstream's words as they came.
    return Object.assign(new Error(clean), { name: (e as Error).name, code: (e as { code?: unknown }).code });
  }

  private async with<T>(upstream: Upstream, agent: string, use: (client: Client) => Promise<T>): Promise<T> {
    const key = `${upstream.name}\n${agent}`;
    try {
      return await use(await this.session(upstream, key));
    } catch (e) {
      void this.drop(key);
      if (!(e instanceof StreamableHTTPError && REFUSED_UNREAD.has(e.code ?? 0))) throw e;
      try {
        return await use(await this.session(upstream, key, e.code === 401));
      } catch (again) {
        void this.drop(key);
        throw again;
      }
    }
  }

  private session(upstream: Upstream, key: string, freshCredentials = false): Promise<Client> {
    let session = this.sessions.get(key);
    if (!session) {
      session = (async () => {
        const headers = await this.credentials.headersFor(upstream, freshCredentials);
        // Kept after a rotation too: the old token may still open doors elsewhere.
        this.sent = [...new Set([...credentialStrings(headers), ...this.sent])].sort((a, b) => b.length - a.length);
        const client = new Client(CLIENT_INFO);
        await client.connect(new StreamableHTTPClientTransport(new URL(upstream.url), { requestInit: { headers } }), {
          timeout: upstream.timeoutMs,
        });
        return client;
      })();
      this.sessions.set(key, session);
    }
    return session;
  }

  /** Closes every kept session (whoever owns this client is done with it). */
  public async close(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((key) => this.drop(key)));
  }

  /** Forgets a session and closes it (a session that never opened has nothing to close). */
  private async drop(key: string): Promise<void> {
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    await session?.then((c) => c.close()).catch(() => undefined);
  }
}
