import type { LedgerEntry } from '../../../src/domain/ledger';
import type { Ledger } from '../../../src/services/Ledger';
import type { InMemoryIncidentTable } from './InMemoryIncidentTable';

const place = (e: LedgerEntry): string => `${e.incidentId}#${e.seq}`;

/** The table's entries plus the unpublished ones it does not hold yet, grouped by incident, in seq order. */
function merged(fromTable: LedgerEntry[], unpublished: readonly string[]): LedgerEntry[] {
  const places = new Set(fromTable.map(place));
  const extra = unpublished.map((json) => JSON.parse(json) as LedgerEntry).filter((e) => !places.has(place(e)));
  return [...fromTable, ...extra].sort((a, b) =>
    a.incidentId === b.incidentId ? a.seq - b.seq : a.incidentId < b.incidentId ? -1 : 1,
  );
}

/** {@link Ledger} in memory: the ledger table completed by the incidents' outboxes. */
export class InMemoryLedger implements Ledger {
  public constructor(private readonly table: InMemoryIncidentTable) {}

  public async chain(incidentId: string): Promise<LedgerEntry[]> {
    const stored = await this.table.read(incidentId, 'ledger.read');
    const fromTable = (await this.table.ledgerEntries()).filter((e) => e.incidentId === incidentId);
    return merged(fromTable, stored?.internal?.unpublished ?? []);
  }

  public async all(): Promise<LedgerEntry[]> {
    const holding = await this.table.readAll('ledger.read');
    return merged(await this.table.ledgerEntries(), holding.flatMap((s) => s.internal?.unpublished ?? []));
  }
}
