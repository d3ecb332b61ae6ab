import { approvalOf, requestApproval } from '../../../src/app/agentApprovals';
import { AgentPoliciesSchema } from '../../../src/domain/agents';
import type { Clock } from '../../../src/domain/clock';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { InMemoryMcpApprovals } from '../../support/fakes/InMemoryMcpApprovals';

describe('Use case: agent approvals', () => {
  const [ops, other] = AgentPoliciesSchema.parse([{ name: 'agent-ops' }, { name: 'agent-other' }]);
  const args = {
    tier: 'high',
    title: 'Disable a key',
    proposedAction: { type: 'disable_key', target: 'AKIA1', reversible: true },
  };

  function setup() {
    let now = new Date('2026-11-23T10:00:00Z');
    const clock: Clock = { now: () => now };
    const f = fakeAppDeps({ clock });
    const approvals = new InMemoryMcpApprovals();
    const ctx = { deps: f.deps, approvals, resultRetentionSeconds: 3600 };
    return { ...f, ctx, approvals, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
  }

  it('stores the request for its agent, posts its card with the agent as requester, and keeps the token internal', async () => {
    // Prepare
    const { ctx, slack } = setup();

    // Act
    const outcome = await requestApproval(ctx, ops!, { ...args, requestedBy: 'U0APPROVER1', taskToken: 'forged' });

    // Assess
    if (outcome.kind !== 'pending') throw new Error(outcome.message);
    const stored = await ctx.deps.incidents.get(outcome.approval.incidentId);
    expect(stored?.record.requestedBy).toBe('agent-ops');
    expect(stored?.taskToken).toBe(`mcp:${outcome.approval.approvalId}`);
    expect(slack.callsOf('post')).toHaveLength(1);
    expect(JSON.stringify(slack.calls)).not.toContain('mcp:');
    expect(JSON.stringify(slack.calls)).toContain('agent-ops');
  });

  it("refuses another agent's id, and the agent's own once past its expiry, alike", async () => {
    // Prepare
    const { ctx, advance } = setup();
    const outcome = await requestApproval(ctx, ops!, args);
    if (outcome.kind !== 'pending') throw new Error(outcome.message);
    const { approvalId, expiresAt, requestedAt } = outcome.approval;

    // Act & Assess
    expect(await approvalOf(ctx, ops!, approvalId)).toBeDefined();
    expect(await approvalOf(ctx, other!, approvalId)).toBeUndefined();
    advance(Date.parse(expiresAt) - Date.parse(requestedAt));
    expect(await approvalOf(ctx, ops!, approvalId)).toBeUndefined();
  });
});
