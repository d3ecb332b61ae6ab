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
import { ConcurrentUpdateError, LedgerConflictError, ReplayedRequestError } from '../errors';
import { IncidentStatus, DeliveryStatus, type IncidentRecord } from '../domain/incidentRecord';
import type { LedgerEntry } from '../domain/ledger';
import { clientOptions } from './awsClients';
import type { IncidentInternals, IncidentStore, OnceClaim, PublishReport, RecordMutation, RejectedPayload, StoredIncident, VersionedDoc } from './IncidentStore';

/** Tables the store writes. */
export interface DynamoDbIncidentStoreOptions {
  incidentsTable: string;
  ledgerTable: string;
  callTimeoutMs: number;
  /** Injected for tests; built from the environment otherwise. */
  client?: DynamoDBDocumentClient;
}

const META = 'META';
/** Ledger entries committed with the incident, not yet copied to the ledger table (exact JSON, seq order). */
const UNPUBLISHED = 'unpublishedEntries';
/** One-time keys of the vote clicks on this incident (see IncidentStore.claimOnce). */
const CLAIMS = 'claims';
/** How many published entries a store instance remembers, so a write from an older read does not queue them again. */
const REMEMBERED_PUBLISHED = 10_000;
const OPEN = 'OPEN';
/** Side documents (digests, patterns) with a Slack update still owed. */
const OPEN_DOCS = 'OPEN_DOCS';
/** DynamoDB items are at most 400 KB; rejected payloads are cut to this. */
const MAX_KEPT_PAYLOAD = 300_000;
const MAX_UPDATE_ATTEMPTS = 6;

/** Key and index attributes derived from a record: never set by hand. */
function keysFor(record: IncidentRecord, unpublished = 0): Record<string, string> {
  const id = record.incident.id;
  const keys: Record<string, string> = {
    pk: `INC#${id}`,
    sk: META,
    gsi1pk: `DAY#${record.requestedAt.slice(0, 10)}`,
    gsi1sk: `${record.requestedAt}#${id}`,
  };
  // Unpublished ledger entries are work left too: the sweep finds them here.
  if (isOpen(record) || unpublished > 0) {
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

const INTERNAL = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'pendingPk', 'pendingSk', 'taskToken', 'version', 'expiresAt', UNPUBLISHED, CLAIMS]);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function toStored(item: Record<string, unknown>): StoredIncident {
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!INTERNAL.has(k)) record[k] = v;
  return {
    record: record as unknown as IncidentRecord,
    ...(typeof item.taskToken === 'string' && { taskToken: item.taskToken }),
    version: typeof item.version === 'number' ? item.version : 0,
    internal: { unpublished: strings(item[UNPUBLISHED]), claims: strings(item[CLAIMS]) },
  };
}

/** The internal attributes of a stored incident (absent on one built by hand: none). */
function internalOf(stored: StoredIncident): IncidentInternals {
  return stored.internal ?? { unpublished: [], claims: [] };
}

/**
 * The incident's claims with `claim` taken (claims past their expiry
 * dropped), or `undefined` when it is in force already. A claim is kept as
 * `<sha256 of the key>:<expiry, epoch seconds>`.
 */
function withClaim(claims: readonly string[], { key, ttlSeconds, now }: OnceClaim): string[] | undefined {
  const hash = createHash('sha256').update(key).digest('hex');
  const nowSec = Math.floor(now.getTime() / 1000);
  const live = claims.filter((c) => Number(c.slice(c.indexOf(':') + 1)) >= nowSec);
  return live.some((c) => c.startsWith(`${hash}:`)) ? undefined : [...live, `${hash}:${nowSec + ttlSeconds}`];
}

/** An entry's place in the ledger, from its JSON. */
function placeOf(json: string): string {
  const { incidentId, seq } = JSON.parse(json) as Pick<LedgerEntry, 'incidentId' | 'seq'>;
  return `${incidentId}#${seq}`;
}

/**
 * The table's entries plus the unpublished ones whose place the table does
 * not hold yet: chains grouped by incident, each in seq order.
 */
