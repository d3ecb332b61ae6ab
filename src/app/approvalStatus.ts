import type { WorkflowDecisionOutput } from '../domain/messages';
import type { Receipt } from '../domain/receipt';
import type { McpApproval } from '../services/McpApprovals';

/** Where an agent's request stands, as `get_approval` and a task's result report it. */
export interface ApprovalStatus {
  status: 'pending' | 'approved' | 'denied' | 'expired';
  approvalId: string;
  incidentId: string;
  decision?: WorkflowDecisionOutput['decision'];
  decidedBy?: string[];
  decidedAt?: string;
  ledgerHash?: string;
  reason?: string;
  receipt?: Receipt;
  /** Decided in dry run (`DRY_RUN`): nothing is to run, whatever the decision (the receipt expired when issued). */
  dryRun?: true;
}

const STATUS_OF_DECISION = {
  approve: 'approved',
  // A rollback undoes a containment: the proposed action is not to be carried out.
  rollback: 'denied',
  deny: 'denied',
  expired: 'expired',
} as const;

/** The status of a stored request. */
export function statusOf(approval: McpApproval): ApprovalStatus {
  const base = { approvalId: approval.approvalId, incidentId: approval.incidentId };
  const o = approval.outcome;
  if (!o) return { status: 'pending', ...base };
  return {
    status: STATUS_OF_DECISION[o.decision],
    ...base,
    decision: o.decision,
    decidedBy: o.decidedBy,
    decidedAt: o.decidedAt,
    ledgerHash: o.ledgerHash,
    ...(o.reason !== undefined && { reason: o.reason }),
    ...(o.receipt && { receipt: o.receipt }),
    ...(o.dryRun && { dryRun: true as const }),
  };
}
