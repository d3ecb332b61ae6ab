import type { SandboxOptions } from '../../sandbox/Sandbox';
import { argumentsDigest } from '../../src/domain/toolPolicy';
import { useMcpAgents } from '../support/mcpAgents';
import { unique, useHarness } from '../support/sandboxHarness';

/**
 * The governing proxy's upstream credentials, as an operator may configure
 * them: one MCP server (the sandbox's `server-everything`) listed twice, as
 * `everything` with the token it lets in and as `everything-ro` with another
 * secret (a read-only token, which this front does not let in) and rules of
 * its own that let every echo through at once.
 */
describe('E2E: each governed upstream is reached with its own credentials', () => {
  const RO_SECRET = 'chainsec/sandbox/mcp-upstreams/everything-ro';
  const options: SandboxOptions = {
    governedUpstream: true,
    upstreamAliases: [
      { name: 'everything-ro', credentialsSecret: RO_SECRET, rules: [{ id: 'ro-any', tool: '*', decision: 'allow' }] },
    ],
  };
  const h = useHarness(options);
  const agent = useMcpAgents(h);
  type Result = { isError?: boolean; content: Array<{ type: string; text?: string }> };
  const text = (r: Result) => r.content.map((c) => c.text ?? '').join(' ');

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
    const entries = String((await h.json<string>('GET', '/sandbox/ledger')).body)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const call = entries.find(
      (e) => e.type === 'tool_call' && e.argumentsDigest === argumentsDigest({ message: viaRo }),
    );
    expect(call).toMatchObject({ server: 'everything-ro', verdict: 'allow' });
    expect(entries).toContainEqual(
      expect.objectContaining({ type: 'tool_call_result', incidentId: call?.incidentId, outcome: 'failed' }),
    );
  });
});
