import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../../errors';
import type { IncidentRecord } from '../../domain/incidentRecord';
import type { IncidentInternals, StoredIncident } from '../IncidentRepository';
import { queryAll } from './documentClient';
import { internalOf, keysFor, placeOfJson, strings, toStored, UNPUBLISHED } from './incidentItem';
import { incidentKey, isConditionFailure, OPEN, PENDING_INDEX, versionIs } from './tableLayout';

/** Where the incident items live. */
export interface IncidentItemsOptions {
  client: DynamoDBDocumentClient;
  incidentsTable: string;
  ledgerTable: string;
}

/** How many published entries an instance remembers, so a write from an older read does not queue them again. */
const REMEMBERED_PUBLISHED = 10_000;

/**
 * Reads and version-conditioned writes of incident items, shared by the
 * adapters whose data lives in them ({@link DynamoDbIncidentRepository}, the
 * outbox and the ledger reads), so they cooperate on one item:
 * one codec, one version, and one memory of the entries this container has
 * published (a write from an older read leaves them out of the outbox).
 */
export class IncidentItems {
  public readonly client: DynamoDBDocumentClient;
  public readonly incidentsTable: string;
  public readonly ledgerTable: string;
  /** Places (`incidentId#seq`) of entries this instance published, oldest first. */
  private readonly published = new Set<string>();

  public constructor(options: IncidentItemsOptions) {
    this.client = options.client;
    this.incidentsTable = options.incidentsTable;
    this.ledgerTable = options.ledgerTable;
  }

  /** The incident as stored now (consistent read). */
  public async get(incidentId: string): Promise<StoredIncident | undefined> {
    const read = new GetCommand({ TableName: this.incidentsTable, Key: incidentKey(incidentId), ConsistentRead: true });
    const out = await this.client.send(read);
    return out.Item ? toStored(out.Item) : undefined;
  }

  /**
   * Writes `next` over `current` with the internals given, in one PutItem
   * conditioned on `current`'s version.
   * @throws ConcurrentUpdateError when the version moved
   */
  public async putOver(
    current: StoredIncident,
    next: IncidentRecord,
    internals: IncidentInternals = internalOf(current),
  ): Promise<StoredIncident> {
    const { put, written } = this.putOf(current, next, internals);
    try {
      await this.client.send(new PutCommand(put));
    } catch (e) {
      if (isConditionFailure(e)) throw changedSinceRead(next, e);
      throw e;
    }
    return written;
  }

  /**
   * The version-conditioned put of `next` over `current` (for {@link putOver},
   * or a transaction that writes more beside it), and the incident it writes.
   */
  public putOf(current: StoredIncident, next: IncidentRecord, internals: IncidentInternals) {
    // Entries this instance has published since `current` was read are not queued again.
    const unpublished = this.stillUnpublished(internals.unpublished);
    const version = current.version + 1;
    const item = {
      ...next,
      ...keysFor(next, unpublished.length),
      version,
      ...(current.taskToken !== undefined && { taskToken: current.taskToken }),
      ...(unpublished.length > 0 && { [UNPUBLISHED]: unpublished }),
    };
    const written: StoredIncident = {
      record: next,
      ...(current.taskToken !== undefined && { taskToken: current.taskToken }),
      version,
      internal: { unpublished: strings(item[UNPUBLISHED]) },
    };
    return { put: { TableName: this.incidentsTable, Item: item, ...versionIs(current.version) }, written };
  }

  /** Incidents holding unpublished entries (they stay in the `pending` index until published). */
  public holdingUnpublished(): Promise<StoredIncident[]> {
    return queryAll(this.client, {
      TableName: this.incidentsTable,
      IndexName: PENDING_INDEX,
      KeyConditionExpression: 'pendingPk = :p',
      FilterExpression: 'attribute_exists(#u)',
      ExpressionAttributeNames: { '#u': UNPUBLISHED },
      ExpressionAttributeValues: { ':p': OPEN },
    }).then((items) => items.map(toStored));
  }

  /** `unpublished` without the entries this instance has published since they were read. */
  public stillUnpublished(unpublished: readonly string[]): readonly string[] {
    if (this.published.size === 0) return unpublished;
    return unpublished.filter((json) => !this.published.has(placeOfJson(json)));
  }

  /** Notes that the entry at `place` is in the ledger table now. */
  public remember(place: string): void {
    this.published.add(place);
    // A Set iterates in insertion order: drop the oldest.
    if (this.published.size > REMEMBERED_PUBLISHED) this.published.delete(this.published.values().next().value!);
  }
}

/** The error of a write whose version condition failed: another writer got there first. */
export function changedSinceRead(next: IncidentRecord, cause: unknown): ConcurrentUpdateError {
  return new ConcurrentUpdateError('incident changed since it was read', { incidentId: next.incident.id }, { cause });
}
