import type { LedgerEntry } from '../../domain/ledger';
import { mergeOutbox, splitConflicts } from '../../domain/ledgerMerge';
import type { StoredIncident } from '../IncidentRepository';
import type { Ledger } from '../Ledger';
import { queryAll, scanAll } from './documentClient';
import type { IncidentItems } from './IncidentItems';
import { internalOf } from './incidentItem';
import { entryOf } from './tableLayout';

const unpublishedOf = (holding: readonly StoredIncident[]): LedgerEntry[] =>
  holding.flatMap((s) => internalOf(s).unpublished).map((json) => JSON.parse(json) as LedgerEntry);

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
    // A conflicting outbox entry is left out here, the table's kept, as before; the export shows both.
    return splitConflicts(mergeOutbox(fromTable.map(entryOf), unpublishedOf(stored ? [stored] : []))).chains;
  }

  public async all(scope: { incidentId?: string } = {}): Promise<LedgerEntry[]> {
    const { incidentId } = scope;
    // The outboxes first: an entry published between the two reads is then found in the table.
    const holding =
      incidentId === undefined
        ? await this.items.holdingUnpublished()
        : [await this.items.get(incidentId)].filter((s) => s !== undefined);
    const fromTable =
      incidentId === undefined
        ? await scanAll(this.items.client, { TableName: this.items.ledgerTable, ConsistentRead: true })
        : await queryAll(this.items.client, {
            TableName: this.items.ledgerTable,
            KeyConditionExpression: 'incidentId = :i',
            ExpressionAttributeValues: { ':i': incidentId },
            ConsistentRead: true,
          });
    return mergeOutbox(fromTable.map(entryOf), unpublishedOf(holding));
  }
}
