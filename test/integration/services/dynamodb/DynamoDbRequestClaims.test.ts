import type { OnceClaim } from '../../../../src/services/RequestClaims';
import { approvalRecord } from '../../../support/records';
import { useLocalTables } from './localTables';

/** DynamoDbRequestClaims against DynamoDB Local. */
describe('Class: DynamoDbRequestClaims (DynamoDB Local)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let n = 0;
  const claim = (): OnceClaim => ({ key: `slack:v0=claims-${++n}-${Date.now()}`, ttlSeconds: 660, now });
  const later = (c: OnceClaim): OnceClaim => ({ ...c, now: new Date(now.getTime() + (c.ttlSeconds + 1) * 1000) });

  const db = useLocalTables('claims');

  describe('Method: take', () => {
    it('takes a key in its incident once, bumping the version, and again once it expired', async () => {
      // Prepare
      const record = approvalRecord(now);
      await db.ports.incidents.create(record, 'token', []);
      const c = claim();

      // Act
      const first = await db.ports.claims.take(c, record.incident.id);
      const second = await db.ports.claims.take(c, record.incident.id);
      const afterExpiry = await db.ports.claims.take(later(c), record.incident.id);

      // Assess
      expect([first, second, afterExpiry]).toEqual([true, false, true]);
      const stored = (await db.ports.incidents.get(record.incident.id))!;
      expect(stored.version).toBe(3);
      expect(stored.internal?.claims).toHaveLength(1);
      expect(stored.record).toEqual(record);
    });

    it('keeps the keys of unknown incidents, and keys without one, in items of their own', async () => {
      // Prepare
      const c = claim();
      const d = claim();

      // Act
      const unknown = [
        await db.ports.claims.take(c, 'INC-0000000000'),
        await db.ports.claims.take(c, 'INC-0000000000'),
      ];
      const alone = [
        await db.ports.claims.take(d),
        await db.ports.claims.take(d),
        await db.ports.claims.take(later(d)),
      ];

      // Assess
      expect(unknown).toEqual([true, false]);
      expect(alone).toEqual([true, false, true]);
    });

    it('lets exactly one of concurrent takers of the same key win', async () => {
      // Prepare
      const record = approvalRecord(now);
      await db.ports.incidents.create(record, 'token', []);
      const c = claim();
      const containers = [db.ports, db.tables.ports(), db.tables.ports(), db.tables.ports()];

      // Act
      const taken = await Promise.all(containers.map((p) => p.claims.take(c, record.incident.id)));

      // Assess
      expect(taken.filter(Boolean)).toHaveLength(1);
    });
  });
});
