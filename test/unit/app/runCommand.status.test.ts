import { runCommand } from '../../../src/app/runCommand';
import { type fakeAppDeps, fakeRoutedAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../support/fakes/seeds';

describe('Function: runCommand, status with routes', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const routed = () => fakeRoutedAppDeps({ now });
  const statusText = async (f: ReturnType<typeof fakeAppDeps>, userId: string) =>
    JSON.stringify((await runCommand(f.deps, { text: 'status', userId, channelId: 'C0APPROVALS' }))[0]!.blocks);

  it('tells every asker about a route channel the bot is not in', async () => {
    // Prepare
    const f = routed();
    f.slack.botNotIn.add('C0CRITICAL');
    seedApproval(f.storage, now, { channel: 'C0APPROVALS' }, 'critical');

    // Act
    const approver = await statusText(f, 'U0APPROVER1');
    const viewer = await statusText(f, 'U0VIEWER');

    // Assess
    for (const text of [approver, viewer]) {
      expect(text).toContain('*Routes chainsec cannot post to*');
      expect(text).toContain('<#C0CRITICAL> (`C0CRITICAL`, critical: tier critical): chainsec is not in this channel');
    }
    expect(approver).toContain('*Where you decide*');
    expect(viewer).not.toContain('Where you decide');
  });

  it('says nothing of the kind when the bot is in every route channel, or the lookup fails', async () => {
    // Prepare
    const f = routed();
    const failing = routed();
    failing.slack.botNotIn.add('C0CRITICAL');
    failing.slack.faults.fail('isBotInChannel', new Error('missing_scope'));

    // Act
    const fine = await statusText(f, 'U0APPROVER1');
    const unknown = await statusText(failing, 'U0APPROVER1');

    // Assess
    expect(fine).toContain('*Where you decide*');
    expect(fine).not.toContain('cannot post to');
    expect(unknown).not.toContain('cannot post to');
  });
});
