import { ErrorCode } from '../errors';
import { announceDecision } from './announceDecision';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { renderDoc } from './noiseDocs';
import { alertUnreachableRoutes } from './routeAlerts';
import { sweepIncident } from './sweepIncident';
import { newSweepReport, type SweepReport } from './sweepReport';
import { writeAnchor } from './writeAnchor';

/**
 * What the sweep needs: the store and ledger, the workflow (re-drive), Slack
 * (cards, escalations, notices, digests), the side documents and, when there
 * is one, the anchor store.
 */
type SweepDeps = IncidentChangeDeps & Pick<AppDeps, 'ledger' | 'workflow' | 'sideDocs' | 'anchors'>;

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
  const report = newSweepReport(now);
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
