import type { LedgerEntry } from '../../domain/ledger';
import type { Ledger } from '../Ledger';
import { queryAll, scanAll } from './documentClient';
import type { IncidentItems } from './IncidentItems';
import { internalOf } from './incidentItem';
import { entryOf, placeOf } from './tableLayout';

/**
 * The table's entries plus the unpublished ones whose place the table does
 * not hold yet: chains grouped by incident, each in seq order.
 */
function withUnpublished(fromTable: LedgerEntry[], unpublished: readonly string[]): LedgerEntry[] {
  const places = new Set(fromTable.map(placeOf));
  const extra = unpublished.map((json) => JSON.parse(json) as LedgerEntry).filter((e) => !places.has(placeOf(e)));
  return [...fromTable, ...extra].sort((a, b) =>
    a.incidentId === b.incidentId ? a.seq - b.seq : a.incidentId < b.incidentId ? -1 : 1,
  );
}

/** {@link Ledger} reads: the ledger table, completed by the incidents' outboxes. */
export class DynamoDbLedger implements Ledger {
  public constructor(private readonly items: IncidentItems) {}

  public async chain(incidentId: string): Promise<LedgerEntry[]> {
    // The incident first: an entry published between the two reads is then found in the table.
    const stored = await this.items.get(incidentId);
    const fromTable = await queryAll(this.items.client, {
      TableName: this.items.ledgerTable,
      KeyConditionExpression: 'incidentId = :i',
      ExpressionAttributeValues: { ':i': incidentId },
      ConsistentRead: true,
    });
    return withUnpublished(fromTable.map(entryOf), stored ? internalOf(stored).unpublished : []);
  }

  public async all(): Promise<LedgerEntry[]> {
    const holding = await this.items.holdingUnpublished();
    const fromTable = await scanAll(this.items.client, { TableName: this.items.ledgerTable, ConsistentRead: true });
    return withUnpublished(fromTable.map(entryOf), holding.flatMap((s) => internalOf(s).unpublished));
  }
}
