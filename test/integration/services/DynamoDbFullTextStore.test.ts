import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { fullTextDocument, type LongText } from '../../../src/domain/payloadBounds';
import { FullTextUnavailableError } from '../../../src/errors';
import { DynamoDbFullTextStore } from '../../../src/services/DynamoDbFullTextStore';
import { useLocalTables } from './dynamodb/localTables';

/** DynamoDbFullTextStore against DynamoDB Local: the incidents table from template.yaml. */
describe('Class: DynamoDbFullTextStore (DynamoDB Local)', () => {
  const db = useLocalTables('fulltext');
  let n = 0;
  /** A store with small parts, so a few kilobytes of text take several items. */
  const store = (partBytes = 1000) =>
    new DynamoDbFullTextStore({
      incidentsTable: db.tables.incidentsTable,
      callTimeoutMs: 10_000,
      client: db.tables.client,
      partBytes,
    });
  /** A long text no other test stores (the store is content-addressed). */
  const longText = (): LongText => ({
    reasoning: `Run ${++n}: ${'the pool drained after an oracle update; '.repeat(80)}`,
    evidence: ['tx 0xabc', 'émoji 🔥 and CJK 漢字 across part boundaries '.repeat(30)],
    analysis: 'SQL injection',
  });
  const parts = async (sha256: string) =>
    (
      await db.tables.client.send(
        new QueryCommand({
          TableName: db.tables.incidentsTable,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': `FULLTEXT#${sha256}` },
        }),
      )
    ).Items ?? [];

  describe('Method: put', () => {
    it('stores the document under its SHA-256 in parts of at most partBytes, and answers its hash and size', async () => {
      // Prepare
      const full = longText();

      // Act
      const out = await store().put('INC-0000000001', full);

      // Assess
      const { sha256, bytes } = fullTextDocument(full);
      expect(out).toEqual({ sha256, bytes });
      const items = await parts(sha256);
      expect(items.length).toBeGreaterThan(3);
      for (const item of items) {
        expect(Buffer.byteLength(String(item.text))).toBeLessThanOrEqual(1000);
        expect(item).toMatchObject({ incidentId: 'INC-0000000001', parts: items.length, bytes });
      }
    });

    it('refuses a text over 40 parts (more than an incident can carry) and stores nothing', async () => {
      // Prepare
      const full = longText();

      // Act
      const put = store(100).put('INC-0000000001', full);

      // Assess
      await expect(put).rejects.toThrow(RangeError);
      expect(await parts(fullTextDocument(full).sha256)).toEqual([]);
    });

    it('is idempotent: the same text stored twice is one document', async () => {
      // Prepare
      const full = longText();
      const s = store();

      // Act
      const first = await s.put('INC-0000000001', full);
      const second = await s.put('INC-0000000002', full);

      // Assess
      expect(second).toEqual(first);
      expect(await s.get(first.sha256)).toEqual(full);
    });
  });

  describe('Method: get', () => {
    it('reads a document back whole, with characters split across parts intact', async () => {
      // Prepare: 7-byte parts, so emoji, accents and CJK meet part boundaries.
      const full: LongText = { reasoning: `Run ${++n} `.concat('🔥漢é'.repeat(12)), evidence: ['ü'] };
      const { sha256 } = await store(7).put('INC-0000000001', full);

      // Act
      const read = await store(7).get(sha256);

      // Assess
      expect((await parts(sha256)).length).toBeGreaterThan(10);
      expect(read).toEqual(full);
    });

    it('answers undefined for a hash nothing is stored under', async () => {
      // Act
      const read = await store().get('0'.repeat(64));

      // Assess
      expect(read).toBeUndefined();
    });

    it('refuses a document with a part missing (half written) as unavailable, never as text', async () => {
      // Prepare
      const { sha256 } = await store().put('INC-0000000001', longText());
      await db.tables.client.send(
        new DeleteCommand({ TableName: db.tables.incidentsTable, Key: { pk: `FULLTEXT#${sha256}`, sk: 'PART#0001' } }),
      );

      // Act
      const read = store().get(sha256);

      // Assess
      await expect(read).rejects.toBeInstanceOf(FullTextUnavailableError);
      await expect(read).rejects.toThrow(/parts stored/);
    });

    it('refuses a document whose text does not hash to its key', async () => {
      // Prepare: one part's text changed in the table.
      const { sha256 } = await store().put('INC-0000000001', longText());
      const key = { pk: `FULLTEXT#${sha256}`, sk: 'PART#0000' };
      const { Item } = await db.tables.client.send(new GetCommand({ TableName: db.tables.incidentsTable, Key: key }));
      await db.tables.client.send(
        new PutCommand({
          TableName: db.tables.incidentsTable,
          Item: { ...Item, text: String(Item!.text).replace('pool', 'fool') },
        }),
      );

      // Act
      const read = store().get(sha256);

      // Assess
      await expect(read).rejects.toBeInstanceOf(FullTextUnavailableError);
      await expect(read).rejects.toThrow(/does not match its hash/);
    });
  });
});
