import type { RejectedPayload } from '../../../../src/services/RejectedPayloads';
import { useLocalTables } from './localTables';

/** DynamoDbRejectedPayloads against DynamoDB Local. */
describe('Class: DynamoDbRejectedPayloads (DynamoDB Local)', () => {
  const rejected = (at: string, payload: string): RejectedPayload => ({
    source: 'sqs',
    code: 'chainsec_invalid_input',
    reason: 'malformed JSON',
    payload,
    bytes: payload.length,
    sha256: 'a'.repeat(64),
    at,
  });

  const db = useLocalTables('rejected');

  describe('Method: keep', () => {
    it('keeps payloads, newest first, cutting one too large for an item', async () => {
      // Prepare
      const big = 'x'.repeat(350_000);

      // Act
      const older = await db.ports.rejected.keep(rejected('2026-11-23T10:00:00.000Z', '{"a":'));
      const newer = await db.ports.rejected.keep(rejected('2026-11-23T10:00:01.000Z', big));
      const kept = await db.ports.rejected.list(10);

      // Assess
      expect(kept.map((k) => k.id)).toEqual([newer, older]);
      expect(kept[0]).toMatchObject({ truncated: true, bytes: 350_000, code: 'chainsec_invalid_input' });
      expect(kept[0]!.payload).toHaveLength(300_000);
      expect(kept[1]).toEqual({ ...rejected('2026-11-23T10:00:00.000Z', '{"a":'), id: older, truncated: false });
    });
  });

  describe('Method: list', () => {
    it('lists at most `limit` payloads', async () => {
      // Act
      const kept = await db.ports.rejected.list(1);

      // Assess
      expect(kept).toHaveLength(1);
    });
  });
});
