import type { BlockAction } from '@slack/bolt';
import { tellClicker } from '../../../../src/listeners/actions/tellClicker';
import type { SlackGateway, SlackMessage } from '../../../../src/services/SlackGateway';

/** A gateway that records the two calls tellClicker may make. */
function recordingGateway(options: { fails?: boolean } = {}) {
  const calls: Array<{ method: 'postEphemeral' | 'dm'; args: unknown[] }> = [];
  const gateway = {
    postEphemeral: async (channel: string, user: string, message: SlackMessage) => {
      calls.push({ method: 'postEphemeral', args: [channel, user, message] });
      if (options.fails) throw new Error('slack down');
    },
    dm: async (user: string, message: SlackMessage) => {
      calls.push({ method: 'dm', args: [user, message] });
      return { channel: 'D1', ts: '1.0' };
    },
  } as unknown as SlackGateway;
  return { gateway, calls };
}

const click = (container: 'message' | 'view'): BlockAction =>
  ({
    type: 'block_actions',
    user: { id: 'U0APPROVER1' },
    channel: { id: 'C0APPROVALS' },
    container: { type: container },
  }) as unknown as BlockAction;

describe('Function: tellClicker', () => {
  it('answers a click on a card with an ephemeral message, escaped but keeping user mentions', async () => {
    // Prepare
    const { gateway, calls } = recordingGateway();

    // Act
    await tellClicker(gateway, click('message'), 'Already decided by <@U0APPROVER2> & <!channel>');

    // Assess
    expect(calls).toEqual([
      {
        method: 'postEphemeral',
        args: [
          'C0APPROVALS',
          'U0APPROVER1',
          { text: 'Already decided by <@U0APPROVER2> &amp; &lt;!channel&gt;', blocks: [] },
        ],
      },
    ]);
  });

  it('answers a click from the App Home tab with a DM', async () => {
    // Prepare
    const { gateway, calls } = recordingGateway();

    // Act
    await tellClicker(gateway, click('view'), 'Recorded.');

    // Assess
    expect(calls).toEqual([{ method: 'dm', args: ['U0APPROVER1', { text: 'Recorded.', blocks: [] }] }]);
  });

  it('is best effort: a Slack failure is not thrown', async () => {
    // Prepare
    const { gateway } = recordingGateway({ fails: true });

    // Act
    const told = tellClicker(gateway, click('message'), 'Recorded.');

    // Assess
    await expect(told).resolves.toBeUndefined();
  });
});
