import { identifyRequester } from '../../../src/app/identifyRequester';
import { RecordingSlackGateway } from '../../support/fakes/RecordingSlackGateway';
import { RecordingTelemetry } from '../../support/fakes/RecordingTelemetry';

describe('Function: identifyRequester', () => {
  const deps = (outsiders: string[] = []) => ({
    slack: new RecordingSlackGateway({}, new Set(outsiders)),
    telemetry: new RecordingTelemetry(),
  });

  it('normalises a decorated Slack user id and asks Slack once whether the user exists', async () => {
    // Prepare
    const d = deps();

    // Act
    const requester = await identifyRequester(d, ' <@u0requester|someone>\u200b ');

    // Assess
    expect(requester).toEqual({ requestedBy: 'U0REQUESTER', known: true });
    expect(d.slack.calls).toEqual([{ method: 'isWorkspaceUser', userId: 'U0REQUESTER' }]);
  });

  it('answers "unknown" for a user id the workspace does not know, so the card shows it as text', async () => {
    // Prepare
    const d = deps(['U0MADEUP']);

    // Act
    const requester = await identifyRequester(d, '@U0MADEUP');

    // Assess
    expect(requester).toEqual({ requestedBy: 'U0MADEUP', known: false });
  });

  it('keeps an agent\'s name as sent (trimmed) without asking Slack; an empty one reads "agent"', async () => {
    // Prepare
    const d = deps();

    // Act
    const named = await identifyRequester(d, '  triage-bot v2 ');
    const empty = await identifyRequester(d, '   ');

    // Assess
    expect(named).toEqual({ requestedBy: 'triage-bot v2', known: false });
    expect(empty).toEqual({ requestedBy: 'agent', known: false });
    expect(d.slack.calls).toEqual([]);
  });

  it('answers "unknown" with a warning when the lookup fails, still with the normalised id', async () => {
    // Prepare
    const d = deps();
    d.slack.faults.fail('isWorkspaceUser', new Error('slack down'));

    // Act
    const requester = await identifyRequester(d, 'U0REQUESTER');

    // Assess
    expect(requester).toEqual({ requestedBy: 'U0REQUESTER', known: false });
    expect(d.telemetry.messages('warn')).toEqual(['requester lookup failed; shown as text']);
  });
});
