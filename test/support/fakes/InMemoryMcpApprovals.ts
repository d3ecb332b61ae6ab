import { WorkflowTokenGoneError } from '../../../src/errors';
import type { WorkflowDecisionOutput } from '../../../src/domain/messages';
import type { McpApproval, McpApprovals, ToolCallForward } from '../../../src/services/McpApprovals';

/** {@link McpApprovals} in memory, with the DynamoDB adapter's conditions (create once, deliver one decision). */
export class InMemoryMcpApprovals implements McpApprovals {
  public readonly items = new Map<string, McpApproval>();

  public create(approval: McpApproval): Promise<void> {
    if (this.items.has(approval.approvalId)) return Promise.reject(new Error('ConditionalCheckFailed'));
    this.items.set(approval.approvalId, structuredClone(approval));
    return Promise.resolve();
  }

  public get(approvalId: string): Promise<McpApproval | undefined> {
    const item = this.items.get(approvalId);
    return Promise.resolve(item && structuredClone(item));
  }

  public deliver(approvalId: string, outcome: WorkflowDecisionOutput): Promise<void> {
    const item = this.items.get(approvalId);
    if (!item || (item.outcome && item.outcome.ledgerHash !== outcome.ledgerHash))
      return Promise.reject(new WorkflowTokenGoneError('McpApprovalGone'));
    item.outcome = structuredClone(outcome);
    return Promise.resolve();
  }

  public claimForward(approvalId: string, forward: ToolCallForward): Promise<boolean> {
    const item = this.items.get(approvalId);
    if (!item || item.forward) return Promise.resolve(false);
    item.forward = structuredClone(forward);
    return Promise.resolve(true);
  }

  public finishForward(approvalId: string, forward: ToolCallForward): Promise<void> {
    const item = this.items.get(approvalId);
    if (item?.forward?.claimedAt !== forward.claimedAt || item.forward.result || item.forward.failure !== undefined)
      return Promise.reject(new Error('ConditionalCheckFailed'));
    item.forward = structuredClone(forward);
    return Promise.resolve();
  }

  public listForAgent(agent: string, limit: number): Promise<McpApproval[]> {
    const mine = [...this.items.values()].filter((a) => a.agent === agent);
    mine.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt) || b.approvalId.localeCompare(a.approvalId));
    return Promise.resolve(mine.slice(0, limit).map((a) => structuredClone(a)));
  }
}
