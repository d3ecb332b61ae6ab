import { buildFindingRepeatReply } from '../blocks/threadReply';
import type { Incident } from '../domain/incident';
import type { IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType, type JsonValue } from '../domain/ledger';
import { Origin } from '../domain/origin';
import { showCard } from './cards';
import { commitWithRetry } from './commitWithRetry';
import type { IncidentChangeDeps } from './deps';
import type { IngestOutcome } from './ingestOutcome';

/** What folding a re-emitted finding needs: its store and ledger, and its card. */
type FoldFindingDeps = IncidentChangeDeps;

/**
 * A detector's finding delivered again (same finding id, so the same
 * incident id) with a higher count: updates the stored incident with a signed
 * `incident_updated` entry (what changed, from what), refreshes its card (the
 * count and last seen) and adds one line in its thread. Nothing when the
 * incident is not a finding or the count did not grow (a plain redelivery).
 * The caller has checked that the detector's own route delivered it.
 */
export async function foldFinding(deps: FoldFindingDeps, incident: Incident): Promise<IngestOutcome | undefined> {
  if (incident.kind !== 'finding') return undefined;
  const before = (await deps.incidents.get(incident.id))?.record.incident;
  if (before?.kind !== 'finding' || incident.finding.count <= before.finding.count) return undefined;
  const at = deps.clock.now().toISOString();
  const written = await commitWithRetry(deps, incident.id, ({ record: r }) => {
    if (r.incident.kind !== 'finding' || incident.finding.count <= r.incident.finding.count)
      return { kind: 'stop' as const, result: undefined };
    const next: IncidentRecord = { ...r, incident: { ...r.incident, finding: incident.finding } };
    return {
      kind: 'commit' as const,
      next,
      result: next as IncidentRecord | undefined,
      drafts: [
        {
          type: LedgerEntryType.IncidentUpdated,
          actor: 'workflow',
          at,
          origin: Origin.Detector,
          previous: { count: r.incident.finding.count, lastSeen: r.incident.finding.lastSeen ?? null },
          finding: incident.finding as unknown as JsonValue,
        },
      ],
    };
  });
  if (!written) return undefined;
  deps.telemetry.info('finding re-emitted; incident updated', {
    incidentId: incident.id,
    count: incident.finding.count,
  });
  deps.telemetry.metric('FindingsFolded');
  const shown = (await deps.incidents.get(incident.id))?.record ?? written;
  if (shown.channel && shown.ts) {
    await deps.slack.post(shown.channel, buildFindingRepeatReply(shown, before.finding.count), shown.ts);
    await showCard(deps, shown);
  }
  return { kind: 'updated', incidentId: incident.id, count: incident.finding.count };
}
