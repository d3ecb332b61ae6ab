import { acknowledge, markFalsePositive } from '../../../../src/app/acknowledge';
import { ActionId } from '../../../../src/domain/actionIds';
import { LedgerEntryType } from '../../../../src/domain/ledger';
import { markListener } from '../../../../src/listeners/actions/acknowledge';
import { fakeAppDeps, type FakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
import { REPEATED_REQUEST } from '../../../../src/listeners/onceRule';
import type { ChainsecContext } from '../../../../src/listeners/requestContext';
import { click, ephemeralsOf, requestContext, told } from '../buildArguments';

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

  describe('a click delivered twice', () => {
    /** The click's deferred key, as the request guard hands it over in the context. */
    const withKey = (key: string): ChainsecContext =>
      requestContext({ claimInWrite: { claim: { key, ttlSeconds: 660, now } } });

    it("takes the click's key in the mark's own write, and answers the repeat as repeated, saying nothing", async () => {
      // Prepare
      const { record } = seedApproval(f.storage, now);
      const id = record.incident.id;
      const first = click(ActionId.Acknowledge, id, { userId: 'U0ONCALL1', context: withKey('slack:v0=ack') });
      const again = click(ActionId.Acknowledge, id, { userId: 'U0ONCALL1', context: withKey('slack:v0=ack') });

      // Act
      await markListener(f.deps, acknowledge)(first.args);
      await markListener(f.deps, acknowledge)(again.args);

      // Assess
      // (The outbox's publication then updates the item without moving its version.)
      expect(f.storage.table.writes.filter((w) => w.key === `INC#${id}` && w.kind !== 'update')).toEqual([
        { kind: 'transaction', key: `INC#${id}`, condition: 'version' },
      ]);
      expect(first.ack).toHaveBeenCalledWith();
      expect(again.ack).toHaveBeenCalledWith(REPEATED_REQUEST);
      expect(ephemerals()).toEqual([told(/^Acknowledged/, 'U0ONCALL1')]);
      expect(f.storage.table.published(id).map((e) => e.type)).toEqual([LedgerEntryType.Acknowledged]);
    });

    it('takes the key of a click that changes nothing before answering, so its repeat is not answered again', async () => {
      // Prepare
      const { record, version } = seedApproval(f.storage, now);
      const first = click(ActionId.FalsePositive, record.incident.id, {
        userId: 'U0VIEWER',
        context: withKey('slack:v0=viewer'),
      });
      const again = click(ActionId.FalsePositive, record.incident.id, {
        userId: 'U0VIEWER',
        context: withKey('slack:v0=viewer'),
      });

      // Act
      await markListener(f.deps, markFalsePositive)(first.args);
      await markListener(f.deps, markFalsePositive)(again.args);

      // Assess
      expect(ephemerals()).toHaveLength(1);
      expect(again.ack).toHaveBeenCalledWith(REPEATED_REQUEST);
      expect(f.storage.table.peek(record.incident.id)!.version).toBe(version);
    });
  });
});
