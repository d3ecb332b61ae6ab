import type { LedgerEntry } from '../../../src/domain/ledger';
import type { StoredIncident } from '../../../src/services/IncidentRepository';
import type { LedgerOutbox, PublishReport } from '../../../src/services/LedgerOutbox';
import { otherCallersFirst } from './Faults';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

/** {@link LedgerOutbox} in memory: the incident's unpublished entries to the in-memory ledger table. */
export class InMemoryLedgerOutbox implements LedgerOutbox {
  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async publish(incidentId: string, known?: StoredIncident): Promise<number> {
    const stored = known ?? (await this.table.read(incidentId));
    const held = stored?.internal?.unpublished ?? [];
    if (!stored || held.length === 0) return 0;
    await otherCallersFirst();
    this.table.faults.check('outbox.publish');
    for (const json of held) this.table.putLedgerEntry(JSON.parse(json) as LedgerEntry, json);
    // As in DynamoDB: dropped only if nobody wrote since (that writer carried them along).
    this.table.dropUnpublished(incidentId, stored.version);
    return held.length;
  }

  public async publishAll(): Promise<PublishReport> {
    const report: PublishReport = { published: 0, failures: [] };
    const holding = (await this.table.readAll()).filter((s) => (s.internal?.unpublished.length ?? 0) > 0);
    for (const stored of holding) {
      const incidentId = stored.record.incident.id;
      try {
        report.published += await this.publish(incidentId, stored);
      } catch (e) {
        report.failures.push({ incidentId, error: e instanceof Error ? e : new Error(String(e)) });
      }
    }
    return report;
  }
}
