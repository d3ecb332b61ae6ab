import { acknowledge, markFalsePositive } from '../../../../src/app/acknowledge';
import { ActionId } from '../../../../src/domain/actionIds';
import { LedgerEntryType } from '../../../../src/domain/ledger';
import { markListener } from '../../../../src/listeners/actions/acknowledge';
import { fakeAppDeps, type FakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
import { click, ephemeralsOf, told } from '../buildArguments';

describe('Listener: "I\'m on it" and "Mark false positive"', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });
  /** What the clicker was told in the channel, through the Slack gateway. */
  const ephemerals = () => ephemeralsOf(f);

  it('acks, records the acknowledgement (signed), refreshes the card and tells the clicker', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args, ack } = click(ActionId.Acknowledge, record.incident.id, { userId: 'U0ONCALL1' });

    // Act
    await markListener(f.deps, acknowledge)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toContainEqual(told(/^Acknowledged/, 'U0ONCALL1'));
    expect(f.storage.table.peek(record.incident.id)!.record.acknowledgedBy).toBe('U0ONCALL1');
    expect(f.storage.table.published(record.incident.id).map((e) => e.type)).toEqual([LedgerEntryType.Acknowledged]);
    expect(f.slack.callsOf('update').map((c) => c.ts)).toEqual([record.ts]);
  });

  it('marks a false positive', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now);
    const { args } = click(ActionId.FalsePositive, record.incident.id);

    // Act
    await markListener(f.deps, markFalsePositive)(args);

    // Assess
    expect(ephemerals()).toContainEqual(told('Marked as a false positive.'));
    const { falsePositive } = f.storage.table.peek(record.incident.id)!.record;
    expect(falsePositive).toEqual({ by: 'U0APPROVER1', at: now.toISOString() });
  });

  it('refuses a member who is neither approver nor on call, changing nothing', async () => {
    // Prepare
    const { record, version } = seedApproval(f.storage, now);
    const { args } = click(ActionId.Acknowledge, record.incident.id, { userId: 'U0VIEWER' });

    // Act
    await markListener(f.deps, acknowledge)(args);

    // Assess
    expect(ephemerals()).toContainEqual(told(/Only approvers and the on-call/));
    expect(f.storage.table.peek(record.incident.id)!.version).toBe(version);
  });

  it('answers a button for an incident it does not know', async () => {
    // Prepare
    const { args, ack } = click(ActionId.Acknowledge, 'INC-0000000000');

    // Act
    await markListener(f.deps, acknowledge)(args);

    // Assess
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ephemerals()).toContainEqual(told('I do not know incident INC-0000000000.'));
    expect(f.telemetry.messages('error')).toEqual(['action failed']);
  });

  it('answers a button that names no incident', async () => {
    // Prepare
    const { args } = click(ActionId.Acknowledge, 'nope');

    // Act
    await markListener(f.deps, acknowledge)(args);

    // Assess
    expect(ephemerals()).toContainEqual(told('That button does not refer to an incident I know.'));
  });
});
