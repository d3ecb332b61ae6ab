import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LedgerConflictError } from '../../errors';
import { hasWorkLeft } from '../../domain/incidentRecord';
import type { LedgerEntry } from '../../domain/ledger';
import type { StoredIncident } from '../IncidentRepository';
import type { LedgerOutbox, PublishReport } from '../LedgerOutbox';
import type { IncidentItems } from './IncidentItems';
import { internalOf, placeOfJson, UNPUBLISHED } from './incidentItem';
import { incidentKey, isConditionFailure, ledgerEntryPut, versionIs } from './tableLayout';

/** {@link LedgerOutbox} from the incident items' `unpublishedEntries` to the ledger table. */
export class DynamoDbLedgerOutbox implements LedgerOutbox {
  public constructor(private readonly items: IncidentItems) {}

  public async publish(incidentId: string, known?: StoredIncident): Promise<number> {
    const stored = known ?? (await this.items.get(incidentId));
    const held = stored ? internalOf(stored).unpublished : [];
    if (!stored || held.length === 0) return 0;
    const entries = this.items.stillUnpublished(held);
    await Promise.all(entries.map((json) => this.putEntry(JSON.parse(json) as LedgerEntry, json)));
    for (const json of entries) this.items.remember(placeOfJson(json));
    // Drop them from the incident, unless someone wrote since: that writer
    // carried them along, and the next publication (or the sweep) drops them.
    // The version stays: this changes nothing a reader of the record sees.
    const closes = !hasWorkLeft(stored.record);
    try {
      await this.items.client.send(
        new UpdateCommand({
          TableName: this.items.incidentsTable,
          Key: incidentKey(incidentId),
          UpdateExpression: closes ? 'REMOVE #u, pendingPk, pendingSk' : 'REMOVE #u',
          ExpressionAttributeNames: { '#u': UNPUBLISHED },
          ...versionIs(stored.version),
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    return entries.length;
  }

  public async publishAll(): Promise<PublishReport> {
    const report: PublishReport = { published: 0, failures: [] };
    for (const stored of await this.items.holdingUnpublished()) {
      const incidentId = stored.record.incident.id;
      try {
        report.published += await this.publish(incidentId, stored);
      } catch (e) {
        // One incident's failure (a conflict, an outage) never stops the others.
        report.failures.push({ incidentId, error: e as Error & { code?: string } });
      }
    }
    return report;
  }

  /** Puts one entry where its place is free; a place holding the same entry is fine (a repeat). */
  private async putEntry(entry: LedgerEntry, json: string): Promise<void> {
    const { client, ledgerTable } = this.items;
    try {
      await client.send(new PutCommand(ledgerEntryPut(ledgerTable, entry, json)));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const key = { incidentId: entry.incidentId, seq: entry.seq };
      const out = await client.send(new GetCommand({ TableName: ledgerTable, Key: key, ConsistentRead: true }));
      if (out.Item?.hash !== entry.hash) {
        const details = { incidentId: entry.incidentId, seq: entry.seq, hash: entry.hash, stored: out.Item?.hash };
        throw new LedgerConflictError(details, { cause: e });
      }
    }
  }
}
