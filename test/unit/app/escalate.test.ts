import { escalate } from '../../../src/app/escalate';
import { DeliveryStatus, IncidentStatus } from '../../../src/domain/incidentRecord';
import { LedgerEntryType } from '../../../src/domain/ledger';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../support/fakes/seeds';

describe('Function: escalate', () => {
  const now = new Date('2026-11-23T10:20:00Z');
  const requestedAt = new Date('2026-11-23T10:00:00Z');

  it('DMs the primary on-call with a link to the card, then records the escalation, signed', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const { record } = seedApproval(f.storage, requestedAt);

    // Act
    const users = await escalate(f.deps, record, { level: 1, targets: ['primary'] });

    // Assess
    expect(users).toEqual(['U0ONCALL1']);
    const [dm] = f.slack.callsOf('dm');
    expect(dm?.user).toBe('U0ONCALL1');
    expect(JSON.stringify(dm?.message.blocks)).toContain(`https://chainsec.slack.example/archives/${record.channel}/`);
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored).toMatchObject({ escalationLevel: 1, lastEscalatedAt: now.toISOString() });
    const escalation = { type: LedgerEntryType.Escalation, level: 1, notified: ['U0ONCALL1'] };
    expect(f.storage.table.published(record.incident.id)).toMatchObject([escalation]);
    expect(f.telemetry.count('Escalations')).toBe(1);
  });

  it('DMs a person once when they are both primary and secondary', async () => {
    // Prepare
    const shift = { start: '2020-01-01T00:00:00Z', primary: 'U0ONCALL1', secondary: 'U0ONCALL1' };
    const f = fakeAppDeps({ now, onCall: [shift] });
    const { record } = seedApproval(f.storage, requestedAt);

    // Act
    const users = await escalate(f.deps, record, { level: 3, targets: ['primary', 'secondary'] });

    // Assess
    expect(users).toEqual(['U0ONCALL1']);
    expect(f.slack.callsOf('dm')).toHaveLength(1);
  });

  it('pages, but records nothing, when the request was decided in the meantime', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const seeded = seedApproval(f.storage, requestedAt);
    const decided = { status: IncidentStatus.Decided, delivery: DeliveryStatus.Delivered };
    await f.deps.incidents.update(seeded.record.incident.id, (r) => ({ ...r, ...decided }));

    // Act
    const users = await escalate(f.deps, seeded.record, { level: 1, targets: ['primary'] });

    // Assess
    expect(users).toEqual(['U0ONCALL1']);
    expect(f.storage.table.peek(seeded.record.incident.id)!.record.escalationLevel).toBe(0);
    expect(await f.deps.ledger.chain(seeded.record.incident.id)).toEqual([]);
  });

  it('pages nobody and says so when no on-call schedule is configured', async () => {
    // Prepare
    const f = fakeAppDeps({ now, onCall: [] });
    const { record } = seedApproval(f.storage, requestedAt);

    // Act
    const users = await escalate(f.deps, record, { level: 1, targets: ['primary'] });

    // Assess
    expect(users).toEqual([]);
    expect(f.slack.calls).toEqual([]);
    expect(f.telemetry.messages('warn')).toContain('no on-call for this incident; cannot escalate');
  });
});
