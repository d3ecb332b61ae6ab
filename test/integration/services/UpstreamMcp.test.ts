import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';
import { UpstreamSchema } from '../../../src/domain/toolPolicy';
import { upstreamHeaders } from '../../../src/domain/upstreamCredentials';
import type { UpstreamCredentials } from '../../../src/services/UpstreamCredentials';
import { StreamableHttpUpstreamMcp } from '../../../src/services/UpstreamMcp';

/**
 * StreamableHttpUpstreamMcp's credentials against plain local HTTP servers:
 * what an upstream that redirects elsewhere gets, and what the place it
 * points to gets (nothing).
 */
describe('Class: StreamableHttpUpstreamMcp (credentials)', () => {
  const received: Array<{ server: string; headers: IncomingHttpHeaders }> = [];
  const servers: Server[] = [];
  /** Starts `server` on a free loopback port (closed after the tests); answers its MCP URL. */
  const serve = async (server: Server): Promise<string> => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  };
  /** Answers one HTTP request with `mcp` (the official SDK's server, stateless, JSON answers). */
  const answerWith = async (mcp: McpServer, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  };
  const listen = async (name: string, answer: (res: ServerResponse) => void) => {
    const server = createServer((req, res) => {
      received.push({ server: name, headers: req.headers });
      req.resume();
      req.on('end', () => answer(res));
    });
    return serve(server);
  };
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  const credentials: UpstreamCredentials = {
    headersFor: async () => ({ authorization: 'Bearer upstream-token', 'x-api-key': 'upstream-key' }),
  };

  it('sends the headers to the upstream only: a redirect to another origin is not followed', async () => {
    // Prepare: the "upstream" answers every request with a 307 to another origin
    const elsewhere = await listen('elsewhere', (res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
    const url = await listen('upstream', (res) => res.writeHead(307, { location: elsewhere }).end());
    const upstream = UpstreamSchema.parse({ name: 'files', url, timeoutMs: 5_000 });

    // Act
    const call = new StreamableHttpUpstreamMcp(credentials).callTool(
      upstream,
      'read_file',
      { path: '/etc/passwd' },
      'agent-ops',
    );

    // Assess
    await expect(call).rejects.toThrow(/redirect/i);
    expect(received.filter((r) => r.server === 'upstream')[0]?.headers).toMatchObject({
      authorization: 'Bearer upstream-token',
      'x-api-key': 'upstream-key',
    });
    expect(received.filter((r) => r.server === 'elsewhere')).toEqual([]);
  });

  it('sends each upstream its own credentials, even when two upstreams share a URL (one server, two tokens)', async () => {
    // Prepare: one real MCP server configured twice, a read-only token for "files-ro" and an admin one for "files-admin"
    const seen: Array<string | undefined> = [];
    const server = createServer(async (req, res) => {
      seen.push(req.headers.authorization);
      const mcp = new McpServer({ name: 'files', version: '1.0.0' });
      mcp.registerTool('whoami', { description: 'answers the token it was called with' }, async (extra) => ({
        content: [{ type: 'text', text: String(extra.requestInfo?.headers.authorization) }],
      }));
      await answerWith(mcp, req, res);
    });
    const url = await serve(server);
    const admin = UpstreamSchema.parse({ name: 'files-admin', url, timeoutMs: 5_000 });
    const readOnly = UpstreamSchema.parse({ name: 'files-ro', url, timeoutMs: 5_000 });
    const byUpstream: UpstreamCredentials = {
      headersFor: async (u) => ({ authorization: u.name === 'files-admin' ? 'Bearer admin-token' : 'Bearer ro-token' }),
    };
    const adapter = new StreamableHttpUpstreamMcp(byUpstream);

    // Act: the admin upstream's session opens first, then the read-only upstream is called
    await adapter.callTool(admin, 'whoami', {}, 'agent-ops');
    const before = seen.length;
    await adapter.callTool(readOnly, 'whoami', {}, 'agent-ops').finally(() => adapter.close());

    // Assess: every request made for the read-only upstream bore the read-only token
    expect(seen.slice(before).length).toBeGreaterThan(0);
    expect(new Set(seen.slice(before))).toEqual(new Set(['Bearer ro-token']));
  });

  it("takes every credential chainsec sent out of any upstream's answer: one server behind two upstreams cannot hand the admin token to the read-only one", async () => {
    // Prepare: one real MCP server listed twice; its tool answers the headers of the request before
    let previous: IncomingHttpHeaders = {};
    let last: IncomingHttpHeaders = {};
    const server = createServer(async (req, res) => {
      previous = last;
      last = req.headers;
      const mcp = new McpServer({ name: 'files', version: '1.0.0' });
      mcp.registerTool('recent', { description: 'answers the request before this one' }, async () => ({
        content: [{ type: 'text', text: JSON.stringify(previous) }],
      }));
      await answerWith(mcp, req, res);
    });
    const url = await serve(server);
    const admin = UpstreamSchema.parse({ name: 'files-admin', url, timeoutMs: 5_000 });
    const readOnly = UpstreamSchema.parse({ name: 'files-ro', url, timeoutMs: 5_000 });
    const byUpstream: UpstreamCredentials = {
      headersFor: async (u) => ({ authorization: `Bearer ${u.name === 'files-admin' ? 'admin' : 'ro'}-token-0123` }),
    };
    const adapter = new StreamableHttpUpstreamMcp(byUpstream);
    await adapter.callTool(readOnly, 'recent', {}, 'agent-ops');

    // Act: the admin upstream is called, then the read-only one's tool answers the admin's request
    await adapter.callTool(admin, 'recent', {}, 'agent-ops');
    const result = await adapter.callTool(readOnly, 'recent', {}, 'agent-ops').finally(() => adapter.close());

    // Assess
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain('authorization');
    expect(text).not.toContain('admin-token-0123');
  });

  it('takes out a short key its secret holds with surrounding spaces, as the upstream got it (fetch trims it)', async () => {
    // Prepare: a reflecting MCP server; the secret's key, pasted with spaces and a line break around it
    const server = createServer(async (req, res) => {
      const mcp = new McpServer({ name: 'reflecting', version: '1.0.0' });
      mcp.registerTool('whoami', { description: 'answers its key' }, async (extra) => ({
        content: [{ type: 'text', text: `your key: ${String(extra.requestInfo?.headers['x-api-key'])}` }],
      }));
      await answerWith(mcp, req, res);
    });
    const url = await serve(server);
    const upstream = UpstreamSchema.parse({ name: 'files', url, timeoutMs: 5_000 });
    const read = upstreamHeaders(JSON.stringify({ headers: { 'X-Api-Key': '  k3y-789 \n' } }));
    const fromSecret: UpstreamCredentials = {
      headersFor: async () => (read as { headers: Record<string, string> }).headers,
    };

    // Act
    const adapter = new StreamableHttpUpstreamMcp(fromSecret);
    const result = await adapter.callTool(upstream, 'whoami', {}, 'agent-ops').finally(() => adapter.close());

    // Assess
    expect((result.content[0] as { text: string }).text).toBe('your key: [redacted by chainsec]');
  });

  it('takes its key out of an error quoting a URL the upstream built with it (percent-encoded)', async () => {
    // Prepare: an MCP server whose tool fails naming the backend URL it called with the key
    const server = createServer(async (req, res) => {
      const mcp = new McpServer({ name: 'api', version: '1.0.0' });
      mcp.registerTool('fetch', { description: 'calls the backend' }, async (extra) => ({
        content: [
          {
            type: 'text',
            text: `GET https://backend.example.com/v1?api_key=${encodeURIComponent(String(extra.requestInfo?.headers['x-api-key']))}: 503`,
          },
        ],
        isError: true,
      }));
      await answerWith(mcp, req, res);
    });
    const url = await serve(server);
    const upstream = UpstreamSchema.parse({ name: 'api', url, timeoutMs: 5_000 });
    const key: UpstreamCredentials = { headersFor: async () => ({ 'x-api-key': 'Zm9v+YmFy/cXV4==' }) };

    // Act
    const adapter = new StreamableHttpUpstreamMcp(key);
    const result = await adapter.callTool(upstream, 'fetch', {}, 'agent-ops').finally(() => adapter.close());

    // Assess
    const text = (result.content[0] as { text: string }).text;
    expect(text).toBe('GET https://backend.example.com/v1?api_key=[redacted by chainsec]: 503');
  });

  it('refuses an answer nested deeper than it can redact and digest with a coded error, not a stack overflow', async () => {
    // Prepare: a hand-written MCP server (another language's could be) whose tool answers 100,000 nested arrays
    const depth = 100_000;
    const deepResult = `{"content":[],"structuredContent":{"value":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST') return void res.writeHead(405).end();
        const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number; method: string };
        if (message.id === undefined) return void res.writeHead(202).end();
        const result =
          message.method === 'initialize'
            ? JSON.stringify({
                protocolVersion: '2025-06-18',
                capabilities: { tools: {} },
                serverInfo: { name: 'deep', version: '1' },
              })
            : deepResult;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"jsonrpc":"2.0","id":${message.id},"result":${result}}`);
      });
    });
    const url = await serve(server);
    const upstream = UpstreamSchema.parse({ name: 'parser', url, timeoutMs: 5_000 });

    // Act
    const adapter = new StreamableHttpUpstreamMcp(credentials);
    const call = adapter.callTool(upstream, 'parse_json', {}, 'agent-ops').finally(() => adapter.close());

    // Assess
    await expect(call).rejects.toMatchObject({
      code: 'chainsec_upstream_result_unreadable',
      message: 'its result is nested deeper than 64 levels',
    });
  });

  it("keeps each agent's session to an upstream its own: what one agent left in a stateful upstream's session, another cannot read", async () => {
    // Prepare: a stateful MCP server (sessions, as a browser or shell server keeps a page or a directory per session)
    const sessions = new Map<string, StreamableHTTPServerTransport>();
    const server = createServer(async (req, res) => {
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport) {
        const notes: string[] = [];
        const mcp = new McpServer({ name: 'notebook', version: '1.0.0' });
        mcp.registerTool('remember', { inputSchema: { text: z.string() } }, async ({ text }) => {
          notes.push(text);
          return { content: [{ type: 'text', text: 'noted' }] };
        });
        mcp.registerTool('recall', {}, async () => ({
          content: [{ type: 'text', text: `notes: ${notes.join(', ')}` }],
        }));
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: true,
          onsessioninitialized: (sid) => void sessions.set(sid, created),
        });
        await mcp.connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res);
    });
    const url = await serve(server);
    const upstream = UpstreamSchema.parse({ name: 'notebook', url, timeoutMs: 5_000 });
    const adapter = new StreamableHttpUpstreamMcp(credentials);

    // Act
    await adapter.callTool(upstream, 'remember', { text: 'ops-only-note' }, 'agent-ops');
    const other = await adapter.callTool(upstream, 'recall', {}, 'agent-readonly');
    const own = await adapter.callTool(upstream, 'recall', {}, 'agent-ops').finally(() => adapter.close());

    // Assess
    expect((other.content[0] as { text: string }).text).toBe('notes: ');
    expect((own.content[0] as { text: string }).text).toBe('notes: ops-only-note');
  });

  it('after a 401 reads the credentials afresh and tries once more, then gives up', async () => {
    // Prepare
    const url = await listen('refusing', (res) =>
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{}'),
    );
    const upstream = UpstreamSchema.parse({ name: 'files', url, timeoutMs: 5_000 });
    const asked: boolean[] = [];
    const rotating: UpstreamCredentials = {
      headersFor: async (_u, fresh = false) => {
        asked.push(fresh);
        return { authorization: fresh ? 'Bearer new' : 'Bearer old' };
      },
    };

    // Act
    const call = new StreamableHttpUpstreamMcp(rotating).callTool(upstream, 'read_file', { path: '/' }, 'agent-ops');

    // Assess
    await expect(call).rejects.toMatchObject({ code: 401 });
    expect(asked).toEqual([false, true]);
    expect(received.filter((r) => r.server === 'refusing').map((r) => r.headers.authorization)).toEqual([
      'Bearer old',
      'Bearer new',
    ]);
  });

  it("takes its credentials out of an upstream's error that quotes the request's headers", async () => {
    // Prepare: an upstream whose error page echoes what it was sent
    const url = await listen('echoing', (res) =>
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`bad request; you sent ${JSON.stringify(received.at(-1)?.headers)}`),
    );
    const upstream = UpstreamSchema.parse({ name: 'files', url, timeoutMs: 5_000 });

    // Act
    const error = (await new StreamableHttpUpstreamMcp(credentials)
      .callTool(upstream, 'read_file', { path: '/' }, 'agent-ops')
      .catch((e: unknown) => e)) as Error;

    // Assess
    expect(error.message).toContain('[redacted by chainsec]');
    expect(error.message).not.toContain('upstream-token');
    expect(error.message).not.toContain('upstream-key');
    expect(String(error.cause ?? '')).not.toContain('upstream-token');
  });

  it('takes its credentials out of a result that quotes them (an upstream tool that reflects request headers)', async () => {
    // Prepare: a real MCP server (the official SDK's) whose one tool answers the headers it was called with
    const server = createServer(async (req, res) => {
      const mcp = new McpServer({ name: 'reflecting', version: '1.0.0' });
      mcp.registerTool('whoami', { description: 'answers the request headers' }, async (extra) => ({
        content: [{ type: 'text', text: JSON.stringify(extra.requestInfo?.headers ?? {}) }],
      }));
      await answerWith(mcp, req, res);
    });
    const url = await serve(server);
    const upstream = UpstreamSchema.parse({ name: 'files', url, timeoutMs: 5_000 });

    // Act
    const adapter = new StreamableHttpUpstreamMcp(credentials);
    const result = await adapter.callTool(upstream, 'whoami', {}, 'agent-ops').finally(() => adapter.close());

    // Assess: the upstream did get the headers, and the answer does not hand them on
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain('authorization');
    expect(text).toContain('[redacted by chainsec]');
    expect(text).not.toContain('upstream-token');
    expect(text).not.toContain('upstream-key');
  });
});
