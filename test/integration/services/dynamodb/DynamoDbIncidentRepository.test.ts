import { ConcurrentUpdateError } from '../../../../src/errors';
import { DeliveryStatus, IncidentStatus } from '../../../../src/domain/incidentRecord';
import type { OnceClaim } from '../../../../src/services/RequestClaims';
import { approvalRecord, storedEntries, withVote } from '../../../support/records';
import { effectivePolicy } from '../../../../src/domain/effectivePolicy';
import { defaultApprovalPolicy } from '../../../../src/domain/policy';
import { parseRoutes } from '../../../../src/domain/routes';
import { useLocalTables } from './localTables';

/** DynamoDbIncidentRepository against DynamoDB Local. */
describe('Class: DynamoDbIncidentRepository (DynamoDB Local)', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let n = 0;
  const claim = (): OnceClaim => ({ key: `slack:v0=repository-${++n}-${Date.now()}`, ttlSeconds: 660, now });

  const db = useLocalTables('repository');

  async function created() {
    const record = approvalRecord(now);
    await db.ports.incidents.create(record, 'token', []);
    return record;
  }

  describe('Method: create', () => {
    it('creates an incident at version 1 with its token, and answers a redelivery with the stored one', async () => {
      // Prepare
      const record = approvalRecord(now);
      const [first] = storedEntries(record.incident.id, 1, 1, now);

      // Act
      const fresh = await db.ports.incidents.create(record, 'token', [first!]);
      const again = await db.ports.incidents.create({ ...record, reasoning: 'changed' }, 'other', []);

      // Assess
      expect(fresh).toEqual({ created: true });
      expect(again.created).toBe(false);
      if (again.created) return;
      expect(again.existing).toMatchObject({ version: 1, taskToken: 'token', record: { reasoning: record.reasoning } });
      // The first entries go straight to the ledger table.
      expect(await db.ports.ledger.chain(record.incident.id)).toEqual([first]);
    });
  });

  describe('the policy fixed at arrival', () => {
    it('is stored with the record and read back whole (a route with only a user group, no on-call)', async () => {
      // Prepare
      const record = approvalRecord(now, {}, 'critical');
      const sources = {
        policy: defaultApprovalPolicy({ approverUserIds: ['U0A'], approvalsChannel: 'C0APPROVALS' }),
        routes: parseRoutes(
          JSON.stringify([{ channel: 'C0CRIT', match: { tier: ['critical'] }, approverUsergroupId: 'S0CRIT' }]),
        ),
        approvalsChannel: 'C0APPROVALS',
        onCall: [],
      };
      const policy = effectivePolicy(sources, record.incident, 'critical', now);

      // Act
      await db.ports.incidents.create({ ...record, policy }, 'token', []);
      const stored = await db.ports.incidents.get(record.incident.id);

      // Assess
      expect(policy.approverUserIds).toEqual([]);
      expect(stored?.record.policy).toEqual(policy);
    });
  });

  describe('Method: commit', () => {
    it('writes the record and its entries in one PutItem conditioned on the version', async () => {
      // Prepare
      const record = await created();
      const current = (await db.ports.incidents.get(record.incident.id))!;
      const before = db.tables.sent.length;

      // Act
      const entries = storedEntries(record.incident.id, 1, 2, now);
      const written = await db.ports.incidents.commit(current, withVote(record), entries);

      // Assess
      expect(db.tables.sent.slice(before)).toEqual([{ operation: 'PutItem', condition: 'version = :v' }]);
      expect(written.version).toBe(current.version + 1);
      expect(written.internal?.unpublished).toHaveLength(2);
      expect((await db.ports.incidents.get(record.incident.id))!.record.votes).toHaveLength(1);
    });

    it("takes the causing request's key in the same write (one transaction; see DynamoDbRequestClaims.test.ts)", async () => {
      // Prepare
      const record = await created();
      const current = (await db.ports.incidents.get(record.incident.id))!;
      const c = claim();
      const before = db.tables.sent.length;

      // Act
      await db.ports.incidents.commit(current, withVote(record), [], c);

      // Assess
      expect(db.tables.sent.slice(before)).toEqual([{ operation: 'TransactWriteItems' }]);
      expect(await db.ports.claims.take(c)).toBe(false);
    });

    it('refuses a commit from a stale read, writing nothing', async () => {
      // Prepare
      const record = await created();
      const stale = (await db.ports.incidents.get(record.incident.id))!;
      await db.ports.incidents.commit(stale, withVote(record), []);

      // Act
      const attempt = db.ports.incidents.commit(stale, withVote(record, 'U2'), []);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
      expect((await db.ports.incidents.get(record.incident.id))!.record.votes).toHaveLength(1);
    });
  });

  describe('Method: update', () => {
    it('updates from a known version without reading, and re-reads on conflict', async () => {
      // Prepare
      const record = await created();
      const known = (await db.ports.incidents.get(record.incident.id))!;
      await db.ports.incidents.commit(known, withVote(record), []);

      // Act
      const written = await db.ports.incidents.update(record.incident.id, (r) => ({ ...r, cardStale: true }), known);

      // Assess
      expect(written?.votes).toHaveLength(1);
      const after = (await db.ports.incidents.get(record.incident.id))!;
      expect(after.record.cardStale).toBe(true);
      expect(after.record.votes).toHaveLength(1);
      expect(after.version).toBe(known.version + 2);
    });

    it('writes nothing for "no change", and nothing for an unknown incident', async () => {
      // Prepare
      const record = await created();

      // Act
      const unchanged = await db.ports.incidents.update(record.incident.id, () => undefined);
      const unknown = await db.ports.incidents.update('INC-0000000000', (r) => r);

      // Assess
      expect(unchanged).toEqual(record);
      expect(unknown).toBeUndefined();
      expect((await db.ports.incidents.get(record.incident.id))!.version).toBe(1);
    });
  });

  describe('Method: listOpen', () => {
    it('lists incidents with work left, and not one decided, delivered, shown and announced', async () => {
      // Prepare
      const open = await created();
      const done = approvalRecord(now);
      const unannounced = approvalRecord(now);
      const decided = { status: IncidentStatus.Decided, decision: 'approve' } as const;
      const delivered = { ...decided, delivery: DeliveryStatus.Delivered, channel: 'C1', ts: '1.0' };
      const announced = { ...delivered, announcement: { thread: 'sent', requester: 'skipped' } } as const;
      await db.ports.incidents.create({ ...done, ...announced }, 'token', []);
      await db.ports.incidents.create({ ...unannounced, ...delivered }, 'token', []);

      // Act
      const ids = (await db.ports.incidents.listOpen()).map((r) => r.incident.id);

      // Assess: a decision whose thread line or requester DM is not sent yet is work left
      expect(ids).toContain(open.incident.id);
      expect(ids).toContain(unannounced.incident.id);
      expect(ids).not.toContain(done.incident.id);
    });
  });

  describe('Method: listByDays', () => {
    it('lists the incidents requested on the given UTC days', async () => {
      // Prepare
      const today = await created();
      const earlier = approvalRecord(new Date('2026-11-20T23:59:59Z'));
      await db.ports.incidents.create(earlier, undefined, []);

      // Act
      const onDay = (await db.ports.incidents.listByDays(['2026-11-23'])).map((r) => r.incident.id);
      const onOther = (await db.ports.incidents.listByDays(['2026-11-20', '2026-11-21'])).map((r) => r.incident.id);

      // Assess
      expect(onDay).toContain(today.incident.id);
      expect(onDay).not.toContain(earlier.incident.id);
      expect(onOther).toContain(earlier.incident.id);
    });
  });
});
