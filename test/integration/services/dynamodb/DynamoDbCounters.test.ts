import type { StoragePorts } from '../../../../src/services/StoragePorts';
import { localTables, type LocalTables } from './localTables';

/** DynamoDbCounters against DynamoDB Local. */
describe('Class: DynamoDbCounters (DynamoDB Local)', () => {
  let tables: LocalTables;
  let ports: StoragePorts;
  const now = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    tables = await localTables('counters');
    ports = tables.ports();
  }, 60_000);
  afterAll(async () => {
    await tables.stop();
  });

  describe('Method: increment', () => {
    it('counts from 1, atomically under concurrent increments, each key apart', async () => {
      // Act
      const first = await ports.counters.increment('RATE#C1#2026-11-23T10:00', 180, now);
      const more = Array.from({ length: 5 }, () => ports.counters.increment('RATE#C1#2026-11-23T10:00', 180, now));
      const concurrent = await Promise.all(more);
      const other = await ports.counters.increment('RATE#C1#2026-11-23T10:01', 180, now);

      // Assess
      expect(first).toBe(1);
      expect([...concurrent].sort()).toEqual([2, 3, 4, 5, 6]);
      expect(other).toBe(1);
    });
  });
});
