import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, ReplayedRequestError } from '../../../../src/errors';
import type { StoredIncident } from '../../../../src/services/IncidentRepository';
import type { OnceClaim } from '../../../../src/services/RequestClaims';
import type { StoragePorts } from '../../../../src/services/StoragePorts';
import { incidentKey, onceKey, sha256Hex } from '../../../../src/services/dynamodb/tableLayout';
import { approvalRecord, storedEntries, withVote } from '../../../support/records';
import { useLocalTables } from './localTables';

/** DynamoDbRequestClaims against DynamoDB Local: keys on their own, and taken with a vote in one transaction. */
describe('Class: DynamoDbRequestClaims (DynamoDB Local)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let n = 0;
  const claim = (): OnceClaim => ({ key: `slack:v0=claims-${++n}-${Date.now()}`, ttlSeconds: 660, now });
  const later = (c: OnceClaim): OnceClaim => ({ ...c, now: new Date(now.getTime() + (c.ttlSeconds + 1) * 1000) });

  const db = useLocalTables('claims');

  async function created() {
    const record = approvalRecord(now);
    await db.ports.incidents.create(record, 'token', []);
    return (await db.ports.incidents.get(record.incident.id))!;
  }
  const keyItem = async (c: OnceClaim) =>
    (
      await db.tables.client.send(
        new GetCommand({ TableName: db.tables.incidentsTable, Key: onceKey(sha256Hex(c.key)) }),
      )
    ).Item;

  describe('Method: take', () => {
    it('takes a key once, in an item of its own named by its hash, and again once it expired', async () => {
      // Prepare
      const c = claim();

      // Act
      const taken = [
        await db.ports.claims.take(c),
        await db.ports.claims.take(c),
        await db.ports.claims.take(later(c)),
      ];

      // Assess
      expect(taken).toEqual([true, false, true]);
      const item = await keyItem(c);
      expect(item?.expiresAt).toBe(Math.floor(later(c).now.getTime() / 1000) + c.ttlSeconds);
      expect(JSON.stringify(item)).not.toContain(c.key);
    });

    it('lets exactly one of concurrent takers of the same key win', async () => {
      // Prepare
      const c = claim();
      const containers = [db.ports, db.tables.ports(), db.tables.ports(), db.tables.ports()];

      // Act
      const taken = await Promise.all(containers.map((p) => p.claims.take(c)));

      // Assess
      expect(taken.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('a vote committed with its claim (IncidentRepository.commit)', () => {
    it('stores the vote and takes the key in one TransactWriteItems, and nothing of the key in the incident', async () => {
      // Prepare
      const current = await created();
      const id = current.record.incident.id;
      const c = claim();
      const before = db.tables.sent.length;

      // Act
      const written = await db.ports.incidents.commit(
        current,
        withVote(current.record),
        storedEntries(id, 1, 1, now),
        c,
      );

      // Assess
      expect(db.tables.sent.slice(before)).toEqual([{ operation: 'TransactWriteItems' }]);
      expect(written.version).toBe(current.version + 1);
      expect((await db.ports.incidents.get(id))!.record.votes).toHaveLength(1);
      expect(await db.ports.claims.take(c)).toBe(false);
      const item = await db.tables.client.send(
        new GetCommand({ TableName: db.tables.incidentsTable, Key: incidentKey(id) }),
      );
      expect(item.Item).not.toHaveProperty('claims');
    });

    it('refuses a repeat: the key taken before gives ReplayedRequestError and writes nothing', async () => {
      // Prepare
      const current = await created();
      const c = claim();
      expect(await db.ports.claims.take(c)).toBe(true);

      // Act
      const attempt = db.ports.incidents.commit(current, withVote(current.record), [], c);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ReplayedRequestError);
      const after = (await db.ports.incidents.get(current.record.incident.id))!;
      expect(after.version).toBe(current.version);
      expect(after.record.votes).toHaveLength(0);
    });

    it('takes an expired key again with the vote', async () => {
      // Prepare
      const current = await created();
      const c = claim();
      expect(await db.ports.claims.take(c)).toBe(true);

      // Act
      const written = await db.ports.incidents.commit(current, withVote(current.record), [], later(c));

      // Assess
      expect(written.record.votes).toHaveLength(1);
      expect(await db.ports.claims.take(later(c))).toBe(false);
    });

    it('answers a version race with ConcurrentUpdateError, the key still free, and the retry takes it with the vote', async () => {
      // Prepare: another writer commits first.
      const stale = await created();
      await db.ports.incidents.commit(stale, withVote(stale.record, 'U2'), []);
      const c = claim();

      // Act
      const raced = db.ports.incidents.commit(stale, withVote(stale.record), [], c);
      await expect(raced).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const fresh = (await db.ports.incidents.get(stale.record.incident.id))!;
      const retried = await db.ports.incidents.commit(fresh, withVote(fresh.record), [], c);

      // Assess
      expect(retried.record.votes.map((v) => v.userId)).toEqual(['U2', 'U1']);
      expect(await db.ports.claims.take(c)).toBe(false);
    });

    it('records the same request delivered to four containers at once exactly once', async () => {
      // Prepare: each container reads, commits, and reads again after a conflict, as commitWithRetry does.
      const current = await created();
      const id = current.record.incident.id;
      const c = claim();
      const attempt = async (ports: StoragePorts): Promise<'recorded' | 'repeat'> => {
        for (let tries = 1; ; tries++) {
          const read = (await ports.incidents.get(id)) as StoredIncident;
          try {
            await ports.incidents.commit(read, withVote(read.record, `U${tries}`), [], c);
            return 'recorded';
          } catch (e) {
            if (e instanceof ReplayedRequestError) return 'repeat';
            if (!(e instanceof ConcurrentUpdateError) || tries >= 20) throw e;
          }
        }
      };

      // Act
      const outcomes = await Promise.all([db.ports, ...[1, 2, 3].map(() => db.tables.ports())].map(attempt));

      // Assess
      expect(outcomes.sort()).toEqual(['recorded', 'repeat', 'repeat', 'repeat']);
      const after = (await db.ports.incidents.get(id))!;
      expect(after.record.votes).toHaveLength(1);
      expect(after.version).toBe(current.version + 1);
    });
  });

  it('reads an incident item written with the keys inside it (before they had items of their own) without them, and drops them on the next write', async () => {
    // Prepare
    const current = await created();
    const id = current.record.incident.id;
    const { Item } = await db.tables.client.send(
      new GetCommand({ TableName: db.tables.incidentsTable, Key: incidentKey(id) }),
    );
    await db.tables.client.send(
      new PutCommand({ TableName: db.tables.incidentsTable, Item: { ...Item, claims: ['aa:1800000000'] } }),
    );

    // Act
    const read = (await db.ports.incidents.get(id))!;
    await db.ports.incidents.commit(read, withVote(read.record), []);

    // Assess
    expect(read.record).toEqual(current.record);
    const after = await db.tables.client.send(
      new GetCommand({ TableName: db.tables.incidentsTable, Key: incidentKey(id) }),
    );
    expect(after.Item).not.toHaveProperty('claims');
  });
});
