import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, ReplayedRequestError } from '../../errors';
import type { IncidentRecord } from '../../domain/incidentRecord';
import type { LedgerEntry } from '../../domain/ledger';
import type { CreateResult, IncidentRepository, RecordMutation, StoredIncident } from '../IncidentRepository';
import type { OnceClaim } from '../RequestClaims';
import { queryAll } from './documentClient';
import type { IncidentItems } from './IncidentItems';
import { internalOf, keysFor, toStored, withClaim } from './incidentItem';
import {
  BY_DAY_INDEX,
  dayPartition,
  isConditionFailure,
  ITEM_ABSENT,
  ledgerEntryPut,
  OPEN,
  PENDING_INDEX,
} from './tableLayout';

const MAX_UPDATE_ATTEMPTS = 6;

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
      const existing = await this.get(record.incident.id);
      if (!existing) {
        const details = { incidentId: record.incident.id };
        throw new ConcurrentUpdateError('incident create conflicted but no incident exists', details, { cause: e });
      }
      return { created: false, existing };
    }
  }

  public get(incidentId: string): Promise<StoredIncident | undefined> {
    return this.items.get(incidentId);
  }

  public commit(
    current: StoredIncident,
    next: IncidentRecord,
    entries: readonly LedgerEntry[],
    claim?: OnceClaim,
  ): Promise<StoredIncident> {
    const { unpublished, claims } = internalOf(current);
    // The claims read with `current` are the item's: the version condition makes the check atomic.
    const kept = claim ? withClaim(claims, claim) : claims;
    if (!kept) return Promise.reject(new ReplayedRequestError({ incidentId: next.incident.id }));
    // One conditional PutItem: the record, its entries (the outbox, as their exact JSON) and the claim.
    const outbox = [...unpublished, ...entries.map((e) => JSON.stringify(e))];
    return this.items.putOver(current, next, { unpublished: outbox, claims: kept });
  }

  public async update(
    incidentId: string,
    mutate: RecordMutation,
    known?: StoredIncident,
  ): Promise<IncidentRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && known ? known : await this.items.get(incidentId);
      if (!current) return undefined;
      const next = mutate(current.record);
      if (!next) return current.record;
      try {
        await this.items.putOver(current, next);
        return next;
      } catch (e) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
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
