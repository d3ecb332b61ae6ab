import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { SandboxOptions } from '../../sandbox/Sandbox';
import { argumentsDigest } from '../../src/domain/toolPolicy';
import { approvedHeldCall, noLongerPending, useMcpAgents } from '../support/mcpAgents';
import { ledgerEntries, unique, useHarness } from '../support/sandboxHarness';

/**
 * The governing proxy in front of more than one upstream, as operators
 * configure it: the sandbox's `server-everything` listed twice, as
 * `everything` with the token it lets in and as `everything-ro` with another
 * secret (a read-only token, which this front does not let in) and rules of
 * its own that let every call through at once, and once more as
 * `everything-sessions` with its own secret, to toggle its per-session
 * simulated logging; and `metrics`, an MCP server
 * of this file's own (the official SDK's) whose one tool answers a
 * nanosecond timestamp as a JSON number, held for people.
 */
describe('E2E: chainsec governs several upstream MCP servers', () => {
  const RO_SECRET = 'chainsec/sandbox/mcp-upstreams/everything-ro';
  /** What `metrics__stat` answers: a number past 2^53, as many APIs send. */
  const CREATED_NS = 1_733_616_000_123_456_800;
  const options: SandboxOptions = { governedUpstream: true };
  let metrics: Server;
  beforeAll(async () => {
    metrics = createServer(async (req, res) => {
      // No stream of its own (a client would keep it open, and reconnect it once cut).
      if (req.method === 'GET') return void res.writeHead(405, { allow: 'POST' }).end();
      const mcp = new McpServer({ name: 'metrics', version: '1.0.0' });
      mcp.registerTool('stat', { description: 'when a file was made' }, async () => ({
        content: [{ type: 'text', text: `created at ${CREATED_NS} ns` }],
        structuredContent: { createdNs: CREATED_NS },
      }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));
    options.moreUpstreams = [
      { name: 'everything-ro', credentialsSecret: RO_SECRET, rules: [{ id: 'ro-any', tool: '*', decision: 'allow' }] },
      {
        name: 'everything-sessions',
        credentialsSecret: 'chainsec/sandbox/mcp-upstreams/everything',
        rules: [{ id: 'toggle', tool: 'toggle-simulated-logging', decision: 'allow' }],
      },
      {
        name: 'metrics',
        url: `http://127.0.0.1:${(metrics.address() as AddressInfo).port}/mcp`,
        rules: [{ id: 'stat-held', tool: 'stat', decision: 'approve', tier: 'high' }],
      },
    ];
  });
  const h = useHarness(options);
  // After the sandbox stopped (hooks run in order): its kept session is gone.
  afterAll(async () => {
    metrics.closeAllConnections();
    await new Promise<void>((resolve) => metrics.close(() => resolve()));
  });
  const agent = useMcpAgents(h);
  type Result = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: unknown };
  const text = (r: Result) => r.content.map((c) => c.text ?? '').join(' ');
  const ledger = () => ledgerEntries(h);

  it("does not lend one upstream's session (and token) to another upstream at the same URL", async () => {
    // Prepare: the read-only secret holds a token the upstream does not let in
    h.sandbox.secrets.put(RO_SECRET, JSON.stringify({ headers: { Authorization: 'Bearer read-only-token-0001' } }));
    const ops = await agent('agent-ops');
    const ran = (message: string) =>
      h.sandbox.upstream!.calls.filter((c) => (c.arguments as { message?: string }).message === message);
    const plain = `admin ${unique()}`;
    const viaRo = `ro ${unique()}`;

    // Act: a call through "everything" opens its session; then one through "everything-ro"
    const first = (await ops.callTool({ name: 'everything__echo', arguments: { message: plain } })) as Result;
    const second = (await ops.callTool({ name: 'everything-ro__echo', arguments: { message: viaRo } })) as Result;

    // Assess: the first ran; the second went with the read-only token, was refused, and is recorded as failed
    expect(first.isError).toBeFalsy();
    expect(ran(plain)).toHaveLength(1);
    expect(ran(viaRo)).toEqual([]);
    expect(second.isError).toBe(true);
    expect(text(second)).toContain('the MCP server "everything-ro" failed');
    const entries = await ledger();
    const call = entries.find(
      (e) => e.type === 'tool_call' && e.argumentsDigest === argumentsDigest({ message: viaRo }),
    );
    expect(call).toMatchObject({ server: 'everything-ro', verdict: 'allow' });
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'tool_call_result', incidentId: call?.incidentId, outcome: 'failed' }),
    );
  });

  it("gives each agent its own session with a stateful upstream: one agent's session state is not another's", async () => {
    // Prepare: server-everything keeps, per session, whether it sends simulated log messages, and names the session
    const [ops, deploy] = [await agent('agent-ops'), await agent('agent-deploy')];
    const toggle = async (c: typeof ops) =>
      text((await c.callTool({ name: 'everything-sessions__toggle-simulated-logging', arguments: {} })) as Result);
    const session = (t: string) => /for session (\S+)/.exec(t)?.[1];

    // Act
    const first = await toggle(ops);
    const second = await toggle(deploy);
    // Cleanup: each stops what it started
    await toggle(ops);
    await toggle(deploy);

    // Assess: the second agent started logging in a session of its own, it did not stop the first agent's
    expect(first).toMatch(/^Started/);
    expect(second).toMatch(/^Started/);
    expect(session(second)).toBeDefined();
    expect(session(second)).not.toBe(session(first));
  });

  it('an approved call whose result holds a number past 2^53 hands the agent its result once, then says it was not kept', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const { approvalId } = await approvedHeldCall(h, ops, 'metrics__stat', { path: `/srv/${unique()}` });

    // Act
    const first = (await noLongerPending(ops, 'get_tool_result', approvalId)) as Result;
    const again = (await ops.callTool({ name: 'get_tool_result', arguments: { approvalId } })) as Result;

    // Assess: the agent got what people approved, as the upstream answered it; a later read says why it is not kept
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toEqual({ createdNs: CREATED_NS });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain('not kept; it was returned once');
    expect(text(again)).not.toContain('still running, or lost');
    expect(await ledger()).toContainEqual(expect.objectContaining({ type: 'tool_call_result', outcome: 'ok' }));
  });
});
