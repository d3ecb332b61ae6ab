import type { LedgerEntry } from '../../../src/domain/ledger';
import { mergeOutbox, splitConflicts } from '../../../src/domain/ledgerMerge';
import type { Ledger } from '../../../src/services/Ledger';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

/** The table's entries plus the outboxes' (src/domain/ledgerMerge.ts), as DynamoDbLedger merges them. */
function merged(fromTable: LedgerEntry[], unpublished: readonly string[]): LedgerEntry[] {
  return mergeOutbox(
    fromTable,
    unpublished.map((json) => JSON.parse(json) as LedgerEntry),
  );
}

/** {@link Ledger} in memory: the ledger table completed by the incidents' outboxes. */
export class InMemoryLedger implements Ledger {
  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async chain(incidentId: string): Promise<LedgerEntry[]> {
    const stored = await this.table.read(incidentId, 'ledger.read');
    const fromTable = (await this.table.ledgerEntries()).filter((e) => e.incidentId === incidentId);
    return splitConflicts(merged(fromTable, stored?.internal?.unpublished ?? [])).chains;
  }

  public async all(scope: { incidentId?: string } = {}): Promise<LedgerEntry[]> {
    const { incidentId } = scope;
    const holding = (await this.table.readAll('ledger.read')).filter(
      (s) => incidentId === undefined || s.record.incident.id === incidentId,
    );
    const inScope = (e: LedgerEntry): boolean => incidentId === undefined || e.incidentId === incidentId;
    const fromTable = (await this.table.ledgerEntries()).filter(inScope);
    return merged(
      fromTable,
      holding.flatMap((s) => s.internal?.unpublished ?? []),
    );
  }
}
