import { buildEscalationDm } from '../blocks';
import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { nextEscalation, onCallAt, type EscalationStep } from '../domain/escalation';
import { isApprovalTier } from '../domain/tiers';
import { refreshCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import { deliverDecision } from './deliverDecision';
import type { AppDeps } from './deps';

/** What one sweep did, incident ids by kind of work. */
export interface SweepReport {
  now: string;
  escalated: Array<{ incidentId: string; level: number; users: string[] }>;
  expired: string[];
  redriven: Array<{ incidentId: string; outcome: string }>;
  cardsFixed: string[];
  errors: Array<{ incidentId: string; error: string }>;
}

/** A decision older than this without delivery is re-driven (a crash or an outage in between). */
const REDRIVE_AFTER_MS = 5_000;

/**
 * The scheduled sweep (every minute in AWS; `POST /sandbox/tick` locally):
 * expires requests past their deadline (fail closed), escalates unacknowledged
 * ones to on-call, re-drives decisions stored but not delivered, and fixes
 * cards whose update failed. One incident's failure never stops the others.
 */
export async function sweep(deps: AppDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  const report: SweepReport = { now: now.toISOString(), escalated: [], expired: [], redriven: [], cardsFixed: [], errors: [] };
  const open = await deps.store.listOpen();
  for (const record of open) {
    const id = record.incident.id;
    try {
      if (record.status === IncidentStatus.Pending && record.deadline && now.getTime() >= Date.parse(record.deadline)) {
        if (await expire(deps, id)) report.expired.push(id);
        continue;
      }
      if (record.status === IncidentStatus.Pending && isApprovalTier(record.tier)) {
        const step = nextEscalation(
          { requestedAt: record.requestedAt, escalationLevel: record.escalationLevel, ...(record.acknowledgedAt && { acknowledgedAt: record.acknowledgedAt }) },
          deps.config.policy[record.tier],
          now,
        );
        if (step) {
          const users = await escalate(deps, record, step);
          if (users.length > 0) report.escalated.push({ incidentId: id, level: step.level, users });
        }
        if (Date.parse(record.requestedAt) + deps.config.policy[record.tier].ackSlaSeconds * 1000 <= now.getTime() && !record.acknowledgedAt) {
          deps.telemetry.metric('ApprovalsPastSla');
        }
      }
      if (record.delivery === DeliveryStatus.Pending && now.getTime() - Date.parse(record.decidedAt ?? record.requestedAt) >= REDRIVE_AFTER_MS) {
        report.redriven.push({ incidentId: id, outcome: await deliverDecision(deps, id) });
        continue;
      }
      if (record.cardStale && (await refreshCard(deps, id))) report.cardsFixed.push(id);
    } catch (e) {
      deps.telemetry.error('sweep step failed', { incidentId: id, error: (e as Error).message });
      report.errors.push({ incidentId: id, error: (e as Error).message });
    }
  }
  return report;
}

/** Expires a pending request: signed expiry + `expired` decision, then the workflow takes its fallback. */
export async function expire(deps: AppDeps, incidentId: string): Promise<boolean> {
  const expired = await commitWithRetry(deps, incidentId, ({ record }) => {
    if (record.status !== IncidentStatus.Pending) return { kind: 'stop', result: false };
    const at = deps.clock.now().toISOString();
    const fallback = isApprovalTier(record.tier) ? deps.config.policy[record.tier].onTimeout : 'deny';
    const effective = fallback === 'rollback' && record.containment ? 'rollback containment' : 'deny (fail closed)';
    return {
      kind: 'commit',
      result: true,
      next: { ...record, status: IncidentStatus.Expired, decision: 'expired', decidedBy: [], decidedAt: at, delivery: DeliveryStatus.Pending },
      drafts: [
        { type: LedgerEntryType.Expiry, actor: 'chainsec', at, deadline: record.deadline ?? null, fallback: effective },
        { type: LedgerEntryType.Decision, actor: 'chainsec', at, decision: 'expired', decidedBy: [], tier: record.tier },
      ],
    };
  });
  if (expired) {
    deps.telemetry.metric('Expiries');
    await deliverDecision(deps, incidentId);
  }
  return expired;
}

/**
 * DMs the on-call people for this escalation level, then records it (signed).
 * The DM goes first: if recording then loses a race with a decision, the
 * worst case is one extra DM, never a silent missed page.
 */
async function escalate(deps: AppDeps, record: IncidentRecord, step: EscalationStep): Promise<string[]> {
  if (deps.config.onCall.length === 0) {
    deps.telemetry.warn('no on-call schedule configured; cannot escalate', { incidentId: record.incident.id });
    return [];
  }
  const now = deps.clock.now();
  const onCall = onCallAt(deps.config.onCall, now);
  const permalink = record.channel && record.ts ? await deps.slack.permalink(record.channel, record.ts) : undefined;
  const users: string[] = [];
  for (const role of step.targets) {
    const user = onCall[role];
    if (users.includes(user)) continue;
    await deps.slack.dm(user, buildEscalationDm(record, { level: step.level, role, now, ...(permalink !== undefined && { permalink }) }));
    users.push(user);
  }
  await commitWithRetry(deps, record.incident.id, ({ record: current }) => {
    if (current.status !== IncidentStatus.Pending || current.escalationLevel >= step.level) return { kind: 'stop', result: undefined };
    const at = now.toISOString();
    return {
      kind: 'commit',
      result: undefined,
      next: { ...current, escalationLevel: step.level, lastEscalatedAt: at },
      drafts: [{ type: LedgerEntryType.Escalation, actor: 'chainsec', at, level: step.level, notified: users }],
    };
  });
  deps.telemetry.metric('Escalations');
  return users;
}

export { escalate };
