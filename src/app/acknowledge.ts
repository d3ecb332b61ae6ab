import { ErrorCode } from '../errors';
import { IncidentStatus } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { onCallAt } from '../domain/escalation';
import { tierPolicy } from '../domain/policy';
import type { RiskTier } from '../domain/tiers';
import { isApprover } from './approvers';
import { refreshCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import type { AppDeps } from './deps';

export type MarkResult = { kind: 'done'; message: string } | { kind: 'rejected'; code: string; message: string };

/** Whether the user may act on the incident at all: an approver, or on call now. */
async function mayRespond(deps: AppDeps, tier: RiskTier, userId: string): Promise<boolean> {
  if (deps.config.onCall.length > 0) {
    const oc = onCallAt(deps.config.onCall, deps.clock.now());
    if (oc.primary === userId || oc.secondary === userId) return true;
  }
  return isApprover(deps, tierPolicy(deps.config.policy, tier), userId);
}

/** "I'm on it": stops escalation and starts the time-to-decide clock. Signed like every other step. */
export async function acknowledge(deps: AppDeps, input: { incidentId: string; userId: string }): Promise<MarkResult> {
  const result = await commitWithRetry<MarkResult>(deps, input.incidentId, async ({ record }) => {
    if (record.status !== IncidentStatus.Pending) {
      return {
        kind: 'stop',
        result: { kind: 'rejected', code: ErrorCode.AlreadyDecided, message: 'This request is no longer waiting.' },
      };
    }
    if (record.acknowledgedAt !== undefined) {
      return {
        kind: 'stop',
        result: { kind: 'done', message: `Already acknowledged by <@${record.acknowledgedBy ?? 'unknown'}>.` },
      };
    }
    if (!(await mayRespond(deps, record.tier, input.userId))) {
      return {
        kind: 'stop',
        result: {
          kind: 'rejected',
          code: ErrorCode.NotAllowedToDecide,
          message: 'Only approvers and the on-call responders can acknowledge.',
        },
      };
    }
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      next: { ...record, acknowledgedAt: at, acknowledgedBy: input.userId },
      drafts: [{ type: LedgerEntryType.Acknowledged, actor: input.userId, at }],
      result: { kind: 'done', message: 'Acknowledged: escalation stopped. Approve or deny on the card.' },
    };
  });
  if (result.kind === 'done') await refreshCard(deps, input.incidentId);
  return result;
}

/** Marks an incident a false positive (feeds the false-positive rate in `/chainsec stats`). */
export async function markFalsePositive(
  deps: AppDeps,
  input: { incidentId: string; userId: string },
): Promise<MarkResult> {
  const result = await commitWithRetry<MarkResult>(deps, input.incidentId, async ({ record }) => {
    if (record.falsePositive) {
      return {
        kind: 'stop',
        result: { kind: 'done', message: `Already marked a false positive by <@${record.falsePositive.by}>.` },
      };
    }
    if (!(await mayRespond(deps, record.tier, input.userId))) {
      return {
        kind: 'stop',
        result: {
          kind: 'rejected',
          code: ErrorCode.NotAllowedToDecide,
          message: 'Only approvers and the on-call responders can mark false positives.',
        },
      };
    }
    const at = deps.clock.now().toISOString();
    return {
      kind: 'commit',
      next: { ...record, falsePositive: { by: input.userId, at } },
      drafts: [{ type: LedgerEntryType.FalsePositive, actor: input.userId, at }],
      result: { kind: 'done', message: 'Marked as a false positive.' },
    };
  });
  if (result.kind === 'done') await refreshCard(deps, input.incidentId);
  return result;
}
