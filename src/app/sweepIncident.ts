import { announcementClaimable } from '../domain/announcement';
import { nextEscalation } from '../domain/escalation';
import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { isApprovalTier } from '../domain/tiers';
import { refreshCard } from './cards';
import { deliverDecision } from './deliverDecision';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { escalate } from './escalate';
import { expire } from './expire';
import { postIfMissing } from './postCard';
import { recordPolicy } from './routing';
import type { SweepReport } from './sweepReport';

/** What one incident's due work needs: the store and ledger, the workflow (expiry, re-drive) and Slack (cards, pages). */
type SweepIncidentDeps = IncidentChangeDeps & Pick<AppDeps, 'ledger' | 'workflow'>;

/** A card not posted this long after the request is posted by the sweep (ingest is done or gave up by then). */
const MISSING_CARD_AFTER_MS = 60_000;
/** A decision older than this without delivery is re-driven (a crash or an outage in between). */
const REDRIVE_AFTER_MS = 5_000;

/**
 * One open incident's due work: post a card shown nowhere, expire, escalate,
 * re-drive a decision, fix a stale card.
 * @returns `announce` when its decision's notices are due (sent after every incident's other work)
 */
export async function sweepIncident(
  deps: SweepIncidentDeps,
  record: IncidentRecord,
  now: Date,
  report: SweepReport,
): Promise<'announce' | undefined> {
  const id = record.incident.id;
  // Shown nowhere for a while: ingest's post failed past its retries. Post it now.
  if (!record.ts && !record.shownIn && now.getTime() - Date.parse(record.requestedAt) >= MISSING_CARD_AFTER_MS) {
    if (await postIfMissing(deps, id)) report.posted.push(id);
  }
  if (record.status === IncidentStatus.Pending && record.deadline && now.getTime() >= Date.parse(record.deadline)) {
    if (await expire(deps, id)) report.expired.push(id);
    return undefined;
  }
  if (record.status === IncidentStatus.Pending && isApprovalTier(record.tier)) {
    await escalateIfDue(deps, record, now, report);
  }
  if (
    record.delivery === DeliveryStatus.Pending &&
    now.getTime() - Date.parse(record.decidedAt ?? record.requestedAt) >= REDRIVE_AFTER_MS
  ) {
    report.redriven.push({ incidentId: id, outcome: await deliverDecision(deps, id) });
    return undefined;
  }
  if (record.cardStale && (await refreshCard(deps, id))) report.cardsFixed.push(id);
  // After delivery (a decision is never held up by its notices): the thread line and the requester's DM.
  if (record.delivery !== DeliveryStatus.Pending && announcementClaimable(record, now)) return 'announce';
  return undefined;
}

/** Pages the next on-call level when a pending request's policy says it is due, and counts a missed SLA. */
async function escalateIfDue(
  deps: SweepIncidentDeps,
  record: IncidentRecord,
  now: Date,
  report: SweepReport,
): Promise<void> {
  const policy = recordPolicy(deps, record);
  const step = nextEscalation(
    {
      requestedAt: record.requestedAt,
      escalationLevel: record.escalationLevel,
      ...(record.acknowledgedAt && { acknowledgedAt: record.acknowledgedAt }),
    },
    policy,
    now,
  );
  if (step) {
    const users = await escalate(deps, record, step);
    if (users.length > 0) report.escalated.push({ incidentId: record.incident.id, level: step.level, users });
  }
  if (Date.parse(record.requestedAt) + policy.ackSlaSeconds * 1000 <= now.getTime() && !record.acknowledgedAt) {
    deps.telemetry.metric('ApprovalsPastSla');
  }
}
