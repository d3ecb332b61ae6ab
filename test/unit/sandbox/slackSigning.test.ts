import { App, AwsLambdaReceiver, isValidSlackRequest } from '@slack/bolt';
import { silentSlackLogger as silent } from '../../support/silentSlackLogger';
import { APPROVALS_CHANNEL, APPROVER_1, TEAM_ID } from '../../../sandbox/identities';
import {
  blockActions,
  blockActionsPayload,
  signSlackRequest,
  slashCommandBody,
} from '../../../sandbox/local/slackSigning';

const SECRET = 'sandbox-signing-secret';
/** A Bolt app on the Lambda receiver, as the interactivity handler is built, recording what its listeners get. */
function boltApp() {
  const receiver = new AwsLambdaReceiver({ signingSecret: SECRET, logger: silent });
  // authorize instead of token: a token makes Bolt call auth.test on slack.com.
  const app = new App({
    authorize: async () => ({ botToken: 'xoxb-sandbox', botId: 'B0CHAINSEC', botUserId: 'U0CHAINSECBOT' }),
    receiver,
    logger: silent,
  });
  const seen: { action?: Record<string, unknown>; command?: Record<string, unknown> } = {};
  app.action('chainsec_approve', async ({ ack, body }) => {
    await ack();
    seen.action = body as unknown as Record<string, unknown>;
  });
  app.command('/chainsec', async ({ ack, command }) => {
    await ack('ok');
    seen.command = command as unknown as Record<string, unknown>;
  });
  const handle = async (body: string, headers: Record<string, string>) =>
    (await receiver.toHandler()(
      {
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        isBase64Encoded: false,
        rawPath: '/slack/events',
      } as never,
      {} as never,
    )) as { statusCode: number; body: string };
  return { app, seen, handle };
}

describe('Module: slackSigning', () => {
  describe('Function: signSlackRequest', () => {
    it("produces headers Bolt's isValidSlackRequest accepts", () => {
      // Prepare
      const body = blockActionsPayload({
        user: APPROVER_1,
        channel: APPROVALS_CHANNEL,
        messageTs: '1700000000.000100',
        actionId: 'chainsec_approve',
        value: 'ref-1',
      });

      // Act
      const headers = signSlackRequest(body, SECRET);

      // Assess
      expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
      expect(
        isValidSlackRequest({
          signingSecret: SECRET,
          body,
          headers: {
            'x-slack-signature': headers['x-slack-signature'],
            'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']),
          },
        }),
      ).toBe(true);
    });

    it('is refused for another secret, a changed body or a stale timestamp', () => {
      // Prepare
      const body = 'payload=%7B%7D';
      const check = (b: string, h: ReturnType<typeof signSlackRequest>) =>
        isValidSlackRequest({
          signingSecret: SECRET,
          body: b,
          headers: {
            'x-slack-signature': h['x-slack-signature'],
            'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']),
          },
        });

      // Act
      const otherSecret = check(body, signSlackRequest(body, 'other'));
      const changed = check(body + 'x', signSlackRequest(body, SECRET));
      const stale = check(body, signSlackRequest(body, SECRET, Math.floor(Date.now() / 1000) - 301));

      // Assess
      expect([otherSecret, changed, stale]).toEqual([false, false, false]);
    });

    it('matches the example of the Slack documentation', () => {
      // Prepare: https://api.slack.com/authentication/verifying-requests-from-slack
      const body =
        'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

      // Act
      const headers = signSlackRequest(body, '8f742231b10e8888abcd99yyyzzz85a5', 1531420618);

      // Assess
      expect(headers).toEqual({
        'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        'x-slack-request-timestamp': '1531420618',
      });
    });
  });

  describe('Function: blockActionsPayload', () => {
    it('is a block_actions payload Bolt routes to the action listener', async () => {
      // Prepare
      const { seen, handle } = boltApp();
      const body = blockActionsPayload({
        user: APPROVER_1,
        channel: APPROVALS_CHANNEL,
        messageTs: '1700000000.000100',
        actionId: 'chainsec_approve',
        blockId: 'decision',
        value: 'ref-1',
        responseUrl: 'http://localhost:3000/sandbox/response/abc',
        message: { text: 'high: incident', blocks: [] },
      });

      // Act
      const out = await handle(body, { ...signSlackRequest(body, SECRET) });

      // Assess
      expect(out.statusCode).toBe(200);
      expect(seen.action).toMatchObject({
        type: 'block_actions',
        team: { id: TEAM_ID },
        user: { id: APPROVER_1, team_id: TEAM_ID },
        api_app_id: 'A0CHAINSEC',
        container: {
          type: 'message',
          message_ts: '1700000000.000100',
          channel_id: APPROVALS_CHANNEL,
          is_ephemeral: false,
        },
        channel: { id: APPROVALS_CHANNEL },
        message: { ts: '1700000000.000100', text: 'high: incident' },
        response_url: 'http://localhost:3000/sandbox/response/abc',
        actions: [{ action_id: 'chainsec_approve', block_id: 'decision', value: 'ref-1', type: 'button' }],
      });
    });

    it('is refused by Bolt with 401 when the signature is wrong', async () => {
      // Prepare
      const { seen, handle } = boltApp();
      const body = blockActionsPayload({
        user: APPROVER_1,
        channel: APPROVALS_CHANNEL,
        messageTs: '1.000001',
        actionId: 'chainsec_approve',
      });

      // Act
      const out = await handle(body, { ...signSlackRequest(body, 'wrong-secret') });

      // Assess
      expect(out.statusCode).toBe(401);
      expect(seen.action).toBeUndefined();
    });

    it('describes a view button with a view container', () => {
      // Act
      const payload = blockActions({ user: APPROVER_1, actionId: 'chainsec_approve', view: { id: 'V123' } });

      // Assess
      expect(payload).toMatchObject({
        container: { type: 'view', view_id: 'V123' },
        view: { id: 'V123', type: 'home' },
      });
      expect(payload).not.toHaveProperty('response_url');
    });
  });

  describe('Function: slashCommandBody', () => {
    it('is a slash command form Bolt routes to the command listener', async () => {
      // Prepare
      const { seen, handle } = boltApp();
      const body = slashCommandBody({
        user: APPROVER_1,
        text: 'status inc-1',
        responseUrl: 'http://localhost:3000/sandbox/response/x',
      });

      // Act
      const out = await handle(body, { ...signSlackRequest(body, SECRET) });

      // Assess
      expect(out.statusCode).toBe(200);
      expect(seen.command).toMatchObject({
        command: '/chainsec',
        text: 'status inc-1',
        user_id: APPROVER_1,
        team_id: TEAM_ID,
        channel_id: APPROVALS_CHANNEL,
        api_app_id: 'A0CHAINSEC',
        response_url: 'http://localhost:3000/sandbox/response/x',
      });
      expect(seen.command?.trigger_id).toEqual(expect.any(String));
    });
  });
});
