import { createHash, randomUUID } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, ReplayedRequestError } from '../errors';
import { IncidentStatus, DeliveryStatus, type IncidentRecord } from '../domain/incidentRecord';
import type { LedgerEntry } from '../domain/ledger';
import { clientOptions } from './awsClients';
import type { IncidentStore, OnceClaim, RecordMutation, RejectedPayload, StoredIncident, VersionedDoc } from './IncidentStore';

/** Tables the store writes. */
export interface DynamoDbIncidentStoreOptions {
  incidentsTable: string;
  ledgerTable: string;
  callTimeoutMs: number;
  /** Injected for tests; built from the environment otherwise. */
  client?: DynamoDBDocumentClient;
}

const META = 'META';
const OPEN = 'OPEN';
/** Side documents (digests, patterns) with a Slack update still owed. */
const OPEN_DOCS = 'OPEN_DOCS';
/** DynamoDB items are at most 400 KB; rejected payloads are cut to this. */
const MAX_KEPT_PAYLOAD = 300_000;
const MAX_UPDATE_ATTEMPTS = 6;

/** Key and index attributes derived from a record: never set by hand. */
function keysFor(record: IncidentRecord): Record<string, string> {
  const id = record.incident.id;
  const keys: Record<string, string> = {
    pk: `INC#${id}`,
    sk: META,
    gsi1pk: `DAY#${record.requestedAt.slice(0, 10)}`,
    gsi1sk: `${record.requestedAt}#${id}`,
  };
  if (isOpen(record)) {
    keys.pendingPk = OPEN;
    keys.pendingSk = `${record.deadline ?? record.requestedAt}#${id}`;
  }
  return keys;
}

/** Work remains: a pending request, an undelivered decision, or a card to fix. */
export function isOpen(record: IncidentRecord): boolean {
  return (
    record.status === IncidentStatus.Pending ||
    record.delivery === DeliveryStatus.Pending ||
    record.cardStale === true ||
    // Shown nowhere yet (its post failed, or a crash came first): the sweep posts it.
    (!record.ts && !record.shownIn)
  );
}

const INTERNAL = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'pendingPk', 'pendingSk', 'taskToken', 'version', 'expiresAt']);

function toStored(item: Record<string, unknown>): StoredIncident {
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.has(k)) record[k] = v;
  return {
    record: record as unknown as IncidentRecord,
    ...(typeof item.taskToken === 'string' && { taskToken: item.taskToken }),
    version: typeof item.version === 'number' ? item.version : 0,
  };
}