function withUnpublished(fromTable: LedgerEntry[], unpublished: readonly string[]): LedgerEntry[] {
  const places = new Set(fromTable.map((e) => `${e.incidentId}#${e.seq}`));
  const extra = unpublished.map((json) => JSON.parse(json) as LedgerEntry).filter((e) => !places.has(`${e.incidentId}#${e.seq}`));
  return [...fromTable, ...extra].sort((a, b) => (a.incidentId === b.incidentId ? a.seq - b.seq : a.incidentId < b.incidentId ? -1 : 1));
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
  /** Places (`incidentId#seq`) of entries this instance published, oldest first. */
  private readonly published = new Set<string>();

  public constructor(options: DynamoDbIncidentStoreOptions) {
    this.incidents = options.incidentsTable;
    this.ledgerTable = options.ledgerTable;
    this.doc =
      options.client ??
      DynamoDBDocumentClient.from(new DynamoDBClient(clientOptions(options.callTimeoutMs)), {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      });
  }

  /** The put of one ledger entry, only where its place (incident, seq) is free. */
  private ledgerPut(e: LedgerEntry, json = JSON.stringify(e)) {
    // The entry is kept as its exact JSON so the hashed bytes survive any marshalling.
    return {
      TableName: this.ledgerTable,
      Item: { incidentId: e.incidentId, seq: e.seq, type: e.type, at: e.at, hash: e.hash, entry: json },
      ConditionExpression: 'attribute_not_exists(incidentId)',
    };
  }

  public async create(record: IncidentRecord, taskToken: string | undefined, entries: readonly LedgerEntry[]) {
    const item = { ...record, ...keysFor(record), version: 1, ...(taskToken !== undefined && { taskToken }) };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.incidents, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...entries.map((e) => ({ Put: this.ledgerPut(e) })),
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

  /** The whole-item put of `next` over `current` (conditioned on its version), with the internals given. */
  private putItem(current: StoredIncident, next: IncidentRecord, internals: IncidentInternals = internalOf(current)) {
    // Entries this instance has published since `current` was read are not queued again.
    const unpublished = this.stillUnpublished(internals.unpublished);
    return {
      TableName: this.incidents,
      Item: {
        ...next,
        ...keysFor(next, unpublished.length),
        version: current.version + 1,
        ...(current.taskToken !== undefined && { taskToken: current.taskToken }),
        ...(unpublished.length > 0 && { [UNPUBLISHED]: unpublished }),
        ...(internals.claims.length > 0 && { [CLAIMS]: internals.claims }),
      },
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': current.version },
    };
  }

  /** Writes `next` over `current`; ConcurrentUpdateError when the version moved. */
  private async putOver(current: StoredIncident, next: IncidentRecord, internals: IncidentInternals): Promise<StoredIncident> {
    const put = this.putItem(current, next, internals);
    try {
      await this.doc.send(new PutCommand(put));
    } catch (e) {
      if (isConditionFailure(e)) throw new ConcurrentUpdateError('incident changed since it was read', { incidentId: next.incident.id }, { cause: e });
      throw e;
    }
    return {
      record: next,
      ...(current.taskToken !== undefined && { taskToken: current.taskToken }),
      version: put.Item.version,
      internal: { unpublished: strings(put.Item[UNPUBLISHED]), claims: strings(put.Item[CLAIMS]) },
    };
  }

  public async commit(current: StoredIncident, next: IncidentRecord, entries: readonly LedgerEntry[], claim?: OnceClaim): Promise<StoredIncident> {
    const { unpublished, claims } = internalOf(current);
    // The claims read with `current` are the item's: the version condition makes the check atomic.
    const kept = claim ? withClaim(claims, claim) : claims;
    if (!kept) throw new ReplayedRequestError({ incidentId: next.incident.id });
    // The entries are kept as their exact JSON so the hashed bytes survive any marshalling.
    return this.putOver(current, next, { unpublished: [...unpublished, ...entries.map((e) => JSON.stringify(e))], claims: kept });
  }

  public async update(incidentId: string, mutate: RecordMutation, known?: StoredIncident): Promise<IncidentRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      const current = attempt === 1 && known ? known : await this.get(incidentId);
      if (!current) return undefined;
      const next = mutate(current.record);
      if (!next) return current.record;
      try {
        await this.putOver(current, next, internalOf(current));
        return next;
      } catch (e) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
  }

  public async publishEntries(incidentId: string, known?: StoredIncident): Promise<number> {
    const stored = known ?? (await this.get(incidentId));
    const held = stored ? internalOf(stored).unpublished : [];
    if (!stored || held.length === 0) return 0;
    const entries = this.stillUnpublished(held);
    await Promise.all(entries.map((json) => this.putLedgerEntry(JSON.parse(json) as LedgerEntry, json)));
    for (const json of entries) this.remember(placeOf(json));
    // Drop them from the incident, unless someone wrote since: that writer
    // carried them along, and the next publication (or the sweep) drops them.
    // The version stays: this changes nothing a reader of the record sees.
    const closes = !isOpen(stored.record);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.incidents,
          Key: { pk: `INC#${incidentId}`, sk: META },
          UpdateExpression: closes ? 'REMOVE #u, pendingPk, pendingSk' : 'REMOVE #u',
          ConditionExpression: 'version = :v',
          ExpressionAttributeNames: { '#u': UNPUBLISHED },
          ExpressionAttributeValues: { ':v': stored.version },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    return entries.length;
  }

  /** Incidents holding unpublished entries (they stay in the sweep's index until published). */
  private withUnpublishedEntries(): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      TableName: this.incidents,
      IndexName: 'pending',
      KeyConditionExpression: 'pendingPk = :p',
      FilterExpression: 'attribute_exists(#u)',
      ExpressionAttributeNames: { '#u': UNPUBLISHED },
      ExpressionAttributeValues: { ':p': OPEN },
    });
  }

  public async publishAllEntries(): Promise<PublishReport> {
    const items = await this.withUnpublishedEntries();
    const report: PublishReport = { published: 0, failures: [] };
    for (const item of items) {
      const stored = toStored(item);
      const incidentId = stored.record.incident.id;
      try {
        report.published += await this.publishEntries(incidentId, stored);
      } catch (e) {
        // One incident's failure (a conflict, an outage) never stops the others.
        report.failures.push({ incidentId, error: e as Error & { code?: string } });
      }
    }
    return report;
  }

  /** Puts one entry where its place is free; a place holding the same entry is fine (a repeat). */
  private async putLedgerEntry(entry: LedgerEntry, json: string): Promise<void> {
    try {
      await this.doc.send(new PutCommand(this.ledgerPut(entry, json)));
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.ledgerTable, Key: { incidentId: entry.incidentId, seq: entry.seq }, ConsistentRead: true }),
      );
      if (out.Item?.hash !== entry.hash) {
        throw new LedgerConflictError({ incidentId: entry.incidentId, seq: entry.seq, hash: entry.hash, stored: out.Item?.hash }, { cause: e });
      }
    }
  }

  /** `unpublished` without the entries this instance has published since they were read. */
  private stillUnpublished(unpublished: readonly string[]): readonly string[] {
    return this.published.size === 0 ? unpublished : unpublished.filter((json) => !this.published.has(placeOf(json)));
  }

  private remember(place: string): void {
    this.published.add(place);
    // A Set iterates in insertion order: drop the oldest.
    if (this.published.size > REMEMBERED_PUBLISHED) this.published.delete(this.published.values().next().value!);
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
    // The incident first: an entry published between the two reads is then found in the table.
    const stored = await this.get(incidentId);
    const items = await this.queryAll({
      TableName: this.ledgerTable,
      KeyConditionExpression: 'incidentId = :i',
      ExpressionAttributeValues: { ':i': incidentId },
      ConsistentRead: true,
    });
    return withUnpublished(
      items.map((i) => JSON.parse(String(i.entry)) as LedgerEntry),
      stored ? internalOf(stored).unpublished : [],
    );
  }

  public async allLedgerEntries(): Promise<LedgerEntry[]> {
    const holding = await this.withUnpublishedEntries();
    const entries: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({ TableName: this.ledgerTable, ConsistentRead: true, ...(start && { ExclusiveStartKey: start }) }),
      );
      for (const i of out.Items ?? []) entries.push(JSON.parse(String(i.entry)) as LedgerEntry);
      start = out.LastEvaluatedKey;
    } while (start);
    return withUnpublished(entries, holding.flatMap((i) => internalOf(toStored(i)).unpublished));
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

  public async claimOnce(claim: OnceClaim, incidentId?: string): Promise<boolean> {
    for (let attempt = 1; incidentId !== undefined; attempt++) {
      const current = await this.get(incidentId);
      if (!current) break;
      const claims = withClaim(internalOf(current).claims, claim);
      if (!claims) return false;
      try {
        await this.putOver(current, current.record, { ...internalOf(current), claims });
        return true;
      } catch (e) {
        if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_UPDATE_ATTEMPTS) throw e;
      }
    }
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
