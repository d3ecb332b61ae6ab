import { previewVote } from '../../../src/app/previewVote';
import { IncidentStatus } from '../../../src/domain/incidentRecord';
import type { VoteSurface } from '../../../src/domain/votes';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { CARD_TS, seedApproval } from '../../support/fakes/seeds';
import { approvalRecord, recordOf } from '../../support/records';

describe('Function: previewVote', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const onTheCard: VoteSurface = { kind: 'message', channelId: APPROVALS, messageTs: CARD_TS };
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  it('allows an approver on the card of a pending request, and records nothing', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const writesBefore = f.storage.table.writes.length;

    // Act
    const preview = await previewVote(f.deps, {
      incidentId: record.incident.id,
      userId: 'U0APPROVER1',
      choice: 'deny',
      surface: onTheCard,
    });

    // Assess
    expect(preview).toEqual({ kind: 'allowed', record });
    expect(f.storage.table.writes).toHaveLength(writesBefore);
    expect(await f.deps.ledger.chain(record.incident.id)).toEqual([]);
    expect(f.slack.calls).toEqual([]);
  });

  it('refuses, by the vote rules, someone who is not an approver', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);

    // Act
    const preview = await previewVote(f.deps, {
      incidentId: record.incident.id,
      userId: 'U0VIEWER',
      choice: 'approve',
      surface: onTheCard,
    });

    // Assess
    expect(preview).toEqual({
      kind: 'refused',
      message: 'You are not an approver for this tier; your click changed nothing.',
    });
  });

  it('refuses a second vote by the same person, and a request already decided', async () => {
    // Prepare
    const voted = seedApproval(f.storage, now, { votes: [{ userId: 'U0APPROVER1', choice: 'approve', at: 'x' }] });
    const decided = seedApproval(f.storage, now, {
      status: IncidentStatus.Decided,
      decision: 'deny',
      decidedBy: ['U0APPROVER2'],
    });
    const input = { userId: 'U0APPROVER1', choice: 'approve' as const, surface: onTheCard };

    // Act
    const again = await previewVote(f.deps, { ...input, incidentId: voted.record.incident.id });
    const late = await previewVote(f.deps, { ...input, incidentId: decided.record.incident.id });

    // Assess
    expect(again).toEqual({ kind: 'refused', message: 'You already voted on this request.' });
    expect(late).toEqual({ kind: 'refused', message: 'This request was already decided (deny) by <@U0APPROVER2>.' });
  });

  it('refuses an incident it does not know, and one that needs no decision', async () => {
    // Prepare
    const notification = recordOf(approvalRecord(now).incident, now, { channel: APPROVALS, ts: CARD_TS });
    f.storage.table.seed(notification);
    const input = { userId: 'U0APPROVER1', choice: 'approve' as const, surface: onTheCard };

    // Act
    const unknown = await previewVote(f.deps, { ...input, incidentId: 'INC-0000000000' });
    const noDecision = await previewVote(f.deps, { ...input, incidentId: notification.incident.id });

    // Assess
    expect(unknown).toEqual({ kind: 'refused', message: 'That button does not refer to an incident I know.' });
    expect(noDecision).toEqual({ kind: 'refused', message: 'This incident needs no decision.' });
  });

  it('waits for a card whose ts is not stored yet (a click right after the post), then allows it', async () => {
    // Prepare: the first read finds no card ts; the post's write lands right after it.
    const { record } = seedApproval(f.storage, now, { ts: undefined });
    const id = record.incident.id;
    const incidents = f.deps.incidents;
    let reads = 0;
    const deps = {
      ...f.deps,
      incidents: {
        ...incidents,
        get: async (incidentId: string) => {
          const stored = await incidents.get(incidentId);
          if (++reads === 1) await incidents.update(id, (r) => ({ ...r, ts: CARD_TS }));
          return stored;
        },
      },
    };

    // Act
    const preview = await previewVote(deps, {
      incidentId: id,
      userId: 'U0APPROVER1',
      choice: 'approve',
      surface: onTheCard,
    });

    // Assess
    expect(reads).toBe(2);
    expect(preview).toMatchObject({ kind: 'allowed', record: { ts: CARD_TS } });
  });

  it('refuses a click from another message once the card is stored, without waiting', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    let reads = 0;
    const incidents = f.deps.incidents;
    const deps = {
      ...f.deps,
      incidents: {
        ...incidents,
        get: (id: string) => {
          reads++;
          return incidents.get(id);
        },
      },
    };

    // Act
    const preview = await previewVote(deps, {
      incidentId: record.incident.id,
      userId: 'U0APPROVER1',
      choice: 'approve',
      surface: { kind: 'message', channelId: APPROVALS, messageTs: '1699999999.999999' },
    });

    // Assess
    expect(preview).toEqual({
      kind: 'refused',
      message: "That button is not on this request's card; your click changed nothing.",
    });
    expect(reads).toBe(1);
  });
});
