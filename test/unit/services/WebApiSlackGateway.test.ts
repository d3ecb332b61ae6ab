import { WebClient } from '@slack/web-api';
import { APPROVALS_CHANNEL, VIEWER } from '../../../sandbox/identities';
import { LocalSlackApi } from '../../../sandbox/local/LocalSlackApi';
import { decideSlot, PACE_RULES, type PacedMethod, type PacePriority } from '../../../src/domain/pacing';
import type { SlackPacer } from '../../../src/services/SlackPacer';
import { slackClientOptions, WebApiSlackGateway } from '../../../src/services/WebApiSlackGateway';
import { ChannelUnreachableError, ErrorCode } from '../../../src/errors';
import { eventually } from '../../support/localAws';

describe('Function: slackClientOptions', () => {
  const slack = new LocalSlackApi();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  beforeEach(() => slack.reset());

  it('authenticates a client built with no token of its own, as Bolt builds its app.client', async () => {
    // Prepare
    const options = { timeoutMs: 10_000, retries: 0, slackApiUrl: `${slack.url}/api/` };
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
  // Five chat.postMessage per second per channel, burst 1: posts the pacer spaces never come near it, even when a
  // busy machine delivers one late and the next on time; unpaced posts land together and are still answered 429.
  const slack = new LocalSlackApi({ rateLimit: { perSecond: 5, burst: 1 } });
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  beforeEach(() => slack.reset());
  const interval = PACE_RULES['chat.postMessage'].intervalMs;

  /**
   * A pacer in memory with the domain's arithmetic: what DynamoDbSlackPacer does, without the store. It records
   * every booking; a caller woken too late books again (a busy machine), so the tests read bookings by who asked.
   */
  const memoryPacer = () => {
    const cursors = new Map<string, number>();
    const asked: Array<[string, PacedMethod, PacePriority]> = [];
    const notBefores: Array<number | undefined> = [];
    const slots: number[] = [];
    const pacer: SlackPacer = {
      async reserve(channel, method, priority, notBefore) {
        asked.push([channel, method, priority]);
        notBefores.push(notBefore);
        const now = Date.now();
        const d = decideSlot(cursors.get(`${channel}#${method}`), now, PACE_RULES[method], priority, {
          force: true,
          ...(notBefore !== undefined && { notBefore }),
        });
        if (!d.book) throw new Error('forced bookings always book');
        cursors.set(`${channel}#${method}`, d.next);
        slots.push(d.at);
        return d.at;
      },
    };
    return { pacer, asked, notBefores, slots };
  };
  /** The bookings' methods and priorities, a booking again right after the same caller's one left out. */
  const askedOnce = (asked: Array<[string, PacedMethod, PacePriority]>) =>
    asked
      .map(([, method, priority]) => [method, priority])
      .filter((a, i, all) => i === 0 || a.join() !== all[i - 1]!.join());

  it('waits for its slot before each post: three concurrent posts to one channel, none answered 429', async () => {
    // Prepare
    const { pacer, asked, slots } = memoryPacer();
    const options = { timeoutMs: 10_000, retries: 0, slackApiUrl: `${slack.url}/api/`, token: 'xoxb-sandbox' };
    const gateway = new WebApiSlackGateway({ ...options, pacer });
    const message = { text: 'card', blocks: [] };

    // Act
    await Promise.all([
      gateway.post(APPROVALS_CHANNEL, message, undefined, 'critical'),
      gateway.post(APPROVALS_CHANNEL, message, undefined, 'high'),
      gateway.post(APPROVALS_CHANNEL, message),
    ]);

    // Assess: each caller booked in turn; every slot an interval after the one before; the n-th post landed no
    // sooner than the n-th slot (a lower bound: load only makes it later).
    const calls = slack.calls('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(asked.slice(0, 3).map(([, method, priority]) => [method, priority])).toEqual([
      ['chat.postMessage', 'critical'],
      ['chat.postMessage', 'high'],
      ['chat.postMessage', 'bulk'],
    ]);
    const sorted = [...slots].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(interval);
    for (const [i, c] of calls.entries()) expect(c.at).toBeGreaterThanOrEqual(sorted[i]!);
  });

  it('paces an update as chat.update, and a DM as an escalation', async () => {
    // Prepare
    const { pacer, asked } = memoryPacer();
    const gateway = new WebApiSlackGateway({
      timeoutMs: 10_000,
      retries: 0,
      slackApiUrl: `${slack.url}/api/`,
      token: 'xoxb-sandbox',
      pacer,
    });

    // Act
    const posted = await gateway.post(APPROVALS_CHANNEL, { text: 'a', blocks: [] });
    await gateway.update(posted.channel, posted.ts, { text: 'b', blocks: [] });
    await gateway.dm(VIEWER, { text: 'c', blocks: [] });

    // Assess
    expect(askedOnce(asked)).toEqual([
      ['chat.postMessage', 'bulk'],
      ['chat.update', 'bulk'],
      ['chat.postMessage', 'escalation'],
    ]);
  });

  it("books a 429's retry through the pacer, after Retry-After, so the next caller queues behind it (no chain of 429s)", async () => {
    // Prepare: the client rejects 429s, as a paced container builds it; Slack answers the first post 429.
    const { pacer, notBefores, slots, asked } = memoryPacer();
    const options = { timeoutMs: 10_000, retries: 0, slackApiUrl: `${slack.url}/api/`, rejectRateLimitedCalls: true };
    const gateway = new WebApiSlackGateway({ ...options, token: 'xoxb-sandbox', pacer });
    slack.faults.set('chat.postMessage', { status: 429, retryAfterSec: 1, times: 1 });
    const message = { text: 'card', blocks: [] };
    /** The first caller's retry: the booking no earlier than the 429 plus its Retry-After (-1 before it). */
    const retry = () => {
      const limited = slack.calls('chat.postMessage')[0];
      return limited ? notBefores.findIndex((n) => n !== undefined && n >= limited.at + 1000) : -1;
    };

    // Act: the second caller comes once the first has booked its retry (it is waiting out its 429).
    const first = gateway.post(APPROVALS_CHANNEL, message, undefined, 'critical');
    await eventually(() => (retry() >= 0 ? true : undefined), 20_000, 5);
    const secondAsks = asked.length;
    const second = gateway.post(APPROVALS_CHANNEL, message, undefined, 'critical');
    await Promise.all([first, second]);

    // Assess: one 429 (the injected one); the retry booked no earlier than Retry-After; the second caller booked
    // a whole interval after it; both posts landed no sooner than the retry's slot.
    const calls = slack.calls('chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200, 200]);
    expect(notBefores[0]).toBeUndefined();
    const r = retry();
    expect(slots[r]).toBeGreaterThanOrEqual(notBefores[r]!);
    expect(notBefores[secondAsks]).toBeUndefined();
    expect(slots[secondAsks]! - slots[r]!).toBeGreaterThanOrEqual(interval);
    for (const c of calls.slice(1)) expect(c.at).toBeGreaterThanOrEqual(slots[r]!);
  });

  it('waits out a 429 of an unpaced method itself when the client rejects 429s', async () => {
    const options = { timeoutMs: 10_000, retries: 0, slackApiUrl: `${slack.url}/api/`, rejectRateLimitedCalls: true };
    const { pacer } = memoryPacer();
    const gateway = new WebApiSlackGateway({ ...options, token: 'xoxb-sandbox', pacer });
    slack.faults.set('chat.postEphemeral', { status: 429, retryAfterSec: 1, times: 1 });
    await gateway.postEphemeral(APPROVALS_CHANNEL, VIEWER, { text: 'only you', blocks: [] });
    expect(slack.calls('chat.postEphemeral').map((c) => c.status)).toEqual([429, 200]);
  });

  it('gives up after five 429s in a row with the rate-limit error (never a silent drop)', async () => {
    const options = { timeoutMs: 10_000, retries: 0, slackApiUrl: `${slack.url}/api/`, rejectRateLimitedCalls: true };
    const gateway = new WebApiSlackGateway({ ...options, token: 'xoxb-sandbox' });
    slack.faults.set('chat.postEphemeral', { status: 429, retryAfterSec: 0, times: 6 });
    await expect(gateway.postEphemeral(APPROVALS_CHANNEL, VIEWER, { text: 'x', blocks: [] })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
    });
    expect(slack.calls('chat.postEphemeral')).toHaveLength(6);
  });
});

describe('Class: WebApiSlackGateway, channel membership', () => {
  const slack = new LocalSlackApi({ rateLimit: false });
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());
  beforeEach(() => slack.reset());
  const gateway = () =>
    new WebApiSlackGateway({ timeoutMs: 10_000, retries: 0, slackApiUrl: `${slack.url}/api/`, token: 'xoxb-sandbox' });
  // The cache is per process (every gateway shares it): each test uses channels of its own.

  it('asks conversations.info once per channel and keeps the answer briefly, for every gateway', async () => {
    // Prepare
    slack.setBotMember('C0OUT1', false);

    // Act
    const answers = [
      await gateway().isBotInChannel('C0IN1'),
      await gateway().isBotInChannel('C0OUT1'),
      await gateway().isBotInChannel('C0IN1'),
      await gateway().isBotInChannel('C0OUT1'),
    ];

    // Assess
    expect(answers).toEqual([true, false, true, false]);
    expect(slack.calls('conversations.info').map((c) => c.args.channel)).toEqual(['C0IN1', 'C0OUT1']);
  });

  it('a private channel Slack cannot find for the bot is not one it is in; a failed lookup throws', async () => {
    // Prepare
    slack.setBotMember('G0HIDDEN2', false);
    slack.faults.set('conversations.info', { error: 'missing_scope', times: 1 });

    // Act
    const failed = gateway().isBotInChannel('C0SCOPE2');
    await expect(failed).rejects.toMatchObject({ data: { error: 'missing_scope' } });
    const hidden = await gateway().isBotInChannel('G0HIDDEN2');

    // Assess
    expect(hidden).toBe(false);
  });

  it('a refused post throws ChannelUnreachableError and teaches the cache; a post that works teaches it too', async () => {
    // Prepare
    slack.setBotMember('C0OUT3', false);
    const g = gateway();

    // Act
    const refused = g.post('C0OUT3', { text: 'card', blocks: [] });
    await expect(refused).rejects.toBeInstanceOf(ChannelUnreachableError);
    await expect(refused).rejects.toMatchObject({
      code: ErrorCode.ChannelUnreachable,
      details: { channel: 'C0OUT3', slackError: 'not_in_channel' },
    });
    await g.post('C0IN3', { text: 'card', blocks: [] });
    const known = [await g.isBotInChannel('C0OUT3'), await g.isBotInChannel('C0IN3')];

    // Assess
    expect(known).toEqual([false, true]);
    expect(slack.calls('conversations.info')).toEqual([]);
  });

  it('any other post failure is thrown as the WebClient threw it', async () => {
    // Prepare
    slack.faults.set('chat.postMessage', { error: 'invalid_blocks', times: 1 });

    // Act
    const failed = gateway().post('C0IN4', { text: 'card', blocks: [] });

    // Assess
    await expect(failed).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(failed).rejects.not.toBeInstanceOf(ChannelUnreachableError);
  });
});
