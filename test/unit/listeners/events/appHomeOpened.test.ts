import { appHomeOpened } from '../../../../src/listeners/events/appHomeOpened';
import { fakeAppDeps } from '../../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../../support/fakes/seeds';
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
