import { useHarness, actionIds, unique, incidentIdOf, ledgerOf, requestApproval } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { blockActions, blockActionsPayload, signSlackRequest } from '../../sandbox/local/slackSigning';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { verifyLedgerText } from '../../src/cli/verifyLedgerFile';

describe('E2E: trust — only the right people decide, requests are authentic, decisions are provable', () => {
  const h = useHarness();

  async function critical(
    extra: Record<string, unknown> = {},
  ): Promise<{ arn: string; card: RecordedMessage; id: string }> {
    const tx = `0x${unique()}cc`;
    const { arn, card, id } = await requestApproval(h, {
      tx_hash: tx,
      amount_usd: 500_000,
      protocol: 'Curve',
      anomaly_score: 0.97,
      ...extra,
    });
    // Critical pages the primary on-call at once; let that entry land before counting.
    await eventually(async () => ((await ledgerOf(h, id)).some((e) => e.type === 'escalation') ? true : undefined));
    return { arn, card, id };
  }

  it('refuses a member who may not approve, with an ephemeral explanation, and records nothing', async () => {
    // Prepare
    const { card, id } = await critical();
    const before = await ledgerOf(h, id);

    // Act
    const res = await h.click({ user: 'U0VIEWER', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const refusal = await h.waitForMessage('not an approver', { kind: 'ephemeral', user: 'U0VIEWER' });

    // Assess
    expect(res.status).toBe(200);
    expect(refusal.channel).toBe(APPROVALS_CHANNEL);
    expect(await ledgerOf(h, id)).toHaveLength(before.length);
  });

  it('refuses self-approval, a double vote and a click from another channel', async () => {
    // Prepare
    const { card, id } = await critical({
      agent: { requested_by: 'U0APPROVER3', reasoning: 'Requested by a person.' },
    });

    // Act
    const after = (await h.messages()).length;
    await h.click({ user: 'U0APPROVER3', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const self = await h.waitForMessage('cannot decide', { kind: 'ephemeral', user: 'U0APPROVER3', after });
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1', after });
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const twice = await h.waitForMessage('already voted', { kind: 'ephemeral', user: 'U0APPROVER1', after });
    await h.click({
      user: 'U0APPROVER2',
      actionId: 'chainsec_approve',
      value: id,
      messageTs: card.ts,
      channel: 'C0ELSEWHERE',
    });
    const elsewhere = await h.waitForMessage(`only count on its card, in channel ${APPROVALS_CHANNEL}`, {
      kind: 'ephemeral',
      user: 'U0APPROVER2',
      after,
    });

    // Assess
    expect(self).toBeDefined();
    expect(twice).toBeDefined();
    expect(elsewhere).toBeDefined();
    const votes = (await ledgerOf(h, id)).filter((e) => e.type === 'vote');
    expect(votes.map((v) => v.actor)).toEqual(['U0APPROVER1']);
  });

  describe('who asked', () => {
    it.each(['U0APPROVER1 ', '<@U0APPROVER1>', '<@U0APPROVER1|me>', 'u0approver1'])(
      'refuses self-approval when the requester is decorated as %j, and mentions the known user',
      async (requestedBy) => {
        // Prepare
        const { card, id } = await critical({ agent: { requested_by: requestedBy, reasoning: 'Asked by a person.' } });
        const after = (await h.messages()).length;

        // Act
        await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
        const refusal = await h.waitForMessage('cannot decide', { kind: 'ephemeral', user: 'U0APPROVER1', after });
        await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
        await h.click({ user: 'U0APPROVER3', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
        const decided = await h.waitForMessage('Decided by', { where: (m) => m.ts === card.ts });

        // Assess
        expect(refusal).toBeDefined();
        expect(JSON.stringify(card.blocks)).toContain('<@U0APPROVER1>');
        const decision = (await ledgerOf(h, id)).find((e) => e.type === 'decision');
        expect(decision?.decidedBy).toEqual(['U0APPROVER2', 'U0APPROVER3']);
        expect(JSON.stringify(decided.blocks)).not.toContain('U0APPROVER1>, ');
      },
    );

    it.each([
      ['fullwidth letters', 'Ｕ０ＡＰＰＲＯＶＥＲ１'],
      ['mathematical-bold letters', '𝐔𝟎𝐀𝐏𝐏𝐑𝐎𝐕𝐄𝐑𝟏'],
      ['a trailing dot', 'U0APPROVER1.'],
      ['a prefix', 'user:U0APPROVER1'],
      ['a name after it', 'U0APPROVER1 (Ada)'],
      ['a list', 'U0APPROVER2,U0APPROVER1'],
      ['bracket look-alikes', '‹@U0APPROVER1›'],
    ])('refuses self-approval when the requester is spelled with %s (%j)', async (_how, requestedBy) => {
      // Prepare
      const { card, id } = await critical({ agent: { requested_by: requestedBy, reasoning: 'Asked by a person.' } });
      const after = (await h.messages()).length;

      // Act
      await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
      const refusal = await h.waitForMessage('cannot decide', { kind: 'ephemeral', user: 'U0APPROVER1', after });

      // Assess
      expect(refusal).toBeDefined();
      expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote')).toHaveLength(0);
    });

    it('shows a requester the workspace does not know as text, never as a mention (card and /chainsec incident)', async () => {
      // Prepare
      const { card, id } = await critical({ agent: { requested_by: 'U0STRANGER9', reasoning: 'Asked by someone.' } });
      const after = (await h.messages()).length;

      // Act
      await h.command('U0APPROVER1', `incident ${id}`);
      await h.waitForMessage(`${id} ·`, { after, user: 'U0APPROVER1' });
      const shown = (await h.messages()).filter((m) => m.ts === card.ts || JSON.stringify(m).includes(id));

      // Assess
      expect(JSON.stringify(card.blocks)).toContain('U0STRANGER9');
      for (const m of shown) expect(JSON.stringify(m)).not.toContain('<@U0STRANGER9');
      const received = (await ledgerOf(h, id)).find((e) => e.type === 'incident_received');
      expect(received?.actor).toBe('U0STRANGER9');
    });
  });

  describe('where a click comes from', () => {
    let highs = 0;
    async function high(): Promise<{ arn: string; card: RecordedMessage; id: string }> {
      const uri = `/api/${unique()}`;
      highs = (highs % 250) + 1;
      const arn = await h.startIncident({
        id: unique(),
        timestamp: new Date().toISOString(),
        action: 'BLOCK',
        source_ip: `198.51.100.${highs}`,
        uri,
        http_method: 'POST',
        rule_name: 'SQLi',
        country: 'NL',
        analysis: {
          severity_rating: 4,
          security_analysis: 'SQL injection attempt.',
          follow_up_suggestion: 'Block the IP.',
        },
      });
      const card = await h.waitForMessage(uri, { channel: APPROVALS_CHANNEL, kind: 'message' });
      return { arn, card, id: incidentIdOf(card) };
    }

    /** A signed click whose payload is the sandbox's standard one, changed by `alter`. */
    async function alteredClick(
      user: string,
      id: string,
      card: RecordedMessage,
      alter: (p: Record<string, any>) => void,
    ) {
      const payload: Record<string, any> = blockActions({
        user,
        actionId: 'chainsec_approve',
        value: id,
        channel: APPROVALS_CHANNEL,
        messageTs: card.ts,
        responseUrl: h.sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user }),
      });
      alter(payload);
      return h.slack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    }

    it.each([
      [
        'a DM message container with no channel key',
        (p: Record<string, any>) => {
          p.container = { type: 'message', message_ts: p.message.ts, channel_id: 'D0APPROVER1', is_ephemeral: false };
          delete p.channel;
        },
      ],
      ['a message container with no channel key at all', (p: Record<string, any>) => delete p.channel],
      [
        'a channel that disagrees with its container',
        (p: Record<string, any>) => (p.container.channel_id = 'C0ELSEWHERE'),
      ],
      ['an ephemeral message', (p: Record<string, any>) => (p.container.is_ephemeral = true)],
      [
        'a modal view',
        (p: Record<string, any>) => {
          p.container = { type: 'view', view_id: 'V0MODAL' };
          p.view = { id: 'V0MODAL', type: 'modal', app_id: p.api_app_id };
          delete p.channel;
          delete p.message;
        },
      ],
      [
        'a Home view of another app',
        (p: Record<string, any>) => {
          p.container = { type: 'view', view_id: 'V0HOME' };
          p.view = { id: 'V0HOME', type: 'home', app_id: 'A0OTHERAPP' };
          delete p.channel;
          delete p.message;
        },
      ],
      [
        'another message in the approvals channel',
        (p: Record<string, any>) => {
          p.container.message_ts = '1700000000.000001';
          p.message.ts = '1700000000.000001';
        },
      ],
    ])('refuses a click from %s, and the request stays undecided', async (_name, alter) => {
      // Prepare
      const { arn, card, id } = await high();
      const after = (await h.messages()).length;

      // Act
      const res = await alteredClick('U0APPROVER1', id, card, alter);
      const told = await h.waitForMessage('changed nothing', { user: 'U0APPROVER1', after });

      // Assess
      expect(res.status).toBe(200);
      expect(told).toBeDefined();
      expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote' || e.type === 'decision')).toHaveLength(0);
      const status = await h.json<{ status: string }>('GET', `/sandbox/executions/${encodeURIComponent(arn)}`);
      expect(status.body.status).toBe('RUNNING');
    });

    it('tells a user from another workspace they cannot decide (through response_url), and records nothing', async () => {
      // Prepare
      const { card, id } = await high();
      const after = (await h.messages()).length;

      // Act
      await alteredClick('U0OUTSIDER', id, card, (p) => (p.user.team_id = 'T0OTHERORG'));
      const told = await h.waitForMessage('cannot decide this', { kind: 'response_url', after });

      // Assess
      expect(told).toBeDefined();
      expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote')).toHaveLength(0);
    });

    it("answers a replay of another workspace's refused click 401, without telling them again", async () => {
      // Prepare: one signed click by a guest of another organisation
      const { card, id } = await high();
      const payload: Record<string, any> = blockActions({
        user: 'U0OUTSIDER',
        actionId: 'chainsec_approve',
        value: id,
        channel: APPROVALS_CHANNEL,
        messageTs: card.ts,
        responseUrl: h.sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user: 'U0OUTSIDER' }),
      });
      payload.user.team_id = 'T0OTHERORG';
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const timestamp = Math.floor(Date.now() / 1000);
      const after = (await h.messages()).length;
      const told = async () =>
        (await h.messages())
          .slice(after)
          .filter((m) => m.kind === 'response_url' && m.text.includes('cannot decide this')).length;

      // Act: the same signed request, sent twice
      const first = await h.slack(body, { timestamp });
      await eventually(async () => ((await told()) > 0 ? true : undefined));
      const replay = await h.slack(body, { timestamp });

      // Assess
      expect(first.status).toBe(200);
      expect(replay.status).toBe(401);
      expect(await told()).toBe(1);
      expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote')).toHaveLength(0);
    });
  });

  it('20 concurrent clicks from 3 approvers produce exactly one decision, one ledger decision entry and one resume', async () => {
    // Prepare
    const { arn, card, id } = await critical();
    const users = ['U0APPROVER1', 'U0APPROVER2', 'U0APPROVER3'];

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.click({ user: users[i % 3]!, actionId: 'chainsec_approve', value: id, messageTs: card.ts }),
      ),
    );
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const entries = await ledgerOf(h, id);
    expect(entries.filter((e) => e.type === 'decision')).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'vote').length).toBe(2);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval.decision).toBe('approve');
    expect(
      h.sandbox.sfn.events(arn).filter((e: { type: string }) => e.type === 'TaskSucceeded' || e.type === 'StateExited')
        .length,
    ).toBeGreaterThan(0);
  });

  it('tells a late clicker who decided, and changes nothing', async () => {
    // Prepare
    const { card, id } = await critical();
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_deny', value: id, messageTs: card.ts });
    await eventually(async () => ((await ledgerOf(h, id)).some((e) => e.type === 'decision') ? true : undefined));

    // Act
    const after = (await h.messages()).length;
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const told = await h.waitForMessage('already decided', { kind: 'ephemeral', user: 'U0APPROVER2', after });

    // Assess
    expect(told.text).toContain('U0APPROVER1');
    expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote')).toHaveLength(1);
  });

  it('refuses a click after expiry: the sweep expired it and the workflow took its fallback', async () => {
    // Prepare
    const { arn, card, id } = await critical();

    // Act
    const tick = await h.json<{ expired: string[] }>('POST', '/sandbox/tick', {
      now: new Date(Date.now() + 5 * 3600_000).toISOString(),
    });
    const execution = await h.waitForExecution(arn);
    const after = (await h.messages()).length;
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const told = await h.waitForMessage('already decided (expired)', { kind: 'ephemeral', user: 'U0APPROVER1', after });

    // Assess
    expect(tick.body.expired).toContain(id);
    expect(execution.output.approval.decision).toBe('expired');
    expect(execution.output.actionResult.operation).toBe('rollback');
    expect(told).toBeDefined();
    const updated = (await h.messages()).find((m) => m.ts === card.ts)!;
    expect(actionIds(updated)).toHaveLength(0);
    expect(updated.text.toLowerCase()).toContain('expired');
  });

  describe('authenticity', () => {
    /** U0APPROVER1's Approve click on `card`, as Slack would send it. */
    const approveBody = (id: string, card: RecordedMessage) =>
      blockActionsPayload({
        user: 'U0APPROVER1',
        actionId: 'chainsec_approve',
        value: id,
        channel: APPROVALS_CHANNEL,
        messageTs: card.ts,
      });

    // Timestamps are taken when the request is sent, not when the table is built: on a loaded machine a
    // suite can start minutes after this file was loaded, which would bring "400 s ahead" within the window.
    const at = (offsetSeconds: number) => () => ({ timestamp: Math.floor(Date.now() / 1000) + offsetSeconds });
    it.each([
      ['a wrong signature', () => ({ signature: `v0=${'0'.repeat(64)}` })],
      ['a stale timestamp', at(-400)],
      ['a future timestamp', at(400)],
    ])('refuses %s with 401 and writes nothing', async (_name, opts) => {
      // Prepare
      const { card, id } = await critical();
      const before = await ledgerOf(h, id);
      const body = approveBody(id, card);

      // Act
      const res = await h.slack(body, opts());

      // Assess
      expect(res.status).toBe(401);
      expect(await ledgerOf(h, id)).toHaveLength(before.length);
    });

    it('answers a replay 401 and a Slack retry 200, and processes neither again', async () => {
      // Prepare
      const { card, id } = await critical();
      const body = approveBody(id, card);
      const signed = signSlackRequest(body, h.sandbox.signingSecret);
      const send = (extra: Record<string, string> = {}) =>
        fetch(`${h.url}/slack/events`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed, ...extra },
        });

      // Act
      const first = await send();
      await eventually(async () => ((await ledgerOf(h, id)).some((e) => e.type === 'vote') ? true : undefined));
      const replay = await send();
      const retry = await send({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });

      // Assess
      expect(first.status).toBe(200);
      expect(replay.status).toBe(401);
      expect(retry.status).toBe(200);
      expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote')).toHaveLength(1);
    });
    it('records the same signed click delivered twice at once as one vote: one ledger entry, one confirmation, the other copy 401', async () => {
      // Prepare
      const { card, id } = await critical();
      const body = approveBody(id, card);
      const timestamp = Math.floor(Date.now() / 1000);
      const before = await ledgerOf(h, id);
      const after = (await h.messages()).length;

      // Act: both copies race to the same vote (whichever loses finds the click's key taken).
      const answers = await Promise.all([h.slack(body, { timestamp }), h.slack(body, { timestamp })]);

      // Assess
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
      const ledger = await ledgerOf(h, id);
      expect(ledger).toHaveLength(before.length + 1);
      expect(ledger.filter((e) => e.type === 'vote').map((e) => e.actor)).toEqual(['U0APPROVER1']);
      const confirmations = (await h.messages())
        .slice(after)
        .filter((m) => m.kind === 'ephemeral' && m.user === 'U0APPROVER1' && m.text.includes('1 of 2'));
      expect(confirmations).toHaveLength(1);
    });

    it.each([['='], ['=anything'], ['=' + '0'.repeat(64)]])(
      'refuses a replay whose signature header has %s appended (401, one vote)',
      async (suffix) => {
        // Prepare
        const { card, id } = await critical();
        const body = approveBody(id, card);
        const signed = signSlackRequest(body, h.sandbox.signingSecret);

        // Act
        const first = await h.slack(body, { timestamp: Number(signed['x-slack-request-timestamp']) });
        await eventually(async () => ((await ledgerOf(h, id)).some((e) => e.type === 'vote') ? true : undefined));
        const replay = await h.slack(body, {
          timestamp: Number(signed['x-slack-request-timestamp']),
          signature: signed['x-slack-signature'] + suffix,
        });

        // Assess
        expect(first.status).toBe(200);
        expect(replay.status).toBe(401);
        expect((await ledgerOf(h, id)).filter((e) => e.type === 'vote')).toHaveLength(1);
      },
    );

    it.each([
      ['T.0', (t: number) => `${t}.0`],
      ['0x… (hex)', (t: number) => `0x${t.toString(16)}`],
      ['Te0', (t: number) => `${t}e0`],
      ['a leading zero', (t: number) => `0${t}`],
      ['a plus sign', (t: number) => `+${t}`],
      ['an inner space', (t: number) => `${String(t).slice(0, 5)} ${String(t).slice(5)}`],
    ])(
      'refuses a timestamp header written as %s, though its number verifies (401, nothing recorded)',
      async (_n, decorate) => {
        // Prepare
        const { card, id } = await critical();
        const before = await ledgerOf(h, id);
        const body = approveBody(id, card);
        const t = Math.floor(Date.now() / 1000);
        const signed = signSlackRequest(body, h.sandbox.signingSecret, t);

        // Act
        const res = await fetch(`${h.url}/slack/events`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-signature': signed['x-slack-signature'],
            'x-slack-request-timestamp': decorate(t),
          },
        });

        // Assess
        expect(res.status).toBe(401);
        expect(await ledgerOf(h, id)).toHaveLength(before.length);
      },
    );

    it.each([
      ['upper-case hex', (s: string) => s.toUpperCase().replace(/^V0/, 'v0')],
      ['an upper-case version', (s: string) => s.replace(/^v0/, 'V0')],
      ['two signatures', (s: string) => `${s},${s}`],
    ])('refuses a signature header with %s (401, nothing recorded)', async (_n, decorate) => {
      // Prepare
      const { card, id } = await critical();
      const before = await ledgerOf(h, id);
      const body = approveBody(id, card);
      const signed = signSlackRequest(body, h.sandbox.signingSecret);

      // Act
      const res = await h.slack(body, {
        timestamp: Number(signed['x-slack-request-timestamp']),
        signature: decorate(signed['x-slack-signature']),
      });

      // Assess
      expect(res.status).toBe(401);
      expect(await ledgerOf(h, id)).toHaveLength(before.length);
    });

    it('answers a replay of a refused click 401, without a second refusal', async () => {
      // Prepare
      const { card, id } = await critical();
      const body = blockActionsPayload({
        user: 'U0VIEWER',
        actionId: 'chainsec_approve',
        value: id,
        channel: APPROVALS_CHANNEL,
        messageTs: card.ts,
        responseUrl: h.sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user: 'U0VIEWER' }),
      });
      const t = Math.floor(Date.now() / 1000);
      const refusals = async () =>
        (await h.messages()).filter(
          (m) => m.kind === 'ephemeral' && m.user === 'U0VIEWER' && m.text.includes('not an approver'),
        ).length;
      const before = await refusals();

      // Act
      const first = await h.slack(body, { timestamp: t });
      const replay = await h.slack(body, { timestamp: t });

      // Assess
      expect(first.status).toBe(200);
      expect(replay.status).toBe(401);
      expect(await refusals()).toBe(before + 1);
    });
  });

  it('exports a ledger that verifies offline with the public key', async () => {
    // Prepare
    await critical();
    const ledger = String((await h.json('GET', '/sandbox/ledger')).body);
    const pem = String((await h.json('GET', '/sandbox/public-key')).body);

    // Act
    const report = verifyLedgerText(ledger, [pem]);
    const tampered = verifyLedgerText(ledger.replace('"actor":"U0APPROVER1"', '"actor":"U0APPROVER2"'), [pem]);

    // Assess
    expect(report.ok).toBe(true);
    expect(tampered.ok).toBe(false);
  });
});
