import { cardFor, refreshCard, showCard } from '../../../src/app/cards';
import { IncidentStatus } from '../../../src/domain/incidentRecord';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { CARD_TS, seedApproval } from '../../support/fakes/seeds';

describe('Function: cardFor', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it("builds a pending request's card with its buttons, and an undelivered request's card without", () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const pending = seedApproval(f.storage, now).record;
    const undelivered = {
      ...pending,
      status: IncidentStatus.Decided,
      undelivered: { at: now.toISOString(), error: 'SNS.Failure', cause: 'refused', executionArn: 'arn:exec:1' },
    };

    // Act
    const card = cardFor(f.deps, pending);
    const notice = cardFor(f.deps, undelivered);

    // Assess
    expect(JSON.stringify(card.blocks)).toContain('chainsec_approve');
    expect(JSON.stringify(notice.blocks)).not.toContain('chainsec_approve');
    expect(notice.text).not.toBe(card.text);
  });
});

describe('Function: showCard', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  it('updates the card in place from the record it is given', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);

    // Act
    const current = await showCard(f.deps, record);

    // Assess
    expect(current).toBe(true);
    expect(f.slack.callsOf('update')).toEqual([
      { method: 'update', channel: APPROVALS, ts: CARD_TS, message: cardFor(f.deps, record) },
    ]);
  });

  it('answers false, calling nobody, for a record whose card is not posted', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, { ts: undefined });

    // Act
    const current = await showCard(f.deps, record);

    // Assess
    expect(current).toBe(false);
    expect(f.slack.calls).toEqual([]);
  });

  it('marks the card stale when the update fails (the decision stands), and fresh once an update works', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const id = record.incident.id;
    f.slack.faults.fail('update', new Error('slack down'));

    // Act
    const failed = await showCard(f.deps, record);
    const stale = f.storage.table.peek(id)!.record;
    const fixed = await showCard(f.deps, stale);

    // Assess
    expect(failed).toBe(false);
    expect(stale.cardStale).toBe(true);
    expect(stale.status).toBe(IncidentStatus.Pending);
    expect(f.telemetry.count('CardUpdateFailures')).toBe(1);
    expect(fixed).toBe(true);
    expect(f.storage.table.peek(id)!.record.cardStale).toBe(false);
  });
});

describe('Function: refreshCard', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('re-reads the record, so the card shows the latest stored state', async () => {
    // Prepare: the record changed after the caller read it.
    const f = fakeAppDeps({ now });
    const { record } = seedApproval(f.storage, now);
    await f.deps.incidents.update(record.incident.id, (r) => ({
      ...r,
      votes: [{ userId: 'U0APPROVER2', choice: 'approve', at: now.toISOString() }],
    }));

    // Act
    const current = await refreshCard(f.deps, record.incident.id);

    // Assess
    expect(current).toBe(true);
    const [update] = f.slack.callsOf('update');
    expect(update?.message).toEqual(cardFor(f.deps, f.storage.table.peek(record.incident.id)!.record));
    expect(update?.message).not.toEqual(cardFor(f.deps, record));
  });

  it('answers false for an incident it does not know', async () => {
    // Prepare
    const f = fakeAppDeps({ now });

    // Act
    const current = await refreshCard(f.deps, 'INC-0000000000');

    // Assess
    expect(current).toBe(false);
    expect(f.slack.calls).toEqual([]);
  });
});
