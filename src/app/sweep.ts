import { ErrorCode } from '../errors';
import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../domain/incidentRecord';
import { nextEscalation } from '../domain/escalation';
import { escalate } from './escalate';
import { isApprovalTier } from '../domain/tiers';
import { refreshCard } from './cards';
import { expire } from './expire';
import { deliverDecision } from './deliverDecision';
import { announceDecision } from './announceDecision';
import { announcementClaimable } from '../domain/announcement';
import type { AppDeps } from './deps';
import { postIfMissing } from './postCard';
import { renderDoc } from './noiseDocs';
import { alertUnreachableRoutes } from './routeAlerts';
import { recordPolicy } from './routing';
import { writeAnchor } from './writeAnchor';

/** What one sweep did, incident ids by kind of work. */
export interface SweepReport {
  now: string;
  escalated: Array<{ incidentId: string; level: number; users: string[] }>;
  expired: string[];
  redriven: Array<{ incidentId: string; outcome: string }>;
  cardsFixed: string[];
  /** Decisions whose notices (thread line, requester DM) were sent. */
  announced: string[];
  /** Cards posted late (their first post failed) and digests / threads brought up to date. */
  posted: string[];
  /** Ledger entries committed but left unpublished (a crash or an outage after the commit), now in the ledger table. */
  entriesPublished: number;
  /** Route channels the bot is not in, alerted about by this sweep (once each, across sweeps). */
  routeAlerts: string[];
  /** The anchor written by this sweep, if the ledger changed since the last one. */
  anchor?: { seq: number; chains: number };
  errors: Array<{ incidentId: string; error: string }>;
}

/**
 * What the sweep needs: the store and ledger, the workflow (re-drive), Slack
 * (cards, escalations, notices, digests), the side documents and, when there
 * is one, the anchor store.
 */
type SweepDeps = Pick<
  AppDeps,
  | 'config'
  | 'clock'
  | 'slack'
  | 'incidents'
  | 'outbox'
  | 'ledger'
  | 'signer'
  | 'telemetry'
  | 'workflow'
  | 'sideDocs'
  | 'anchors'
>;

/** A card not posted this long after the request is posted by the sweep (ingest is done or gave up by then). */
const MISSING_CARD_AFTER_MS = 60_000;
/** A decision older than this without delivery is re-driven (a crash or an outage in between). */
const REDRIVE_AFTER_MS = 5_000;

/**
 * The scheduled sweep (every minute in AWS; `POST /sandbox/tick` locally):
 * expires requests past their deadline (fail closed), escalates unacknowledged
 * ones to on-call, re-drives decisions stored but not delivered, fixes
 * cards whose update failed, alerts once about each route channel the bot is
 * not in, publishes ledger entries left unpublished, and anchors every chain's head in write-once storage when the ledger changed.
 * One incident's failure never stops the others.
 */
export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  const report: SweepReport = {
    now: now.toISOString(),
    escalated: [],
    expired: [],
    redriven: [],
    cardsFixed: [],
    announced: [],
    posted: [],
    entriesPublished: 0,
    routeAlerts: [],
    errors: [],
  };
  const toAnnounce: string[] = [];
  for (const record of await deps.incidents.listOpen()) {
    const id = record.incident.id;
    try {
      if ((await sweepIncident(deps, record, now, report)) === 'announce') toAnnounce.push(id);
    } catch (e) {
      deps.telemetry.error('sweep step failed', { incidentId: id, error: (e as Error).message });
      report.errors.push({ incidentId: id, error: (e as Error).message });
    }
  }
  // After every expiry, escalation and re-drive: a thread post may wait out Slack's channel rate limit.
  for (const id of toAnnounce) {
    try {
      if ((await announceDecision(deps, id)) === 'announced') report.announced.push(id);
    } catch (e) {
      deps.telemetry.error('sweep step failed', { incidentId: id, error: (e as Error).message });
      report.errors.push({ incidentId: id, error: (e as Error).message });
    }
  }
  for (const doc of await deps.sideDocs.listOpen()) {
    try {
      if (await renderDoc(deps, doc.key, true)) report.posted.push(doc.key);
    } catch (e) {
      report.errors.push({ incidentId: doc.key, error: (e as Error).message });
    }
  }
  try {
    report.routeAlerts = await alertUnreachableRoutes(deps);
  } catch (e) {
    deps.telemetry.error('sweep could not alert about unreachable routes', { error: (e as Error).message });
    report.errors.push({ incidentId: 'routes', error: (e as Error).message });
  }
  // Last: the work above publishes its own entries.
  await publishLeftovers(deps, report);
  // After publishing, so the anchor names what the ledger table holds.
  if (deps.anchors) await anchor({ ...deps, anchors: deps.anchors }, report);
  return report;
}

/**
 * Writes the anchor, if due. A failure (storage down, key unavailable) counts a
 * missed anchor (`AnchorsMissed`; its alarm fires after 3 sweeps in a row) and
 * leaves the anchor due, so the next sweep writes it.
 */
async function anchor(deps: SweepDeps & Required<Pick<SweepDeps, 'anchors'>>, report: SweepReport): Promise<void> {
  try {
    const outcome = await writeAnchor(deps);
    if (outcome.written) {
      report.anchor = { seq: outcome.seq, chains: outcome.chains };
      deps.telemetry.metric('AnchorsWritten');
    }
  } catch (e) {
    const error = e as Error & { code?: string };
    deps.telemetry.error('anchor not written; the next sweep retries', { code: error.code, error: error.message });
    deps.telemetry.metric('AnchorsMissed');
    report.errors.push({ incidentId: 'anchor', error: error.message });
  }
}

/**
 * One open incident's due work: post a card shown nowhere, expire, escalate,
 * re-drive a decision, fix a stale card.
 * @returns `announce` when its decision's notices are due (sent after every incident's other work)
 */
async function sweepIncident(
  deps: SweepDeps,
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
async function escalateIfDue(deps: SweepDeps, record: IncidentRecord, now: Date, report: SweepReport): Promise<void> {
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

/** Publishes ledger entries committed but left unpublished (a crash or an outage after the commit). */
async function publishLeftovers(deps: Pick<SweepDeps, 'outbox' | 'telemetry'>, report: SweepReport): Promise<void> {
  try {
    const { published, failures } = await deps.outbox.publishAll();
    report.entriesPublished = published;
    for (const { incidentId, error } of failures) {
      deps.telemetry.error('ledger entries left unpublished', { incidentId, code: error.code, error: error.message });
      if (error.code === ErrorCode.LedgerConflict) deps.telemetry.metric('LedgerConflicts');
      report.errors.push({ incidentId, error: error.message });
    }
  } catch (e) {
    deps.telemetry.error('sweep could not list unpublished ledger entries', { error: (e as Error).message });
    report.errors.push({ incidentId: 'ledger', error: (e as Error).message });
  }
}
