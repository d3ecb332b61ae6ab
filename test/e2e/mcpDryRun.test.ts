import { APPROVALS_CHANNEL, APPROVER_1 } from '../../sandbox/identities';
import { approvedHeldTask, noLongerPending, useMcpAgents } from '../support/mcpAgents';
import { textOf, useHarness } from '../support/sandboxHarness';

/**
 * Agents over MCP in a stack deployed in dry run (`DRY_RUN=true`): cards say
 * nothing will run, so people approve knowing so. An agent is never told to
 * carry out an action approved in dry run, and the governing proxy never
 * forwards a held call approved in dry run, whether the agent asks
 * `get_tool_result` or reads its task's result. Through the sandbox's
 * `POST /mcp` with the official SDK client, in front of the real
 * `@modelcontextprotocol/server-everything`.
 */
describe('E2E: agents over MCP in dry run', () => {
  const h = useHarness({ governedUpstream: true, dryRun: true });

  const agent = useMcpAgents(h);

  type Result = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: any };
  const text = (r: Result) => r.content.map((c) => c.text ?? '').join(' ');
  const sums = (a: number) => h.sandbox.upstream!.calls.filter((c) => (c.arguments as { a?: number }).a === a);

  it('an approved held call is never forwarded: get_tool_result answers an error saying it was approved in dry run', async () => {
    // Prepare: a held call, its DRY RUN card
    const ops = await agent('agent-ops');
    const a = 5000 + Math.floor(Math.random() * 1000);
    const held = (await ops.callTool({ name: 'everything__get-sum', arguments: { a, b: 2 } })) as Result;
    const { approvalId, incidentId } = held.structuredContent as { approvalId: string; incidentId: string };
    const card = await h.waitForMessage(incidentId, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act: a person approves; the agent asks for the result, twice
    await h.click({ user: APPROVER_1, actionId: 'chainsec_approve', value: incidentId, messageTs: card.ts });
    const result = await noLongerPending(ops, 'get_tool_result', approvalId);
    const again = (await ops.callTool({ name: 'get_tool_result', arguments: { approvalId } })) as Result;

    // Assess
    expect(textOf(card)).toContain('DRY RUN');
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('dry run');
    expect(text(result)).toContain('nothing was forwarded');
    expect(again.isError).toBe(true);
    expect(sums(a)).toEqual([]);
  });

  it('as a task: the task completes, and its result is the same error; nothing is forwarded', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const a = 7000 + Math.floor(Math.random() * 1000);

    // Act
    const { result: final } = await approvedHeldTask(h, ops, 'everything__get-sum', { a, b: 3 });

    // Assess
    expect(final.isError).toBe(true);
    expect(text(final)).toContain('dry run');
    expect(sums(a)).toEqual([]);
  });

  it('a request approved in dry run: get_approval says approved in dry run, as an error result telling the agent not to act', async () => {
    // Prepare
    const ops = await agent('agent-ops');
    const asked = (await ops.callTool({
      name: 'request_approval',
      arguments: {
        tier: 'high',
        title: `Disable the leaked key ${Math.random().toString(36).slice(2)}`,
        proposedAction: { type: 'disable_key', target: 'AKIAEXAMPLE', reversible: true },
      },
    })) as Result;
    const { approvalId, incidentId } = asked.structuredContent as { approvalId: string; incidentId: string };
    const card = await h.waitForMessage(incidentId, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act
    await h.click({ user: APPROVER_1, actionId: 'chainsec_approve', value: incidentId, messageTs: card.ts });
    const decided = await noLongerPending(ops, 'get_approval', approvalId);

    // Assess: approved (people did), but nothing is to run, and the model reads it as an error
    expect(decided.structuredContent).toMatchObject({ status: 'approved', decision: 'approve', dryRun: true });
    expect(decided.isError).toBe(true);
    expect(text(decided)).toContain('dry run');
    expect(text(decided)).toContain('Do not carry out the proposed action');
    expect(text(decided)).not.toContain('Carry out exactly');
  });
});
