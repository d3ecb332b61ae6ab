import { sweep } from '../../../src/app/sweep';
import { parseRoutes } from '../../../src/domain/routes';
import { DeliveryStatus, IncidentStatus } from '../../../src/domain/incidentRecord';
import { LedgerEntryType } from '../../../src/domain/ledger';
import { fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../support/fakes/seeds';
import { storedEntries } from '../../support/records';

describe('Function: sweep', () => {
  const requestedAt = new Date('2026-11-23T10:00:00Z');
  const minutes = (n: number) => new Date(requestedAt.getTime() + n * 60_000);

  it('expires a request past its deadline, fail closed, and resumes the workflow with the expiry', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(61) });
    const { record } = seedApproval(f.storage, requestedAt);

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.expired).toEqual([record.incident.id]);
    expect(f.workflow.resumed.map((r) => r.output.decision)).toEqual(['expired']);
    const chain = await f.deps.ledger.chain(record.incident.id);
    expect(chain.map((e) => e.type)).toEqual([LedgerEntryType.Expiry, LedgerEntryType.Decision]);
    expect(chain[0]).toMatchObject({ fallback: 'deny (fail closed)' });
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored).toMatchObject({ status: IncidentStatus.Expired, delivery: DeliveryStatus.Delivered });
  });

  it('escalates a request nobody acknowledged within its SLA to the primary on-call', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(16) });
    const { record } = seedApproval(f.storage, requestedAt);

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.escalated).toEqual([{ incidentId: record.incident.id, level: 1, users: ['U0ONCALL1'] }]);
    expect(f.slack.callsOf('dm').map((c) => c.user)).toEqual(['U0ONCALL1']);
    expect(f.telemetry.count('ApprovalsPastSla')).toBe(1);
  });

  it('leaves an acknowledged request alone', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(16) });
    seedApproval(f.storage, requestedAt, { acknowledgedAt: minutes(1).toISOString(), acknowledgedBy: 'U0APPROVER1' });

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.escalated).toEqual([]);
    expect(f.slack.calls).toEqual([]);
  });

  it('re-drives a decision stored but not delivered, and fixes a stale card', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(2) });
    const undelivered = seedApproval(f.storage, requestedAt, {
      status: IncidentStatus.Decided,
      decision: 'deny',
      decidedBy: ['U0APPROVER1'],
      decidedAt: minutes(1).toISOString(),
      decisionHash: 'e'.repeat(64),
      delivery: DeliveryStatus.Pending,
    });
    const delivered = { status: IncidentStatus.Decided, delivery: DeliveryStatus.Delivered };
    const stale = seedApproval(f.storage, requestedAt, { ...delivered, cardStale: true });

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.redriven).toEqual([{ incidentId: undelivered.record.incident.id, outcome: 'delivered' }]);
    expect(f.workflow.resumed.map((r) => r.output.decision)).toEqual(['deny']);
    expect(report.cardsFixed).toEqual([stale.record.incident.id]);
    expect(f.storage.table.peek(stale.record.incident.id)!.record.cardStale).toBe(false);
  });

  it('posts a card that was never shown, a minute after the request', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(2) });
    const unposted = { channel: undefined, ts: undefined, acknowledgedAt: requestedAt.toISOString() };
    const { record } = seedApproval(f.storage, requestedAt, unposted);

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.posted).toEqual([record.incident.id]);
    expect(f.slack.callsOf('post')).toHaveLength(1);
    expect(f.storage.table.peek(record.incident.id)!.record.ts).toBe(f.slack.callsOf('post')[0]!.ts);
  });

  it('publishes the ledger entries a crash left in their incident', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(1) });
    const seeded = seedApproval(f.storage, requestedAt, { acknowledgedAt: requestedAt.toISOString() });
    const id = seeded.record.incident.id;
    f.storage.table.seed(seeded.record, { taskToken: 't', unpublished: storedEntries(id, 1, 2, requestedAt) });

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.entriesPublished).toBe(2);
    expect(f.storage.table.published(id)).toHaveLength(2);
    expect(f.storage.table.peek(id)!.internal?.unpublished).toEqual([]);
  });

  it('reports a ledger conflict without stopping, and counts it', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(1) });
    const seeded = seedApproval(f.storage, requestedAt, { acknowledgedAt: requestedAt.toISOString() });
    const id = seeded.record.incident.id;
    const [held] = storedEntries(id, 1, 1, requestedAt);
    f.storage.table.putLedgerEntry(held!, JSON.stringify(held));
    f.storage.table.seed(seeded.record, { unpublished: storedEntries(id, 1, 1, requestedAt) });

    // Act
    const report = await sweep(f.deps);

    // Assess
    const error = 'a different ledger entry is already stored at this place';
    expect(report.errors).toEqual([{ incidentId: id, error }]);
    expect(f.telemetry.count('LedgerConflicts')).toBe(1);
  });

  it('goes on with the other incidents when one fails', async () => {
    // Prepare
    const f = fakeAppDeps({ now: minutes(16) });
    const first = seedApproval(f.storage, requestedAt);
    const second = seedApproval(f.storage, requestedAt);
    f.slack.faults.fail('dm', new Error('slack down'));

    // Act
    const report = await sweep(f.deps);

    // Assess
    expect(report.errors).toEqual([{ incidentId: first.record.incident.id, error: 'slack down' }]);
    expect(report.escalated.map((e) => e.incidentId)).toEqual([second.record.incident.id]);
  });
  describe('routes', () => {
    const routed = () => {
      const f = fakeAppDeps({ now: minutes(2) });
      f.deps.config = {
        ...f.deps.config,
        routes: parseRoutes('[{"name":"critical","channel":"C0CRITICAL","match":{"tier":["critical"]}}]'),
      };
      return f;
    };

    it('alerts once about a route channel the bot is not in, over two sweeps', async () => {
      // Prepare
      const f = routed();
      f.slack.botNotIn.add('C0CRITICAL');

      // Act
      const first = await sweep(f.deps);
      const second = await sweep(f.deps);

      // Assess
      expect(first.routeAlerts).toEqual(['C0CRITICAL']);
      expect(second.routeAlerts).toEqual([]);
      expect(f.slack.callsOf('post').map((c) => c.channel)).toEqual(['C0APPROVALS']);
    });

    it('a failed alert is reported and stops nothing', async () => {
      // Prepare
      const f = routed();
      f.slack.botNotIn.add('C0CRITICAL');
      f.slack.faults.fail('post', new Error('slack down'));
      const expired = seedApproval(f.storage, new Date(requestedAt.getTime() - 3_600_000));

      // Act
      const report = await sweep(f.deps);

      // Assess
      expect(report.errors).toEqual([{ incidentId: 'routes', error: 'slack down' }]);
      expect(report.expired).toEqual([expired.record.incident.id]);
    });
  });

  describe('decision notices', () => {
    const decided = {
      status: IncidentStatus.Decided,
      decision: 'deny',
      decidedBy: ['U0APPROVER1'],
      decidedAt: minutes(1).toISOString(),
      delivery: DeliveryStatus.Delivered,
      votes: [{ userId: 'U0APPROVER1', choice: 'deny', at: minutes(1).toISOString(), reason: 'Red team.' }],
      requestedBy: 'U0ONCALL2',
      requesterKnown: true,
      startedBy: 'U0ONCALL2',
    } as const;
    /** Seeds the decided, delivered approval whose notices are still to post. */
    const seedDecided = (f: FakeAppDeps) =>
      seedApproval(f.storage, requestedAt, {
        ...decided,
        votes: [...decided.votes],
        decidedBy: [...decided.decidedBy],
      });

    it('posts the thread line and DMs the requester after delivery, once across sweeps', async () => {
      // Prepare
      const f = fakeAppDeps({ now: minutes(2) });
      const { record } = seedDecided(f);

      // Act
      const first = await sweep(f.deps);
      const second = await sweep(f.deps);

      // Assess
      expect(first.announced).toEqual([record.incident.id]);
      expect(second.announced).toEqual([]);
      const threadLines = f.slack.callsOf('post').filter((c) => c.threadTs === record.ts);
      expect(threadLines).toHaveLength(1);
      expect(threadLines[0]!.message.text).toContain('Red team.');
      expect(f.slack.callsOf('dm').map((c) => c.user)).toEqual(['U0ONCALL2']);
    });

    it('a failed thread post never touches the decision and is retried by the next sweep', async () => {
      // Prepare
      const f = fakeAppDeps({ now: minutes(2) });
      const { record } = seedDecided(f);
      f.slack.faults.fail('post', new Error('slack down'));

      // Act
      const first = await sweep(f.deps);
      const second = await sweep(f.deps);

      // Assess
      expect(first.announced).toEqual([]);
      expect(second.announced).toEqual([record.incident.id]);
      expect(f.slack.callsOf('dm')).toHaveLength(1);
      expect(f.storage.table.peek(record.incident.id)!.record).toMatchObject({
        decision: 'deny',
        delivery: DeliveryStatus.Delivered,
      });
    });
  });
});
