import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApprovalStatus } from '../../../src/app/approvalStatus';
import { toolCallResult } from '../../../src/app/heldToolCalls';
import { callProxiedTool } from '../../../src/app/proxyToolCalls';
import { actionDigest } from '../../../src/domain/actionDigest';
import { AgentPoliciesSchema } from '../../../src/domain/agents';
import type { LedgerEntry } from '../../../src/domain/ledger';
import { toolCallAction, UpstreamsSchema } from '../../../src/domain/toolPolicy';
import type { Receipt } from '../../../src/domain/receipt';
import type { McpApproval } from '../../../src/services/McpApprovals';
import type { UpstreamMcp } from '../../../src/services/UpstreamMcp';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { InMemoryMcpApprovals } from '../../support/fakes/InMemoryMcpApprovals';

describe('Use case: the governing proxy', () => {
  const [ops] = AgentPoliciesSchema.parse([{ name: 'agent-ops' }]);
  const upstreams = UpstreamsSchema.parse([
    {
      name: 'files',
      url: 'https://files.example.com/mcp',
      rules: [
        { tool: 'read_file', decision: 'allow' },
        { tool: 'delete_file', decision: 'approve', tier: 'critical' },
      ],
    },
  ]);
  const args = { path: '/srv/report.csv' };

  function setup(answer: () => Promise<CallToolResult> = async () => ({ content: [{ type: 'text', text: 'done' }] })) {
    const f = fakeAppDeps();
    const approvals = new InMemoryMcpApprovals();
    const calls: Array<{ tool: string; args: unknown }> = [];
    const upstreamMcp: UpstreamMcp = {
      listTools: async () => [],
      callTool: (_u, tool, a) => {
        calls.push({ tool, args: a });
        return answer();
      },
    };
    const entries: LedgerEntry[] = [];
    const ledger = { failing: false };
    const toolCalls = {
      append: async (e: LedgerEntry) => {
        if (ledger.failing) throw new Error('ledger down');
        entries.push(e);
      },
    };
    const ctx = { deps: f.deps, approvals, resultRetentionSeconds: 3600, proxy: { upstreams, upstreamMcp, toolCalls } };
    return { ctx, approvals, calls, entries, ledger };
  }

  /** A stored approved request holding `delete_file` with `held` arguments; its receipt binds `bound`. */
  async function approved(
    approvals: InMemoryMcpApprovals,
    held: Record<string, unknown>,
    bound: Record<string, unknown> = held,
  ): Promise<{ approval: McpApproval; status: ApprovalStatus }> {
    const approval: McpApproval = {
      approvalId: 'apr_AAAAAAAAAAAAAAAAAAAAAA',
      agent: 'agent-ops',
      incidentId: 'INC-0000000001',
      tier: 'critical',
      requestedAt: '2026-11-23T10:00:00.000Z',
      expiresAt: '2027-11-23T10:00:00.000Z',
      toolCall: { server: 'files', tool: 'delete_file', arguments: held, rule: 'files#2' },
    };
    await approvals.create(approval);
    const receipt = { actionDigest: actionDigest(toolCallAction('files', 'delete_file', bound)) } as Receipt;
    const status: ApprovalStatus = {
      status: 'approved',
      approvalId: approval.approvalId,
      incidentId: approval.incidentId,
      decidedBy: ['U0APPROVER1', 'U0APPROVER2'],
      receipt,
    };
    return { approval, status };
  }

  it('forwards nothing when the ledger cannot record an allowed call (fail closed)', async () => {
    // Prepare
    const { ctx, calls, ledger } = setup();
    ledger.failing = true;

    // Act
    const outcome = callProxiedTool(ctx, ops!, upstreams[0]!, 'read_file', args);

    // Assess
    await expect(outcome).rejects.toThrow('ledger down');
    expect(calls).toEqual([]);
  });

  it('forwards an approved call once; a retry, and a claim whose outcome was lost, never call again', async () => {
    // Prepare
    const { ctx, approvals, calls, entries } = setup();
    const { approval, status } = await approved(approvals, args);

    // Act
    const first = await toolCallResult(ctx, ops!, approval, status);
    const retry = await toolCallResult(ctx, ops!, (await approvals.get(approval.approvalId))!, status);
    // A crash after the claim: claimed, no outcome recorded
    approvals.items.get(approval.approvalId)!.forward = { claimedAt: '2026-11-23T10:06:00.000Z', chain: 'toolcall-x' };
    const lost = await toolCallResult(ctx, ops!, approval, status);

    // Assess
    expect(calls).toEqual([{ tool: 'delete_file', args }]);
    expect(first).toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(retry).toEqual(first);
    expect(lost.isError).toBe(true);
    expect((lost.content[0] as { text: string }).text).toContain('never forwarded again');
    expect(entries.map((e) => [e.type, e.seq])).toEqual([
      ['tool_call', 1],
      ['tool_call_result', 2],
    ]);
    expect(entries[0]).toMatchObject({ verdict: 'approved', approvalIncidentId: 'INC-0000000001' });
  });

  it('does not forward when the receipt binds other arguments than the held ones', async () => {
    // Prepare
    const { ctx, approvals, calls } = setup();
    const { approval, status } = await approved(approvals, { path: '/' }, args);

    // Act
    const result = await toolCallResult(ctx, ops!, approval, status);

    // Assess
    expect(result.isError).toBe(true);
    expect(calls).toEqual([]);
  });

  it('reports an upstream failure once, recorded, and answers the same failure without calling again', async () => {
    // Prepare
    const { ctx, approvals, calls, entries } = setup(() => Promise.reject(new Error('Request timed out')));
    const { approval, status } = await approved(approvals, args);

    // Act
    const first = await toolCallResult(ctx, ops!, approval, status);
    const again = await toolCallResult(ctx, ops!, (await approvals.get(approval.approvalId))!, status);

    // Assess
    expect(first.isError).toBe(true);
    expect((first.content[0] as { text: string }).text).toContain('Request timed out');
    expect(again).toEqual(first);
    expect(calls).toHaveLength(1);
    expect(entries.at(-1)).toMatchObject({ type: 'tool_call_result', outcome: 'failed' });
  });
});
