import { WebClient } from '@slack/web-api';
import { APPROVALS_CHANNEL, VIEWER } from '../../../sandbox/identities';
import { LocalSlackApi } from '../../../sandbox/local/LocalSlackApi';
import { decideSlot, PACE_RULES, type PacedMethod, type PacePriority } from '../../../src/domain/pacing';
import type { SlackPacer } from '../../../src/services/SlackPacer';
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

describe('Class: WebApiSlackGateway, paced', () => {
  const slack = new LocalSlackApi(); // 1 chat.postMessage per second per channel, as Slack
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  beforeEach(() => slack.reset());

  /** A pacer in memory with the domain's arithmetic: what DynamoDbSlackPacer does, without the store. */
  const memoryPacer = () => {
    const cursors = new Map<string, number>();
    const asked: Array<[string, PacedMethod, PacePriority]> = [];
    const pacer: SlackPacer = {
      async reserve(channel, method, priority) {
        asked.push([channel, method, priority]);
        const now = Date.now();
        const d = decideSlot(cursors.get(`${channel}#${method}`), now, PACE_RULES[method], priority, true);
        if (!d.book) throw new Error('forced bookings always book');
        cursors.set(`${channel}#${method}`, d.next);
        return d.at - now;
      },
    };
    return { pacer, asked };
  };

  it('waits for its slot before each post: three concurrent posts to one channel, no 429', async () => {
    // Prepare
    const { pacer, asked } = memoryPacer();
    const options = { timeoutMs: 5000, retries: 0, slackApiUrl: `${slack.url}/api/`, token: 'xoxb-sandbox' };
    const gateway = new WebApiSlackGateway({ ...options, pacer });
    const message = { text: 'card', blocks: [] };

    // Act
    await Promise.all([
      gateway.post(APPROVALS_CHANNEL, message, undefined, 'critical'),
      gateway.post(APPROVALS_CHANNEL, message, undefined, 'high'),
      gateway.post(APPROVALS_CHANNEL, message),
    ]);

    // Assess
    expect(slack.calls('chat.postMessage').map((c) => c.status)).toEqual([200, 200, 200]);
    expect(slack.stats().maxPostsPerSecondPerChannel).toBe(1);
    expect(asked.map(([, method, priority]) => [method, priority])).toEqual([
      ['chat.postMessage', 'critical'],
      ['chat.postMessage', 'high'],
      ['chat.postMessage', 'bulk'],
    ]);
  });

  it('paces an update as chat.update, and a DM as an escalation', async () => {
    const { pacer, asked } = memoryPacer();
    const gateway = new WebApiSlackGateway({
      timeoutMs: 5000,
      retries: 0,
      slackApiUrl: `${slack.url}/api/`,
      token: 'xoxb-sandbox',
      pacer,
    });
    const posted = await gateway.post(APPROVALS_CHANNEL, { text: 'a', blocks: [] });
    await gateway.update(posted.channel, posted.ts, { text: 'b', blocks: [] });
    await gateway.dm(VIEWER, { text: 'c', blocks: [] });
    expect(asked.map(([, method, priority]) => [method, priority])).toEqual([
      ['chat.postMessage', 'bulk'],
      ['chat.update', 'bulk'],
      ['chat.postMessage', 'escalation'],
    ]);
  });
});
