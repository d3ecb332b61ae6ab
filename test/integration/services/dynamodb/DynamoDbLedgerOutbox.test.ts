import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LedgerConflictError } from '../../../../src/errors';
import type { IncidentRecord } from '../../../../src/domain/incidentRecord';
import type { LedgerEntry } from '../../../../src/domain/ledger';
import type { StoragePorts } from '../../../../src/services/StoragePorts';
import { approvalRecord, storedEntries, withVote } from '../../../support/records';
import { useLocalTables } from './localTables';

/** DynamoDbLedgerOutbox against DynamoDB Local: entries committed inside the incident, then published. */
describe('Class: DynamoDbLedgerOutbox (DynamoDB Local)', () => {
  /** A second container on the same db.tables. */
  let other: StoragePorts;
  const now = new Date('2026-11-23T10:00:00Z');

  const db = useLocalTables('outbox');
  beforeAll(() => {
    other = db.tables.ports();
  });

  async function created() {
    const record = approvalRecord(now);
    await db.ports.incidents.create(record, 'token', []);
    return record;
  }
  /** Commits a vote with `entries` on the incident as stored now. */
  const commitEntries = async (record: IncidentRecord, entries: LedgerEntry[]) =>
    db.ports.incidents.commit((await db.ports.incidents.get(record.incident.id))!, withVote(record), entries);
  const unpublishedOf = async (incidentId: string) => (await db.ports.incidents.get(incidentId))!.internal?.unpublished;

  describe('Method: publish', () => {
    it('copies the entries to the ledger table and drops them from the incident, version unchanged', async () => {
      // Prepare
      const record = await created();
      const added = storedEntries(record.incident.id, 1, 2, now);
      const written = await commitEntries(record, added);

      // Act
      const published = await db.ports.outbox.publish(record.incident.id, written);

      // Assess
      expect(published).toBe(2);
      expect(await unpublishedOf(record.incident.id)).toEqual([]);
      expect((await db.ports.incidents.get(record.incident.id))!.version).toBe(written.version);
      const { Items } = await db.tables.client.send(
        new QueryCommand({
          TableName: db.tables.ledgerTable,
          KeyConditionExpression: 'incidentId = :i',
          ExpressionAttributeValues: { ':i': record.incident.id },
        }),
      );
      expect(Items?.map((i) => JSON.parse(String(i.entry)))).toEqual(added);
    });

    it('publishes nothing when nothing is held', async () => {
      // Prepare
      const record = await created();

      // Act
      const published = await db.ports.outbox.publish(record.incident.id);

      // Assess
      expect(published).toBe(0);
    });

    it('does not queue published entries again, from this container or another', async () => {
      // Prepare: both containers read the incident while its entries are unpublished
      const record = await created();
      const written = await commitEntries(record, storedEntries(record.incident.id, 1, 1, now));
      const seenByOther = (await other.incidents.get(record.incident.id))!;
      await db.ports.outbox.publish(record.incident.id, written);

      // Act: a write from the older read, by the other container
      await other.incidents.update(record.incident.id, (r) => ({ ...r, cardStale: true }), seenByOther);
      const carriedAlong = (await unpublishedOf(record.incident.id))?.length;
      const republished = await other.outbox.publish(record.incident.id);

      // Assess: carried along once, published again harmlessly, then gone
      expect(carriedAlong).toBe(1);
      expect(republished).toBe(1);
      expect(await unpublishedOf(record.incident.id)).toEqual([]);
      expect(await db.ports.ledger.chain(record.incident.id)).toHaveLength(1);
    });

    it('leaves out of a later write what this container published since its read', async () => {
      // Prepare
      const record = await created();
      const written = await commitEntries(record, storedEntries(record.incident.id, 1, 1, now));
      await db.ports.outbox.publish(record.incident.id, written);

      // Act: a write from the read before publishing, by the same container
      await db.ports.incidents.update(record.incident.id, (r) => ({ ...r, cardStale: true }), written);

      // Assess
      expect(await unpublishedOf(record.incident.id)).toEqual([]);
    });

    it('refuses to publish over a different entry at the same place, keeping it unpublished', async () => {
      // Prepare
      const record = await created();
      const [entry] = storedEntries(record.incident.id, 1, 1, now);
      const written = await commitEntries(record, [entry!]);
      await db.tables.client.send(
        new PutCommand({
          TableName: db.tables.ledgerTable,
          Item: { incidentId: record.incident.id, seq: 1, hash: 'f'.repeat(64), entry: '{}' },
        }),
      );

      // Act
      const attempt = db.ports.outbox.publish(record.incident.id, written);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(LedgerConflictError);
      expect(await unpublishedOf(record.incident.id)).toHaveLength(1);
    });
  });

  describe('Method: publishAll', () => {
    it('publishes what a crash left unpublished, for every incident (the sweep)', async () => {
      // Prepare: two incidents committed, never published
      const a = await created();
      const b = await created();
      await commitEntries(a, storedEntries(a.incident.id, 1, 2, now));
      await commitEntries(b, storedEntries(b.incident.id, 1, 1, now));

      // Act
      const first = await other.outbox.publishAll();
      const second = await other.outbox.publishAll();

      // Assess: published, and an incident that cannot be (the conflict above) does not stop the others
      expect(first.published).toBeGreaterThanOrEqual(3);
      for (const id of [a.incident.id, b.incident.id]) expect(await unpublishedOf(id)).toEqual([]);
      expect(second.published).toBe(0);
      expect(second.failures.every((f) => f.error instanceof LedgerConflictError)).toBe(true);
    });
  });
});
