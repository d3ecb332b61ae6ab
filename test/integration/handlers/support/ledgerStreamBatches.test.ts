import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { loadTemplate } from '../../../../sandbox/local/cfnYaml';
import { silentTelemetry } from '../../../../src/app/telemetry';
import type { LedgerEntry } from '../../../../src/domain/ledger';
import { feedFromStream, publishFromStream } from '../../../../src/handlers/support/ledgerStreamBatches';
import { RecordingLedgerFeed, streamEvent, streamRecord } from '../../../support/ledgerStreamRecords';
import { approvalRecord, storedEntries } from '../../../support/records';
import { patternMatches } from '../../../unit/infra/templateChecks';
import { useLocalTables } from '../../services/dynamodb/localTables';

const TEMPLATE = path.resolve(__dirname, '../../../../template.yaml');

/** The publisher mapping's filter pattern (template.yaml). */
function publisherFilter(): unknown {
  type Mapping = { Properties: { FilterCriteria: { Filters: Array<{ Pattern: string }> } } };
  const events = loadTemplate(TEMPLATE).Resources.LedgerPublisherFunction!.Properties!.Events as Record<
    string,
    Mapping
  >;
  return JSON.parse(events.OutboxWrites!.Properties.FilterCriteria.Filters[0]!.Pattern);
}

/**
 * The outbox publisher and the SIEM feed (src/handlers/support/ledgerStreamBatches.ts)
 * against DynamoDB Local, fed stream records built from the items' real
 * attribute values (a low-level GetItem answer is a NewImage), as Lambda delivers them.
 */
