import { useLocalTables } from './localTables';

/** DynamoDbSideDocuments against DynamoDB Local. */
describe('Class: DynamoDbSideDocuments (DynamoDB Local)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const write = (open: boolean) => ({ now, ttlSeconds: 3600, open });

  const db = useLocalTables('docs');

  describe('Method: put', () => {
    it('creates at version 1 only when absent, then writes only from the current version', async () => {
      // Act
      const created = await db.ports.sideDocs.put('PATTERN#a', { count: 1 }, 0, write(false));
      const createdTwice = await db.ports.sideDocs.put('PATTERN#a', { count: 9 }, 0, write(false));
      const next = await db.ports.sideDocs.put('PATTERN#a', { count: 2 }, 1, write(false));
      const stale = await db.ports.sideDocs.put('PATTERN#a', { count: 9 }, 1, write(false));

      // Assess
      expect([created, createdTwice, next, stale]).toEqual([true, false, true, false]);
      expect(await db.ports.sideDocs.get('PATTERN#a')).toEqual({ value: { count: 2 }, version: 2 });
    });
  });

  describe('Method: get', () => {
    it('answers undefined for a document never written', async () => {
      // Act
      const doc = await db.ports.sideDocs.get('PATTERN#none');

      // Assess
      expect(doc).toBeUndefined();
    });
  });

  describe('Method: listOpen', () => {
    it('lists the documents last written open, not those written closed since', async () => {
      // Prepare
      await db.ports.sideDocs.put('DIGEST#open', { total: 1 }, 0, write(true));
      await db.ports.sideDocs.put('DIGEST#closed', { total: 1 }, 0, write(true));
      await db.ports.sideDocs.put('DIGEST#closed', { total: 1 }, 1, write(false));

      // Act
      const open = await db.ports.sideDocs.listOpen<{ total: number }>();

      // Assess
      expect(open).toEqual([{ key: 'DIGEST#open', value: { total: 1 }, version: 1 }]);
    });
  });
});
