import { useLocalTables } from './localTables';

/** DynamoDbCounters against DynamoDB Local. */
describe('Class: DynamoDbCounters (DynamoDB Local)', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  const db = useLocalTables('counters');

  describe('Method: increment', () => {
    it('counts from 1, atomically under concurrent increments, each key apart', async () => {
      // Act
      const first = await db.ports.counters.increment('RATE#C1#2026-11-23T10:00', 180, now);
      const more = Array.from({ length: 5 }, () => db.ports.counters.increment('RATE#C1#2026-11-23T10:00', 180, now));
      const concurrent = await Promise.all(more);
      const other = await db.ports.counters.increment('RATE#C1#2026-11-23T10:01', 180, now);

      // Assess
      expect(first).toBe(1);
      expect([...concurrent].sort()).toEqual([2, 3, 4, 5, 6]);
      expect(other).toBe(1);
    });
  });
});