describe('Module: ledgerStreamBatches (DynamoDB Local)', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const deps = () => ({ outbox: db.ports.outbox, telemetry: silentTelemetry });

  const db = useLocalTables('streams');

  /** An incident with `n` entries committed to its outbox. */
  async function committed(n = 2): Promise<{ id: string; entries: LedgerEntry[] }> {
    const record = approvalRecord(now);
    const id = record.incident.id;
    await db.ports.incidents.create(record, 'token', []);
    const entries = entriesOf(id, 1, n);
    await db.ports.incidents.commit((await db.ports.incidents.get(id))!, { ...record, escalationLevel: 1 }, entries);
    return { id, entries };
  }

  /** Stored entries, the last one a decision. */
  const entriesOf = (incidentId: string, from: number, n: number): LedgerEntry[] =>
    storedEntries(incidentId, from, n, now).map((e, i) =>
      i === n - 1
        ? ({ ...e, type: 'decision', decision: 'approve', decidedBy: ['U1'], tier: 'high' } as LedgerEntry)
        : e,
    );

  /** The incident item's stream record, its NewImage the item as stored now. */
  async function incidentRecord(id: string, eventName: 'INSERT' | 'MODIFY' = 'MODIFY') {
    const Key = { pk: { S: `INC#${id}` }, sk: { S: 'META' } };
    const out = await db.tables.client.send(
      new GetItemCommand({ TableName: db.tables.incidentsTable, Key, ConsistentRead: true }),
    );
    return streamRecord(eventName, Key, out.Item);
  }

  /** The ledger item's INSERT record. */
  async function ledgerRecord(e: LedgerEntry) {
    const Key = { incidentId: { S: e.incidentId }, seq: { N: String(e.seq) } };
    const out = await db.tables.client.send(
      new GetItemCommand({ TableName: db.tables.ledgerTable, Key, ConsistentRead: true }),
    );
    return streamRecord('INSERT', Key, out.Item, 'ledger');
  }

  const outbox = async (id: string) => (await db.ports.incidents.get(id))!.internal?.unpublished ?? [];
  const inTable = async (e: LedgerEntry) =>
    (
      await db.tables.client.send(
        new GetItemCommand({
          TableName: db.tables.ledgerTable,
          Key: { incidentId: { S: e.incidentId }, seq: { N: String(e.seq) } },
        }),
      )
    ).Item;

  it('publishes the outbox of an incident its stream record names, emptying the outbox', async () => {
    // Prepare
    const { id, entries } = await committed(2);
    const record = await incidentRecord(id);
    expect(record.dynamodb?.NewImage?.unpublishedEntries?.L).toHaveLength(2);

    // Act
    const response = await publishFromStream(deps(), streamEvent(record));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await outbox(id)).toEqual([]);
    for (const e of entries) expect((await inTable(e))?.hash?.S).toBe(e.hash);
    expect(await db.ports.ledger.chain(id)).toEqual(entries);
  });

  it("matches the mapping's filter with the real image while it holds entries, not once published", async () => {
    // Prepare
    const { id } = await committed(1);
    const holding = await incidentRecord(id);
    await publishFromStream(deps(), streamEvent(holding));

    // Act
    const published = await incidentRecord(id);

    // Assess
    expect(patternMatches(publisherFilter(), holding)).toBe(true);
    expect(published.dynamodb?.NewImage?.unpublishedEntries).toBeUndefined();
    expect(patternMatches(publisherFilter(), published)).toBe(false);
  });

  it('is idempotent: the same record again, or a stale one, publishes nothing twice and fails nothing', async () => {
    // Prepare
    const { id, entries } = await committed(2);
    const stale = await incidentRecord(id);
    await publishFromStream(deps(), streamEvent(stale));
    const later = entriesOf(id, 3, 1);
    const current = (await db.ports.incidents.get(id))!;
    await db.ports.incidents.commit(current, current.record, later);

    // Act
    const again = await publishFromStream(deps(), streamEvent(stale, stale));

    // Assess: the stale image named the incident; what it holds now (seq 3) is published too.
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await outbox(id)).toEqual([]);
    expect(await db.ports.ledger.chain(id)).toEqual([...entries, ...later]);
    // Once more: nothing is left to put.
    const before = db.tables.sent.length;
    expect(await publishFromStream(deps(), streamEvent(stale))).toEqual({ batchItemFailures: [] });
    expect(db.tables.sent.slice(before).map((o) => o.operation)).toEqual(['GetItem']);
  });

  it('reports a poison record (a conflict, no keys) as a batch item failure, publishing the others', async () => {
    // Prepare
    const first = await committed(1);
    const poisoned = await committed(2);
    const last = await committed(1);
    const squatter = { ...poisoned.entries[0]!, hash: randomBytes(32).toString('hex') };
    await db.tables.client.send(
      new PutCommand({
        TableName: db.tables.ledgerTable,
        Item: {
          incidentId: squatter.incidentId,
          seq: squatter.seq,
          type: squatter.type,
          at: squatter.at,
          hash: squatter.hash,
          entry: JSON.stringify(squatter),
        },
      }),
    );
    const conflicting = await incidentRecord(poisoned.id);
    const keyless = streamRecord('MODIFY', {}, {});
    const records = [await incidentRecord(first.id), conflicting, keyless, await incidentRecord(last.id)];

    // Act
    const response = await publishFromStream(deps(), streamEvent(...records));

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: conflicting.dynamodb!.SequenceNumber },
      { itemIdentifier: keyless.dynamodb!.SequenceNumber },
    ]);
    expect(await outbox(first.id)).toEqual([]);
    expect(await outbox(last.id)).toEqual([]);
    // Nothing lost, nothing overwritten: the conflicting incident keeps its entries in the outbox.
    expect(await outbox(poisoned.id)).toHaveLength(2);
    expect((await inTable(poisoned.entries[0]!))?.hash?.S).toBe(squatter.hash);
  });

  it('throws when every record of the batch failed, so Lambda bisects the batch', async () => {
    // Prepare
    const keyless = streamRecord('MODIFY', {}, {});

    // Act
    const attempt = publishFromStream(deps(), streamEvent(keyless));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(FullBatchFailureError);
  });

  it('skips items that are not incidents (the filter lets none through; a record of one is harmless)', async () => {
    // Prepare
    const counter = streamRecord('MODIFY', { pk: { S: 'COUNT#x' }, sk: { S: 'COUNT' } }, { n: { N: '1' } });

    // Act
    const response = await publishFromStream(deps(), streamEvent(counter));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('feeds every entry that lands in the ledger table to the SIEM feed once, and reports a refused one', async () => {
    // Prepare
    const a = await committed(2);
    const b = await committed(1);
    await publishFromStream(deps(), streamEvent(await incidentRecord(a.id), await incidentRecord(b.id)));
    const feed = new RecordingLedgerFeed();
    feed.failOn = b.id;
    const inserts = await Promise.all([...a.entries, ...b.entries].map(ledgerRecord));
    const modify = { ...inserts[0]!, eventName: 'MODIFY' as const };

    // Act
    const response = await feedFromStream({ feed, telemetry: silentTelemetry }, streamEvent(...inserts, modify));

    // Assess
    expect(feed.emitted).toEqual(a.entries);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: inserts[2]!.dynamodb!.SequenceNumber }]);
  });
});