function isConditionFailure(e: unknown): boolean {
  if (e instanceof ConditionalCheckFailedException) return true;
  if (e instanceof TransactionCanceledException) {
    return (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  return false;
}

/** {@link IncidentStore} on two DynamoDB tables (see template.yaml). */
export class DynamoDbIncidentStore implements IncidentStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly incidents: string;
  private readonly ledgerTable: string;

  public constructor(options: DynamoDbIncidentStoreOptions) {
    this.incidents = options.incidentsTable;
    this.ledgerTable = options.ledgerTable;
    this.doc =
      options.client ??
      DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(options.callTimeoutMs)), {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      });
  }

  private ledgerPuts(entries: readonly LedgerEntry[]) {
    // The entry is kept as its exact JSON so the hashed bytes survive any marshalling.
    return entries.map((e) => ({
      Put: {
        TableName: this.ledgerTable,
        Item: { incidentId: e.incidentId, seq: e.seq, type: e.type, at: e.at, hash: e.hash, entry: JSON.stringify(e) },
        ConditionExpression: 'attribute_not_exists(incidentId)',
      },
    }));
  }

  public async create(record: IncidentRecord, taskToken: string | undefined, entries: readonly LedgerEntry[]) {
    const item = { ...record, ...keysFor(record), version: 1, ...(taskToken !== undefined && { taskToken }) };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.incidents, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...this.ledgerPuts(entries),
          ],
        }),
      );
      return { created: true as const };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.get(record.incident.id);
      if (!existing) throw new ConcurrentUpdateError('incident create conflicted but no incident exists', { incidentId: record.incident.id }, { cause: e });
      return { created: false as const, existing };
    }
  }

  public async get(incidentId: string): Promise<StoredIncident | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.incidents, Key: { pk: `INC#${incidentId}`, sk: META }, ConsistentRead: true }),
    );
    return out.Item ? toStored(out.Item) : undefined;
  }

  private putItem(current: StoredIncident, next: IncidentRecord) {
    return {
      TableName: this.incidents,
      Item: {
        ...next,
        ...keysFor(next),
        version: current.version + 1,
        ...(current.taskToken !== undefined && { taskToken: current.taskToken }),
      },
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': current.version },
    };
  }

  public async commit(current: StoredIncident, next: IncidentRecord, entries: readonly LedgerEntry[], claim?: OnceClaim): Promise<void> {
    const items = [{ Put: this.putItem(current, next) }, ...this.ledgerPuts(entries), ...(claim ? [{ Put: this.oncePut(claim) }] : [])];
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      // Reasons come in item order: the claim is last.
      if (claim && e instanceof TransactionCanceledException && e.CancellationReasons?.[items.length - 1]?.Code === 'ConditionalCheckFailed') {
        throw new ReplayedRequestError({ incidentId: next.incident.id }, { cause: e });
      }
      if (isConditionFailure(e)) {
        throw new ConcurrentUpdateError('incident changed since it was read', { incidentId: next.incident.id }, { cause: e });
      }
      throw e;
    }
  }

  public async update(incidentId: string, mutate: RecordMutation, known?: StoredIncident): Promise<IncidentRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && known ? known : await this.get(incidentId);
      if (!current) return undefined;
      const next = mutate(current.record);
      if (!next) return current.record;
      try {
        await this.doc.send(new PutCommand(this.putItem(current, next)));
        return next;
      } catch (e) {
        if (!isConditionFailure(e) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, ...(start && { ExclusiveStartKey: start }) }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  public async listOpen(): Promise<IncidentRecord[]> {
    const items = await this.queryAll({
      TableName: this.incidents,
      IndexName: 'pending',
      KeyConditionExpression: 'pendingPk = :p',
      ExpressionAttributeValues: { ':p': OPEN },
    });
    return items.map((i) => toStored(i).record);
  }

  public async listByDays(days: readonly string[]): Promise<IncidentRecord[]> {
    const perDay = await Promise.all(
      days.map((day) =>
        this.queryAll({
          TableName: this.incidents,
          IndexName: 'byDay',
          KeyConditionExpression: 'gsi1pk = :d',
          ExpressionAttributeValues: { ':d': `DAY#${day}` },
        }),
      ),
    );
    return perDay.flat().map((i) => toStored(i).record);
  }

  public async ledger(incidentId: string): Promise<LedgerEntry[]> {
    const items = await this.queryAll({
      TableName: this.ledgerTable,
      KeyConditionExpression: 'incidentId = :i',
      ExpressionAttributeValues: { ':i': incidentId },
      ConsistentRead: true,
    });
    return items.map((i) => JSON.parse(String(i.entry)) as LedgerEntry);
  }

  public async allLedgerEntries(): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({ TableName: this.ledgerTable, ConsistentRead: true, ...(start && { ExclusiveStartKey: start }) }),
      );
      for (const i of out.Items ?? []) entries.push(JSON.parse(String(i.entry)) as LedgerEntry);
      start = out.LastEvaluatedKey;
    } while (start);
    // Chains grouped by incident (first seen first), each in seq order.
    return entries.sort((a, b) => (a.incidentId === b.incidentId ? a.seq - b.seq : a.incidentId < b.incidentId ? -1 : 1));
  }

  /** The conditional put that takes a one-time key (the key is stored hashed). */
  private oncePut({ key, ttlSeconds, now }: OnceClaim) {
    const hashed = createHash('sha256').update(key).digest('hex');
    const nowSec = Math.floor(now.getTime() / 1000);
    return {
      TableName: this.incidents,
      Item: { pk: `ONCE#${hashed}`, sk: 'ONCE', expiresAt: nowSec + ttlSeconds },
      // An expired claim that TTL has not swept yet is free again.
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': nowSec },
    };
  }

  public async claimOnce(claim: OnceClaim): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand(this.oncePut(claim)));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  public async increment(key: string, ttlSeconds: number, now: Date): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.incidents,
        Key: { pk: `COUNT#${key}`, sk: 'COUNT' },
        UpdateExpression: 'ADD #n :one SET expiresAt = if_not_exists(expiresAt, :exp)',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1, ':exp': Math.floor(now.getTime() / 1000) + ttlSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.n ?? 0);
  }

  public async getDoc<T>(key: string): Promise<VersionedDoc<T> | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.incidents, Key: { pk: `DOC#${key}`, sk: 'DOC' }, ConsistentRead: true }));
    return out.Item ? { value: out.Item.value as T, version: Number(out.Item.version) } : undefined;
  }

  public async putDoc<T>(key: string, value: T, expectedVersion: number, options: { now: Date; ttlSeconds: number; open: boolean }): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.incidents,
          Item: {
            pk: `DOC#${key}`,
            sk: 'DOC',
            key,
            value,
            version: expectedVersion + 1,
            expiresAt: Math.floor(options.now.getTime() / 1000) + options.ttlSeconds,
            ...(options.open && { pendingPk: OPEN_DOCS, pendingSk: key }),
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
          ...(expectedVersion !== 0 && { ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  public async listOpenDocs<T>(): Promise<Array<VersionedDoc<T> & { key: string }>> {
    const items = await this.queryAll({
      TableName: this.incidents,
      IndexName: 'pending',
      KeyConditionExpression: 'pendingPk = :p',
      ExpressionAttributeValues: { ':p': OPEN_DOCS },
    });
    return items.map((i) => ({ key: String(i.key), value: i.value as T, version: Number(i.version) }));
  }

  public async keepRejected(rejected: RejectedPayload): Promise<string> {
    const id = `${rejected.at}#${randomUUID()}`;
    await this.doc.send(
      new PutCommand({
        TableName: this.incidents,
        Item: {
          pk: 'REJECTED',
          sk: id,
          ...rejected,
          payload: rejected.payload.slice(0, MAX_KEPT_PAYLOAD),
          truncated: rejected.payload.length > MAX_KEPT_PAYLOAD,
        },
      }),
    );
    return id;
  }

  public async listRejected(limit: number): Promise<Array<RejectedPayload & { id: string }>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.incidents,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'REJECTED' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({ ...(i as unknown as RejectedPayload), id: String(i.sk) }));
  }
}
