import { useHarness, ledgerOf, requestApproval, textOf, unique } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { blockActionsPayload, viewSubmissionPayload } from '../../sandbox/local/slackSigning';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { REASON_CUT_MARKER, REASON_MAX } from '../../src/domain/reason';

type OpenedView = {
  id: string;
  trigger_id: string;
  view: { callback_id: string; private_metadata: string; [k: string]: unknown };
};

describe('E2E: reasons — a reason with any decision, and the loop closed', () => {
  const h = useHarness();

  /** A high on-chain request (one approver decides), asked by a person the workspace knows. */
  async function high(requestedBy = 'U0ONCALL2'): Promise<{ arn: string; card: RecordedMessage; id: string }> {
    const tx = `0x${unique()}ee`;
    return requestApproval(h, {
      tx_hash: tx,
      amount_usd: 5_000,
      protocol: 'Curve',
      anomaly_score: 0.8,
      agent: { requested_by: requestedBy, reasoning: 'Looks like a drain.' },
    });
  }

  /** Picks "<choice> with reason…" on the card as `user`, a signed block_actions; returns the modal opened. */
  async function openModal(
    user: string,
    card: RecordedMessage,
    id: string,
    choice: string,
    opens = true,
  ): Promise<{ status: number; view?: OpenedView }> {
    const before = (await h.json<OpenedView[]>('GET', '/sandbox/views')).body.length;
    const res = await h.slack(
      blockActionsPayload({
        user,
        actionId: 'chainsec_with_reason',
        selectedOption: `${choice}:${id}`,
        channel: APPROVALS_CHANNEL,
        messageTs: card.ts,
        responseUrl: h.sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user }),
      }),
    );
    if (!opens) return { status: res.status };
    const view = await eventually(
      async () => (await h.json<OpenedView[]>('GET', '/sandbox/views')).body.slice(before)[0],
    );
    return { status: res.status, view };
  }

  function submit(user: string, view: OpenedView, reason: string, override: Record<string, string> = {}) {
    const { appId, userTeamId, ...viewOverride } = override;
    return h.slack(
      viewSubmissionPayload({
        user,
        view: { ...view.view, id: view.id, ...viewOverride },
        values: { chainsec_reason: { chainsec_reason_text: reason } },
        ...(appId && { appId }),
        ...(userTeamId && { userTeamId }),
      }),
    );
  }

  describe('Deny with reason, end to end', () => {
    const reason = 'Known pentest from our red team, ticket SEC-42.';
    let arn: string;
    let card: RecordedMessage;
    let id: string;
    let view: OpenedView;
    let body: string;
    /** The submission's own signature time: sent again with it, the request is a replay, byte for byte. */
    let signedAt: number;

    beforeAll(async () => {
      ({ arn, card, id } = await high());
      const opened = await openModal('U0APPROVER1', card, id, 'deny');
      view = opened.view!;
      signedAt = Math.floor(Date.now() / 1000);
      body = viewSubmissionPayload({
        user: 'U0APPROVER1',
        view: { ...view.view, id: view.id },
        values: { chainsec_reason: { chainsec_reason_text: reason } },
      });
    });

    it('a signed click on the menu opens the modal, whose metadata holds references only', async () => {
      // Assess
      expect(view.view.callback_id).toBe('chainsec_reason_modal');
      expect(JSON.parse(view.view.private_metadata)).toEqual({
        i: id,
        v: 'deny',
        u: 'U0APPROVER1',
        c: APPROVALS_CHANNEL,
        t: card.ts,
      });
      expect(JSON.stringify(view)).not.toMatch(/token/i);
    });

    it('the signed submission records the vote with its reason: ledger, card, workflow output, /chainsec incident', async () => {
      // Act
      const res = await h.slack(body, { timestamp: signedAt });
      const execution = await h.waitForExecution(arn);
      const decided = await h.waitForMessage('Reason given', { where: (m) => m.ts === card.ts && m.updates > 0 });
      const after = (await h.messages()).length;
      await h.command('U0APPROVER2', `incident ${id}`);
      const detail = await h.waitForMessage(`${id} ·`, { after, user: 'U0APPROVER2' });

      // Assess
      expect(res.status).toBe(200);
      const vote = (await ledgerOf(h, id)).find((e) => e.type === 'vote');
      expect(vote).toMatchObject({ actor: 'U0APPROVER1', choice: 'deny', reason });
      expect(textOf(decided)).toContain(reason);
      expect(execution.output.approval).toMatchObject({ decision: 'deny', decidedBy: ['U0APPROVER1'], reason });
      expect(textOf(detail)).toContain(`reason: “${reason}”`);
    });

    it('a replayed submission changes nothing', async () => {
      // Prepare
      const before = await ledgerOf(h, id);

      // Act
      const replay = await h.slack(body, { timestamp: signedAt });
      const retry = await h.slack(body, {
        timestamp: signedAt,
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      });

      // Assess
      expect(replay.status).toBe(401);
      expect(retry.status).toBe(200);
      expect(await ledgerOf(h, id)).toEqual(before);
    });

    it('after the sweep: one line with the reason in the card thread, sent once; no DM to whom the request names', async () => {
      // Act
      await h.json('POST', '/sandbox/tick', {});
      const line = await h.waitForMessage(reason, { where: (m) => m.thread_ts === card.ts });
      await h.json('POST', '/sandbox/tick', {});

      // Assess: `requested_by` is the request's own untrusted text; it never picks who is told by DM.
      expect(textOf(line)).toContain('<@U0APPROVER1> denied');
      const all = await h.messages();
      expect(all.filter((m) => m.thread_ts === card.ts && m.text.includes('denied'))).toHaveLength(1);
      expect(all.filter((m) => m.channel.startsWith('D') && m.text.includes(id))).toHaveLength(0);
    });
  });

  it('Approve with reason over the bound: cut with a marker, and the approver is told', async () => {
    // Prepare
    const { arn, card, id } = await high('agent-7');
    const { view } = await openModal('U0APPROVER2', card, id, 'approve');
    const long = `Approved. ${'x'.repeat(REASON_MAX + 200)}`;
    const after = (await h.messages()).length;

    // Act
    const res = await submit('U0APPROVER2', view!, long);
    const execution = await h.waitForExecution(arn);
    const told = await h.waitForMessage('was cut', { kind: 'ephemeral', user: 'U0APPROVER2', after });

    // Assess
    expect(res.status).toBe(200);
    const vote = (await ledgerOf(h, id)).find((e) => e.type === 'vote');
    expect(Array.from(String(vote?.reason))).toHaveLength(REASON_MAX);
    expect(String(vote?.reason).endsWith(REASON_CUT_MARKER)).toBe(true);
    expect(execution.output.approval.reason).toBe(vote?.reason);
    expect(told.channel).toBe(APPROVALS_CHANNEL);
  });

  it('a hostile reason is signed as typed and shown inert on the card and in the thread', async () => {
    // Prepare
    const { card, id } = await high();
    const { view } = await openModal('U0APPROVER3', card, id, 'deny');
    const hostile = '<!channel> *APPROVED* <@U0APPROVER1> <https://evil.example|bank.com> hid\u200Bden\u202Etxet';

    // Act
    await submit('U0APPROVER3', view!, hostile);
    const decided = await h.waitForMessage('Reason given', { where: (m) => m.ts === card.ts && m.updates > 0 });
    await h.json('POST', '/sandbox/tick', {});
    const line = await h.waitForMessage('denied', { where: (m) => m.thread_ts === card.ts });

    // Assess
    const vote = (await ledgerOf(h, id)).find((e) => e.type === 'vote');
    expect(vote?.reason).toBe(hostile);
    for (const shown of [decided, line]) {
      const text = textOf(shown);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@U0APPROVER1>');
      expect(text).not.toContain('<https://evil.example');
      expect(text).not.toContain('*APPROVED*');
      expect(text).toContain('∗APPROVED∗');
      expect(text).not.toMatch(/[\u200B\u202E]/);
    }
  });

  it('the sandbox page drives it: its menu click opens the modal, its submit records the vote with the reason', async () => {
    // Prepare
    const { card, id } = await high();
    const menu = {
      user: 'U0APPROVER2',
      channel: APPROVALS_CHANNEL,
      messageTs: card.ts,
      actionId: 'chainsec_with_reason',
    };

    // Act
    const clicked = await h.json<{ status: number; modal?: { id: string } }>('POST', '/sandbox/ui/click', {
      ...menu,
      selectedOption: `deny:${id}`,
    });
    const modalId = clicked.body.modal?.id ?? '';
    const reason = 'Denied from the page.';
    const submitted = await h.json<{ status: number }>('POST', '/sandbox/ui/submit-view', {
      user: 'U0APPROVER2',
      viewId: modalId,
      reason,
    });

    // Assess
    expect(clicked.body.status).toBe(200);
    expect(submitted.body.status).toBe(200);
    const vote = (await ledgerOf(h, id)).find((e) => e.type === 'vote');
    expect(vote).toMatchObject({ actor: 'U0APPROVER2', choice: 'deny', reason });
  });

  describe('forged and refused submissions record nothing', () => {
    let card: RecordedMessage;
    let id: string;
    let view: OpenedView;
    beforeAll(async () => {
      ({ card, id } = await high());
      view = (await openModal('U0APPROVER1', card, id, 'approve')).view!;
    });

    it('no modal for a member who may not approve', async () => {
      // Act
      const after = (await h.messages()).length;
      const views = (await h.json<OpenedView[]>('GET', '/sandbox/views')).body.length;
      await openModal('U0VIEWER', card, id, 'approve', false);
      const refusal = await h.waitForMessage('not an approver', { user: 'U0VIEWER', after });

      // Assess
      expect((await h.json<OpenedView[]>('GET', '/sandbox/views')).body).toHaveLength(views);
      expect(refusal).toBeDefined();
    });

    it.each([
      ['a non-approver submitting a modal opened for an approver', 'U0VIEWER', {}],
      [
        'metadata naming another incident',
        'U0APPROVER1',
        {
          private_metadata: JSON.stringify({
            i: 'INC-0000000000',
            v: 'approve',
            u: 'U0APPROVER1',
            c: APPROVALS_CHANNEL,
            t: '1.1',
          }),
        },
      ],
      [
        'metadata naming another message as the card',
        'U0APPROVER1',
        {
          private_metadata: JSON.stringify({
            i: 'ID',
            v: 'approve',
            u: 'U0APPROVER1',
            c: APPROVALS_CHANNEL,
            t: '1700000000.000100',
          }),
        },
      ],
      [
        'metadata with an extra key',
        'U0APPROVER1',
        { private_metadata: JSON.stringify({ i: 'ID', v: 'approve', u: 'U0APPROVER1', h: 1, x: 1 }) },
      ],
      ['another app’s modal', 'U0APPROVER1', { appId: 'A0OTHERAPP' }],
      ['another callback id', 'U0APPROVER1', { callback_id: 'someone_else' }],
      ['a submitter from another workspace', 'U0APPROVER1', { userTeamId: 'T0ELSEWHERE' }],
    ] as const)('refuses %s', async (_name, user, override) => {
      // Prepare
      const before = await ledgerOf(h, id);
      const patched = Object.fromEntries(
        Object.entries(override).map(([k, v]) => [
          k,
          typeof v === 'string' ? v.replace('"ID"', JSON.stringify(id)) : v,
        ]),
      );

      // Act
      const res = await submit(user, view, 'Forged.', patched);

      // Assess: answered (an unknown callback id has no listener: 404), never recorded
      expect([200, 404]).toContain(res.status);
      expect(await ledgerOf(h, id)).toEqual(before);
    });

    it('the real modal still counts afterwards, once', async () => {
      // Act
      const res = await submit('U0APPROVER1', view, 'Checked with the protocol team.');

      // Assess
      expect(res.status).toBe(200);
      const votes = await eventually(async () => {
        const v = (await ledgerOf(h, id)).filter((e) => e.type === 'vote');
        return v.length > 0 ? v : undefined;
      });
      expect(votes).toEqual([
        expect.objectContaining({ actor: 'U0APPROVER1', reason: 'Checked with the protocol team.' }),
      ]);
    });
  });
});
