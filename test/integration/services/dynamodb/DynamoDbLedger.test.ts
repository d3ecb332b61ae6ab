import { approvalRecord, storedEntries, withVote } from '../../../support/records';
import { useLocalTables } from './localTables';

/** DynamoDbLedger against DynamoDB Local: the ledger table completed by the outboxes. */
describe('Class: DynamoDbLedger (DynamoDB Local)', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  const db = useLocalTables('ledger');

  /** An incident with its first entry published (at create) and `later` more committed, unpublished. */
  async function withChain(later: number) {
    const record = approvalRecord(now);
    const [first] = storedEntries(record.incident.id, 1, 1, now);
    await db.ports.incidents.create({ ...record, ledgerSeq: 1 }, 'token', [first!]);
    const rest = storedEntries(record.incident.id, 2, later, now);
    const current = (await db.ports.incidents.get(record.incident.id))!;
    const written = await db.ports.incidents.commit(current, withVote(record), rest);
    return { incidentId: record.incident.id, entries: [first!, ...rest], written };
  }

  describe('Method: chain', () => {
    it('reads published and unpublished entries as one chain in seq order, before and after publishing', async () => {
      // Prepare
      const { incidentId, entries, written } = await withChain(2);

      // Act
      const before = await db.ports.ledger.chain(incidentId);
      await db.ports.outbox.publish(incidentId, written);
      const after = await db.ports.ledger.chain(incidentId);

      // Assess
      expect(before).toEqual(entries);
      expect(after).toEqual(entries);
    });

    it('reads an unknown incident as an empty chain', async () => {
      // Act
      const chain = await db.ports.ledger.chain('INC-0000000000');

      // Assess
      expect(chain).toEqual([]);
    });
  });

  describe('Method: all', () => {
    it('reads every chain, grouped by incident and in order, unpublished entries included', async () => {
      // Prepare
      const a = await withChain(1);
      const b = await withChain(2);
      await db.ports.outbox.publish(b.incidentId, b.written);

      // Act
      const all = await db.ports.ledger.all();

      // Assess
      expect(all.filter((e) => e.incidentId === a.incidentId)).toEqual(a.entries);
      expect(all.filter((e) => e.incidentId === b.incidentId)).toEqual(b.entries);
      const order = all.map((e) => `${e.incidentId}#${String(e.seq).padStart(6, '0')}`);
      expect(order).toEqual([...order].sort());
    });

    it('reads one incident (scope.incidentId), an outbox entry differing from the table one after it', async () => {
      // Prepare: seq 1 published at create, then another seq 1 committed into the outbox
      const record = approvalRecord(now);
      const id = record.incident.id;
      const [first] = storedEntries(id, 1, 1, now);
      await db.ports.incidents.create({ ...record, ledgerSeq: 1 }, 'token', [first!]);
      const [forked] = storedEntries(id, 1, 1, now);
      await db.ports.incidents.commit((await db.ports.incidents.get(id))!, withVote(record), [forked!]);
      await withChain(1);

      // Act
      const scoped = await db.ports.ledger.all({ incidentId: id });
      const chain = await db.ports.ledger.chain(id);

      // Assess
      expect(scoped).toEqual([first, forked]);
      expect(chain).toEqual([first]);
    });
  });
});
