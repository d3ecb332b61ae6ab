import { acknowledge, markFalsePositive, type MarkInput } from '../../../src/app/acknowledge';
import { effectivePolicy } from '../../../src/domain/effectivePolicy';
import { ErrorCode } from '../../../src/errors';
import { parseRoutes } from '../../../src/domain/routes';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { approvalRecord } from '../../support/records';

/**
 * "I'm on it" and false-positive marks on a routed incident: only its route's
 * people (approvers, and the on-call it pages), only on a surface its route allows.
 */
describe('Marks on a routed incident', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const ROUTES = parseRoutes(
    JSON.stringify([
      {
        name: 'critical',
        channel: 'C0CRITICAL',
        match: { tier: ['critical'] },
        approverUserIds: ['U0APPROVER1'],
        onCallUserId: 'U0ROUTEONCALL',
      },
    ]),
  );
  let f: FakeAppDeps;
  let id: string;
  beforeEach(() => {
    f = fakeAppDeps({ now });
    f.deps.config = { ...f.deps.config, routes: ROUTES };
    const record = approvalRecord(now, { channel: 'C0CRITICAL', ts: '1700000000.000100' }, 'critical');
    const seeded = f.storage.table.seed({
      ...record,
      policy: effectivePolicy(f.deps.config, record.incident, 'critical', now),
    });
    id = seeded.record.incident.id;
  });
  const onCard = (userId: string, channelId = 'C0CRITICAL'): MarkInput => ({
    incidentId: id,
    userId,
    surface: { kind: 'message', channelId, messageTs: '1700000000.000100' },
  });

  it("refuses an approver of the default route who is not the route's, changing nothing", async () => {
    // Act
    const ack = await acknowledge(f.deps, onCard('U0APPROVER3'));
    const fp = await markFalsePositive(f.deps, onCard('U0APPROVER3'));

    // Assess
    expect(ack).toMatchObject({ kind: 'rejected', code: ErrorCode.NotAllowedToDecide });
    expect(fp).toMatchObject({ kind: 'rejected', code: ErrorCode.NotAllowedToDecide });
    const stored = f.storage.table.peek(id)!.record;
    expect(stored.acknowledgedAt).toBeUndefined();
    expect(stored.falsePositive).toBeUndefined();
  });

  it("refuses the route's own approver from the Home tab or another channel", async () => {
    // Act
    const fromHome = await acknowledge(f.deps, {
      incidentId: id,
      userId: 'U0APPROVER1',
      surface: { kind: 'app_home' },
    });
    const elsewhere = await markFalsePositive(f.deps, onCard('U0APPROVER1', APPROVALS));

    // Assess
    expect(fromHome).toMatchObject({ kind: 'rejected', code: ErrorCode.WrongChannel });
    expect(elsewhere).toMatchObject({ kind: 'rejected', code: ErrorCode.WrongChannel });
  });

  it("refuses the route's own approver on another message of its channel (a card a raise replaced), changing nothing", async () => {
    // Prepare
    const stale: MarkInput = {
      ...onCard('U0APPROVER1'),
      surface: { kind: 'message', channelId: 'C0CRITICAL', messageTs: '1699999999.000100' },
    };

    // Act
    const ack = await acknowledge(f.deps, stale);
    const fp = await markFalsePositive(f.deps, stale);

    // Assess
    expect(ack).toMatchObject({ kind: 'rejected', code: ErrorCode.NotTheCard });
    expect(fp).toMatchObject({ kind: 'rejected', code: ErrorCode.NotTheCard });
    const stored = f.storage.table.peek(id)!.record;
    expect(stored.acknowledgedAt).toBeUndefined();
    expect(stored.falsePositive).toBeUndefined();
  });

  /** A click in the escalation DM sent for the request made at `pagedFor` (the stored one by default). */
  const inPage = (userId: string, pagedFor = f.storage.table.peek(id)!.record.requestedAt): MarkInput => ({
    ...onCard(userId, `D${userId}`),
    pagedFor,
  });

  it("lets the route's on-call acknowledge from the escalation DM, though no approver", async () => {
    // Act
    const result = await acknowledge(f.deps, inPage('U0ROUTEONCALL'));

    // Assess
    expect(result).toMatchObject({ kind: 'done' });
    expect(f.storage.table.peek(id)!.record.acknowledgedBy).toBe('U0ROUTEONCALL');
  });

  it.each([
    ['a page sent for an earlier request (raised since)', '2020-01-01T00:00:00.000Z'],
    ['a page that names no request', undefined],
  ])('refuses "I\'m on it" from %s, changing nothing', async (_name, pagedFor) => {
    // Act
    const result = await acknowledge(f.deps, {
      ...onCard('U0ROUTEONCALL', 'DROUTEONCALL'),
      ...(pagedFor && { pagedFor }),
    });

    // Assess
    expect(result).toMatchObject({ kind: 'rejected', message: expect.stringContaining('earlier request') });
    expect(f.storage.table.peek(id)!.record.acknowledgedBy).toBeUndefined();
  });
});
