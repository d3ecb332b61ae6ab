import { appHomeOpened } from '../../../../src/listeners/events/appHomeOpened';
import { fakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
import { parseRoutes } from '../../../../src/domain/routes';
import { buildHomeOpenedArguments } from '../buildArguments';

describe('Listener: app_home_opened', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('publishes the Home tab of the person who opened it, with what waits for them', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const { record } = seedApproval(f.storage, now);
    const { args } = buildHomeOpenedArguments('U0APPROVER1');

    // Act
    await appHomeOpened(f.deps)(args);

    // Assess
    const [published] = f.slack.callsOf('publishHome');
    expect(published?.user).toBe('U0APPROVER1');
    expect(published?.view.type).toBe('home');
    expect(JSON.stringify(published?.view.blocks)).toContain(record.incident.id);
  });

  it('lists the routes the person can decide in, and any whose channel the bot is not in', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    f.deps.config = {
      ...f.deps.config,
      routes: parseRoutes(
        '[{"name":"critical","channel":"C0CRITICAL","match":{"tier":["critical"]},"approverUserIds":["U0APPROVER1"]}]',
      ),
    };
    f.slack.botNotIn.add('C0CRITICAL');
    seedApproval(f.storage, now, { channel: 'C0CRITICAL' }, 'critical');

    // Act
    await appHomeOpened(f.deps)(buildHomeOpenedArguments('U0APPROVER1').args);
    await appHomeOpened(f.deps)(buildHomeOpenedArguments('U0APPROVER3').args);

    // Assess
    const [mine, theirs] = f.slack.callsOf('publishHome').map((c) => JSON.stringify(c.view.blocks));
    expect(mine).toContain('Where you decide');
    expect(mine).toContain(
      '• <#C0CRITICAL> — critical: tier critical · approvers: `U0APPROVER1` · pending: 1 · :warning: chainsec is not in this channel',
    );
    expect(mine).toContain("• <#C0APPROVALS> — everything else · approvers: the tier's · pending: 0");
    expect(theirs).not.toContain('<#C0CRITICAL> — critical');
    expect(theirs).toContain('chainsec is not in this channel, so its cards go to <#C0APPROVALS>');
  });

  it('publishes nothing when the Messages tab is opened', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const { args } = buildHomeOpenedArguments('U0APPROVER1', 'messages');

    // Act
    await appHomeOpened(f.deps)(args);

    // Assess
    expect(f.slack.calls).toEqual([]);
  });
});
