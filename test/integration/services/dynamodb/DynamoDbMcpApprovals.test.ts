import type { WorkflowDecisionOutput } from '../../../../src/domain/messages';
import { WorkflowTokenGoneError } from '../../../../src/errors';
import { DynamoDbMcpApprovals } from '../../../../src/services/dynamodb/DynamoDbMcpApprovals';
import type { McpApproval } from '../../../../src/services/McpApprovals';
import { useLocalTables } from './localTables';

/** DynamoDbMcpApprovals against DynamoDB Local. */
describe('Class: DynamoDbMcpApprovals (DynamoDB Local)', () => {
  const db = useLocalTables('mcp');
  const store = () => new DynamoDbMcpApprovals(db.tables.client, db.tables.incidentsTable);

  const approval = (approvalId: string, agent: string, requestedAt: string): McpApproval => ({
    approvalId,
    agent,
    incidentId: 'INC-0000000001',
    tier: 'high',
    requestedAt,
    expiresAt: '2026-12-01T00:00:00.000Z',
  });
  const decision = (ledgerHash: string): WorkflowDecisionOutput => ({
    decision: 'deny',
    decidedBy: ['U0APPROVER1'],
    decidedAt: '2026-11-23T10:05:00.000Z',
    incidentId: 'INC-0000000001',
    ledgerHash,
    dryRun: false,
    reason: 'not now',
  });

  describe('Method: deliver', () => {
    it('stores one decision; the same again changes nothing; another, or an unknown request, is refused as gone', async () => {
      // Prepare
      const s = store();
      await s.create(approval('apr_deliver', 'agent-ops', '2026-11-23T10:00:00.000Z'));

      // Act
      await s.deliver('apr_deliver', decision('a'.repeat(64)));
      await s.deliver('apr_deliver', decision('a'.repeat(64)));
      const other = await s.deliver('apr_deliver', decision('b'.repeat(64))).catch((e: unknown) => e);
      const unknown = await s.deliver('apr_unknown', decision('a'.repeat(64))).catch((e: unknown) => e);

      // Assess
      expect(other).toBeInstanceOf(WorkflowTokenGoneError);
      expect(unknown).toBeInstanceOf(WorkflowTokenGoneError);
      expect((await s.get('apr_deliver'))?.outcome).toEqual(decision('a'.repeat(64)));
    });
  });

  describe('Methods: claimForward, finishForward', () => {
    it('lets exactly one of many concurrent claims forward a call, and records its outcome once', async () => {
      // Prepare
      const s = store();
      await s.create(approval('apr_forward', 'agent-ops', '2026-11-23T10:00:00.000Z'));
      const claim = (i: number) => ({ claimedAt: `2026-11-23T10:06:0${i}.000Z`, chain: `toolcall-${i}` });

      // Act: five instances race for the same forward
      const won = await Promise.all([0, 1, 2, 3, 4].map((i) => s.claimForward('apr_forward', claim(i))));
      const winner = won.indexOf(true);
      const loserFinishes = s
        .finishForward('apr_forward', { ...claim((winner + 1) % 5), failure: 'x' })
        .catch((e: unknown) => e);
      await s.finishForward('apr_forward', { ...claim(winner), result: { content: [{ type: 'text', text: '8' }] } });
      const twice = await s
        .finishForward('apr_forward', { ...claim(winner), failure: 'again' })
        .catch((e: unknown) => e);
      const unknown = await s.claimForward('apr_nobody', claim(0));

      // Assess
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await loserFinishes).toBeInstanceOf(Error);
      expect(twice).toBeInstanceOf(Error);
      expect(unknown).toBe(false);
      expect((await s.get('apr_forward'))?.forward).toEqual({
        ...claim(winner),
        result: { content: [{ type: 'text', text: '8' }] },
      });
    });
  });

  describe('Method: create', () => {
    it('refuses a second request with the same id', async () => {
      const s = store();
      await s.create(approval('apr_twice', 'agent-ops', '2026-11-23T10:00:00.000Z'));
      await expect(s.create(approval('apr_twice', 'agent-evil', '2026-11-23T10:00:00.000Z'))).rejects.toThrow();
      expect((await s.get('apr_twice'))?.agent).toBe('agent-ops');
    });
  });

  describe('Method: listForAgent', () => {
    it("lists one agent's requests newest first, and none of another's", async () => {
      // Prepare
      const s = store();
      await s.create(approval('apr_l1', 'agent-list', '2026-11-23T10:00:00.000Z'));
      await s.create(approval('apr_l2', 'agent-list', '2026-11-23T11:00:00.000Z'));
      await s.create(approval('apr_l3', 'agent-other', '2026-11-23T12:00:00.000Z'));

      // Act
      const listed = await s.listForAgent('agent-list', 10);

      // Assess
      expect(listed.map((a) => a.approvalId)).toEqual(['apr_l2', 'apr_l1']);
    });
  });
});
