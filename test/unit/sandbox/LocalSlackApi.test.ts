import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient, WebClientEvent, retryPolicies } from '@slack/web-api';
import { silentSlackLogger as silent } from '../../support/silentSlackLogger';
import { APPROVALS_CHANNEL, APPROVERS, CRITICAL_CHANNEL, ONCALL_PRIMARY, VIEWER } from '../../../sandbox/identities';
import { LocalSlackApi } from '../../../sandbox/local/LocalSlackApi';

const card = [
  { type: 'section', text: { type: 'mrkdwn', text: '*high* incident `0xabc`' } },
  {
    type: 'actions',
    elements: [
      { type: 'button', action_id: 'chainsec_approve', text: { type: 'plain_text', text: 'Approve' }, value: 'ref-1' },
    ],
  },
];

/** A WebClient as production builds it, quick to retry and quiet. */
function webClient(url: string, token = 'xoxb-sandbox'): WebClient {
  return new WebClient(token, {
    slackApiUrl: `${url}/api/`,
    retryConfig: retryPolicies.rapidRetryPolicy,
    logger: silent,
  });
}

describe('Class: LocalSlackApi', () => {
  /** The rate limit's clock: real time unless a test holds it still. */
  let heldAt: number | undefined;
  const slack = new LocalSlackApi({ now: () => heldAt ?? Date.now() });
  let client: WebClient;

  beforeAll(async () => {
    await slack.start();
    client = webClient(slack.url);
  });

  afterAll(() => slack.stop());

  beforeEach(() => slack.reset());

  describe('Method: chat.postMessage', () => {
    it('records the message with its blocks and answers with an increasing ts', async () => {
      // Act
      const first = await client.chat.postMessage({
        channel: APPROVALS_CHANNEL,
        text: 'high: incident 0xabc',
        blocks: card,
      });
      const second = await client.chat.postMessage({ channel: 'C0OTHER', text: 'second', thread_ts: first.ts! });

      // Assess
      expect(first).toMatchObject({
        ok: true,
        channel: APPROVALS_CHANNEL,
        message: { text: 'high: incident 0xabc', blocks: card },
      });
      expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
      expect(slack.messages.all()).toEqual([
        {
          channel: APPROVALS_CHANNEL,
          ts: first.ts,
          text: 'high: incident 0xabc',
          blocks: card,
          kind: 'message',
          updates: 0,
        },
        {
          channel: 'C0OTHER',
          ts: second.ts,
          text: 'second',
          blocks: [],
          thread_ts: first.ts,
          kind: 'message',
          updates: 0,
        },
      ]);
    });

    it('records the user of a DM opened with conversations.open', async () => {
      // Prepare
      const opened = await client.conversations.open({ users: ONCALL_PRIMARY });

      // Act
      await client.chat.postMessage({ channel: opened.channel!.id!, text: 'please look' });

      // Assess
      expect(opened.channel?.id).toBe('DU0ONCALL1');
      expect(slack.messages.all()).toEqual([
        expect.objectContaining({ channel: 'DU0ONCALL1', user: ONCALL_PRIMARY, text: 'please look' }),
      ]);
    });

    it('answers 429 with Retry-After over 1 post per second per channel, and the WebClient retries', async () => {
      // Prepare: the limit's clock stands still, and moves on by the Retry-After the client waits out.
      const limited: number[] = [];
      heldAt = Date.now();
      client.on(WebClientEvent.RATE_LIMITED, (sec: number) => {
        limited.push(sec);
        heldAt! += sec * 1000;
      });

      // Act
      const started = Date.now();
      await client.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'one' });
      await client.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'two' });
      const elapsed = Date.now() - started;
      heldAt = undefined;

      // Assess
      expect(limited).toEqual([1]);
      expect(elapsed).toBeGreaterThanOrEqual(900);
      expect(slack.messages.all().map((m) => m.text)).toEqual(['one', 'two']);
      expect(slack.calls('chat.postMessage').map((c) => c.status)).toEqual([200, 429, 200]);
      expect(slack.stats()).toMatchObject({
        rateLimited: 1,
        postsByChannel: { [APPROVALS_CHANNEL]: 2 },
        maxPostsPerSecondPerChannel: 1,
      });
      client.removeAllListeners(WebClientEvent.RATE_LIMITED);
    });

    it('limits each channel on its own', async () => {
      // Act
      await client.chat.postMessage({ channel: 'C0A', text: 'a' });
      await client.chat.postMessage({ channel: 'C0B', text: 'b' });

      // Assess
      expect(slack.stats().rateLimited).toBe(0);
    });

    it('refuses an invalid token with invalid_auth', async () => {
      // Prepare
      const intruder = webClient(slack.url, 'xoxb-wrong');

      // Act
      const call = intruder.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'x' });

      // Assess
      await expect(call).rejects.toMatchObject({
        code: 'slack_webapi_platform_error',
        data: { ok: false, error: 'invalid_auth' },
      });
      expect(slack.messages.size).toBe(0);
    });

    it('refuses blocks Slack would refuse (invalid_blocks)', async () => {
      // Act
      const call = client.chat.postMessage({
        channel: APPROVALS_CHANNEL,
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }],
      });

      // Assess
      await expect(call).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    });
  });

  describe('Method: chat.update', () => {
    it('replaces text and blocks and counts the update', async () => {
      // Prepare
      const posted = await client.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'pending', blocks: card });

      // Act
      const out = await client.chat.update({
        channel: APPROVALS_CHANNEL,
        ts: posted.ts!,
        text: 'approved by <@U0APPROVER1>',
        blocks: [],
      });

      // Assess
      expect(out).toMatchObject({ ok: true, channel: APPROVALS_CHANNEL, ts: posted.ts });
      expect(slack.messages.all()).toEqual([
        expect.objectContaining({ ts: posted.ts, text: 'approved by <@U0APPROVER1>', blocks: [], updates: 1 }),
      ]);
    });

    it('answers message_not_found for an unknown ts', async () => {
      // Act
      const call = client.chat.update({ channel: APPROVALS_CHANNEL, ts: '1.000001', text: 'x' });

      // Assess
      await expect(call).rejects.toMatchObject({ data: { error: 'message_not_found' } });
    });
  });

  describe('Method: chat.postEphemeral', () => {
    it('records an ephemeral message for one user', async () => {
      // Act
      const out = await client.chat.postEphemeral({
        channel: APPROVALS_CHANNEL,
        user: VIEWER,
        text: 'you may not approve',
      });

      // Assess
      expect(out.message_ts).toMatch(/^\d+\.\d{6}$/);
      expect(slack.messages.all()).toEqual([
        {
          channel: APPROVALS_CHANNEL,
          ts: out.message_ts,
          text: 'you may not approve',
          blocks: [],
          user: VIEWER,
          kind: 'ephemeral',
          updates: 0,
        },
      ]);
    });
  });

  describe('Method: chat.getPermalink', () => {
    it('links to the message on the sandbox page', async () => {
      // Prepare
      const posted = await client.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'x' });

      // Act
      const out = await client.chat.getPermalink({ channel: APPROVALS_CHANNEL, message_ts: posted.ts! });

      // Assess
      expect(out.permalink).toBe(`http://localhost:${slack.port}/#/msg/${APPROVALS_CHANNEL}/${posted.ts}`);
    });
  });

  describe('Method: users.info / usergroups.users.list / auth.test', () => {
    it('knows the sandbox people', async () => {
      // Act
      const user = await client.users.info({ user: ONCALL_PRIMARY });
      const group = await client.usergroups.users.list({ usergroup: 'S0APPROVERS' });
      const auth = await client.auth.test();
      const unknown = client.users.info({ user: 'U0NOBODY' });

      // Assess
      expect(user.user).toMatchObject({ id: ONCALL_PRIMARY, tz: 'UTC', team_id: 'T0CHAINSEC' });
      expect(user.user?.real_name).toEqual(expect.any(String));
      expect(group.users).toEqual([...APPROVERS]);
      expect(auth).toMatchObject({ ok: true, team_id: 'T0CHAINSEC' });
      await expect(unknown).rejects.toMatchObject({ data: { error: 'user_not_found' } });
    });
  });

  describe('Method: conversations.info / setBotMember', () => {
    it('has the bot in every channel by default; taken out, posts and updates there are refused as Slack refuses them', async () => {
      // Prepare
      const posted = await client.chat.postMessage({ channel: CRITICAL_CHANNEL, text: 'before' });

      // Act
      const before = await client.conversations.info({ channel: CRITICAL_CHANNEL });
      slack.setBotMember(CRITICAL_CHANNEL, false);
      slack.setBotMember('G0PRIVATE', false);
      const after = await client.conversations.info({ channel: CRITICAL_CHANNEL });
      const post = await client.chat.postMessage({ channel: CRITICAL_CHANNEL, text: 'after' }).catch((e: unknown) => e);
      const update = await client.chat
        .update({ channel: CRITICAL_CHANNEL, ts: String(posted.ts), text: 'changed' })
        .catch((e: unknown) => e);
      const hidden = await client.conversations.info({ channel: 'G0PRIVATE' }).catch((e: unknown) => e);
      const privatePost = await client.chat.postMessage({ channel: 'G0PRIVATE', text: 'x' }).catch((e: unknown) => e);
      const other = await client.conversations.info({ channel: APPROVALS_CHANNEL });

      // Assess
      expect(before.channel).toMatchObject({ id: CRITICAL_CHANNEL, name: 'chainsec-critical', is_member: true });
      expect(after.channel).toMatchObject({ id: CRITICAL_CHANNEL, is_member: false });
      expect(post).toMatchObject({ data: { error: 'not_in_channel' } });
      expect(update).toMatchObject({ data: { error: 'not_in_channel' } });
      expect(hidden).toMatchObject({ data: { error: 'channel_not_found' } });
      expect(privatePost).toMatchObject({ data: { error: 'channel_not_found' } });
      expect(other.channel).toMatchObject({ name: 'chainsec-approvals', is_member: true });
    });

    it('puts the bot back in when asked, and on reset', async () => {
      // Prepare
      slack.setBotMember(CRITICAL_CHANNEL, false);
      slack.setBotMember(APPROVALS_CHANNEL, false);

      // Act
      slack.setBotMember(CRITICAL_CHANNEL, true);
      const invited = await client.conversations.info({ channel: CRITICAL_CHANNEL });
      slack.reset();
      const afterReset = await client.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'back' });

      // Assess
      expect(invited.channel?.is_member).toBe(true);
      expect(afterReset.ok).toBe(true);
    });
  });

  describe('Method: views.publish / views.open', () => {
    it('keeps the App Home view per user and records opened modals', async () => {
      // Prepare
      const home = {
        type: 'home' as const,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'pending: 2' } }],
      };
      const modal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Deny' }, blocks: [] };

      // Act
      await client.views.publish({ user_id: ONCALL_PRIMARY, view: home });
      const opened = await client.views.open({ trigger_id: '123.456.abc', view: modal });

      // Assess
      expect(slack.homeViews[ONCALL_PRIMARY]).toEqual(home);
      expect(opened.view?.id).toMatch(/^V/);
      expect(slack.openedViews).toEqual([expect.objectContaining({ trigger_id: '123.456.abc', view: modal })]);
    });
  });

  describe('Method: handle', () => {
    it('answers unknown methods with unknown_method and JSON bodies with a Bearer token', async () => {
      // Prepare
      const host = createServer(
        (req, res) => void slack.handle(req, res, new URL(req.url!, 'http://x').pathname.slice('/api/'.length)),
      );
      await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(host.address() as AddressInfo).port}/api/`;
      const post = (method: string, body: unknown) =>
        fetch(base + method, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-sandbox' },
          body: JSON.stringify(body),
        }).then((r) => r.json());

      // Act
      const unknown = await post('chat.nope', {});
      const posted = await post('chat.postMessage', { channel: APPROVALS_CHANNEL, text: 'json', blocks: card });

      // Assess
      expect(unknown).toEqual({ ok: false, error: 'unknown_method', req_method: 'chat.nope' });
      expect(posted).toMatchObject({ ok: true, channel: APPROVALS_CHANNEL });
      expect(slack.messages.all()).toEqual([expect.objectContaining({ text: 'json', blocks: card })]);
      await new Promise((resolve) => host.close(resolve));
    });
  });

  describe('Property: faults', () => {
    it('answers HTTP 500 for a method N times; the WebClient retries through it', async () => {
      // Prepare
      slack.faults.set('chat.update', { status: 500, times: 1 });
      const posted = await client.chat.postMessage({ channel: APPROVALS_CHANNEL, text: 'x' });

      // Act
      await client.chat.update({ channel: APPROVALS_CHANNEL, ts: posted.ts!, text: 'y' });

      // Assess
      expect(slack.calls('chat.update').map((c) => c.status)).toEqual([500, 200]);
      expect(slack.messages.find(APPROVALS_CHANNEL, posted.ts!)?.text).toBe('y');
    });

    it('answers 429 with the given Retry-After', async () => {
      // Prepare
      slack.faults.set('users.info', { status: 429, retryAfterSec: 7, times: 1 });
      const rejecting = new WebClient('xoxb-sandbox', {
        slackApiUrl: `${slack.url}/api/`,
        rejectRateLimitedCalls: true,
        logger: silent,
      });

      // Act
      const call = rejecting.users.info({ user: ONCALL_PRIMARY });

      // Assess
      await expect(call).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    });

    it('delays an answer', async () => {
      // Prepare
      slack.faults.set('auth.test', { delayMs: 150, times: 1 });

      // Act
      const started = Date.now();
      await client.auth.test();

      // Assess
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });
});
