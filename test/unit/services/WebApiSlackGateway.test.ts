import { WebClient } from '@slack/web-api';
import { APPROVALS_CHANNEL, VIEWER } from '../../../sandbox/identities';
import { LocalSlackApi } from '../../../sandbox/local/LocalSlackApi';
import { slackClientOptions, WebApiSlackGateway } from '../../../src/services/WebApiSlackGateway';

describe('Function: slackClientOptions', () => {
  const slack = new LocalSlackApi();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  beforeEach(() => slack.reset());

  it('authenticates a client built with no token of its own, as Bolt builds its app.client', async () => {
    // Prepare
    const options = { timeoutMs: 1000, retries: 0, slackApiUrl: `${slack.url}/api/` };
    const boltLike = (token: string) => new WebClient(undefined, slackClientOptions(token, options));
    const gateway = new WebApiSlackGateway({ client: boltLike('xoxb-sandbox'), ...options });
    const wrongToken = new WebApiSlackGateway({ client: boltLike('xoxb-wrong'), ...options });

    // Act
    await gateway.postEphemeral(APPROVALS_CHANNEL, VIEWER, { text: 'only you', blocks: [] });
    const refused = wrongToken.postEphemeral(APPROVALS_CHANNEL, VIEWER, { text: 'only you', blocks: [] });

    // Assess
    await expect(refused).rejects.toThrow(/invalid_auth/);
    expect(slack.messages.all()).toMatchObject([{ kind: 'ephemeral', user: VIEWER, text: 'only you', blocks: [] }]);
    expect(slack.calls('chat.postEphemeral')[0]?.args).not.toHaveProperty('blocks');
  });
});
