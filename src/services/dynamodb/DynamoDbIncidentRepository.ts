import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { IncidentRecord } from '../../domain/incidentRecord';
import type { LedgerEntry } from '../../domain/ledger';
import type { CreateResult, IncidentRepository, RecordMutation, StoredIncident } from '../IncidentRepository';
import type { OnceClaim } from '../RequestClaims';
import { committedInternals, createConflicted, updateWithRetry } from '../incidentWrites';
import { queryAll } from './documentClient';
import type { IncidentItems } from './IncidentItems';
import { keysFor, toStored } from './incidentItem';
import { commitWithClaim } from './DynamoDbRequestClaims';
import {
  BY_DAY_INDEX,
  dayPartition,
  isConditionFailure,
  ITEM_ABSENT,
  ledgerEntryPut,
  OPEN,
  PENDING_INDEX,
} from './tableLayout';

/** {@link IncidentRepository} on the incidents table: one item per incident (see tableLayout.ts). */
export class DynamoDbIncidentRepository implements IncidentRepository {
  public constructor(private readonly items: IncidentItems) {}

  public async create(
    record: IncidentRecord,
    taskToken: string | undefined,
    entries: readonly LedgerEntry[],
  ): Promise<CreateResult> {
    const { client, incidentsTable, ledgerTable } = this.items;
    const item = { ...record, ...keysFor(record), version: 1, ...(taskToken !== undefined && { taskToken }) };
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: incidentsTable, Item: item, ConditionExpression: ITEM_ABSENT } },
            ...entries.map((e) => ({ Put: ledgerEntryPut(ledgerTable, e) })),
          ],
        }),
      );
      return { created: true };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return createConflicted(record.incident.id, await this.get(record.incident.id), e);
    }
  }

  public get(incidentId: string): Promise<StoredIncident | undefined> {
    return this.items.get(incidentId);
  }

  public async commit(
    current: StoredIncident,
    next: IncidentRecord,
    entries: readonly LedgerEntry[],
    claim?: OnceClaim,
  ): Promise<StoredIncident> {
    // The record with its entries (the outbox) in one conditional PutItem; with the causing request's key
    // beside it in one transaction when there is a claim to take.
    const internals = committedInternals(current, entries);
    if (claim) return commitWithClaim(this.items, current, next, internals, claim);
    return this.items.putOver(current, next, internals);
  }

  public update(
    incidentId: string,
    mutate: RecordMutation,
    known?: StoredIncident,
  ): Promise<IncidentRecord | undefined> {
    const read = () => this.items.get(incidentId);
    return updateWithRetry(read, (current, next) => this.items.putOver(current, next), mutate, known);
  }

  public async listOpen(): Promise<IncidentRecord[]> {
    const items = await queryAll(this.items.client, {
      TableName: this.items.incidentsTable,
      IndexName: PENDING_INDEX,
      KeyConditionExpression: 'pendingPk = :p',
      ExpressionAttributeValues: { ':p': OPEN },
    });
    return items.map((i) => toStored(i).record);
  }

  public async listByDays(days: readonly string[]): Promise<IncidentRecord[]> {
    const perDay = await Promise.all(
      days.map((day) =>
        queryAll(this.items.client, {
          TableName: this.items.incidentsTable,
          IndexName: BY_DAY_INDEX,
          KeyConditionExpression: 'gsi1pk = :d',
          ExpressionAttributeValues: { ':d': dayPartition(day) },
        }),
      ),
    );
    return perDay.flat().map((i) => toStored(i).record);
  }
}
