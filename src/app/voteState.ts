import type { EffectivePolicy } from '../domain/effectivePolicy';
import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import type { ApprovalState, Vote, VoteOutcome, VoteSurface } from '../domain/votes';
import type { EntryDraft } from './ledgerWriter';

/** The vote rules' view of a record (shared by recording a vote and previewing one). */
export function approvalState(record: IncidentRecord): ApprovalState {
  return {
    status:
      record.status === IncidentStatus.Pending
        ? 'pending'
        : record.status === IncidentStatus.Expired
          ? 'expired'
          : 'decided',
    votes: record.votes,
    deadline: record.deadline ?? record.requestedAt,
    ...(record.requestedBy !== undefined && { requestedBy: record.requestedBy }),
    rollbackPossible: record.containment !== undefined,
    ...(record.decision !== undefined && { decision: record.decision }),
    ...(record.decidedBy !== undefined && { decidedBy: record.decidedBy }),
    ...(record.channel !== undefined &&
      record.ts !== undefined && { card: { channel: record.channel, ts: record.ts } }),
  };
}

/**
 * What a counted vote writes: its signed `vote` entry, the `decision` entry
 * when it completes the quorum, and the record with the vote (an
 * acknowledgement too) and, then, the decision waiting for delivery.
 */
export function votedRecord(
  record: IncidentRecord,
  vote: Vote,
  outcome: Extract<VoteOutcome, { kind: 'recorded' }>,
  { policy, surface }: { policy: EffectivePolicy; surface: VoteSurface },
): { next: IncidentRecord; drafts: EntryDraft[] } {
  const { at, userId } = vote;
  const drafts: EntryDraft[] = [
    {
      type: LedgerEntryType.Vote,
      actor: userId,
      at,
      choice: vote.choice,
      channel: surface.kind === 'app_home' ? 'app_home' : surface.channelId,
      reason: vote.reason,
    },
  ];
  let next: IncidentRecord = {
    ...record,
    votes: [...record.votes, vote],
    // A vote is an acknowledgement: escalation stops.
    ...(record.acknowledgedAt === undefined && { acknowledgedAt: at, acknowledgedBy: userId }),
  };
  if (outcome.decision) {
    drafts.push({
      type: LedgerEntryType.Decision,
      actor: userId,
      at,
      decision: outcome.decision.decision,
      decidedBy: outcome.decision.decidedBy,
      tier: record.tier,
      // Which rule decided (and how many it needed): the two-person rule is provable from the ledger.
      rule: policy.rule,
      approvalsNeeded: policy.approvalsNeeded,
      actionDigest: record.actionDigest ?? null,
      // A rollback allows undoing the containment: the digest of that action is what its receipt binds.
      ...(outcome.decision.decision === 'rollback' && { rollbackActionDigest: record.containmentDigest ?? null }),
    });
    next = {
      ...next,
      status: IncidentStatus.Decided,
      decision: outcome.decision.decision,
      decidedBy: outcome.decision.decidedBy,
      decidedAt: at,
      delivery: DeliveryStatus.Pending,
    };
  }
  return { next, drafts };
}
