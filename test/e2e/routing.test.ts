import { useHarness, ask, criticalOnChain, incidentIdOf, textOf, unique, wafEvent } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL, CRITICAL_CHANNEL } from '../../sandbox/identities';
import { appHomeOpenedEvent } from '../../sandbox/web/pageRoutes';

/** Critical incidents go to C0CRITICAL, decided there by two named approvers; the rest stays in C0APPROVALS. */
const ROUTES = JSON.stringify([
  {
    name: 'critical',
    channel: CRITICAL_CHANNEL,
    match: { tier: ['critical'] },
    approverUserIds: ['U0APPROVER1', 'U0APPROVER2'],
  },
]);

describe('E2E: routing (ROUTES) through the sandbox', () => {
  const h = useHarness({ env: { ROUTES } });

  it('a critical card lands in its route channel; a click from the default channel is refused; votes there count', async () => {
    // Prepare
    const tx = `0x${unique()}d1`;
    const arn = await h.startIncident(criticalOnChain(tx));
    const card = await h.waitForMessage(tx, { channel: CRITICAL_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);

    // Act
    const fromDefault = await h.click({
      user: 'U0APPROVER1',
      actionId: 'chainsec_approve',
      value: id,
      messageTs: card.ts,
      channel: APPROVALS_CHANNEL,
    });
    const refusal = await h.waitForMessage('', { kind: 'ephemeral', user: 'U0APPROVER1', channel: APPROVALS_CHANNEL });
    const notRouteApprover = await h.click({
      user: 'U0APPROVER3',
      actionId: 'chainsec_approve',
      value: id,
      messageTs: card.ts,
      channel: CRITICAL_CHANNEL,
    });
    const notApprover = await h.waitForMessage('', { kind: 'ephemeral', user: 'U0APPROVER3' });
    for (const user of ['U0APPROVER1', 'U0APPROVER2']) {
      await h.click({ user, actionId: 'chainsec_approve', value: id, messageTs: card.ts, channel: CRITICAL_CHANNEL });
    }
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(
      (await h.messages()).filter(
        (m) => m.kind === 'message' && m.channel === APPROVALS_CHANNEL && m.text.includes(tx),
      ),
    ).toEqual([]);
    expect(fromDefault.status).toBe(200);
    // The refusal names the channel the card is in, not the default one the click came from.
    expect(refusal.text).toBe(`Decisions on this request only count on its card, in channel ${CRITICAL_CHANNEL}.`);
    expect(notRouteApprover.status).toBe(200);
    expect(notApprover.text).toMatch(/not.*approver|cannot|allowed/i);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval.decision).toBe('approve');
    expect([...execution.output.approval.decidedBy].sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
  });

  it('a high incident matches no route and stays in the default channel', async () => {
    // Prepare
    const waf = wafEvent(4);
    const ip = waf.source_ip;

    // Act
    const arn = await h.startIncident(waf);
    const card = await h.waitForMessage(ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    await h.click({ user: 'U0APPROVER3', actionId: 'chainsec_deny', value: incidentIdOf(card), messageTs: card.ts });
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(card.channel).toBe(APPROVALS_CHANNEL);
    expect(execution.output.approval.decision).toBe('deny');
  });

  it('/chainsec status lists the routes the asker can decide in, with their pending counts', async () => {
    // Prepare
    const tx = `0x${unique()}d3`;
    await h.startIncident(criticalOnChain(tx));
    await h.waitForMessage(tx, { channel: CRITICAL_CHANNEL, kind: 'message' });

    // Act
    const statusOf = async (user: string) => textOf((await ask(h, user, 'status', 'Pending approvals'))[0]!);
    const routeApprover = await statusOf('U0APPROVER1');
    const other = await statusOf('U0APPROVER3');

    // Assess
    expect(routeApprover).toContain('Where you decide');
    expect(routeApprover).toMatch(
      /<#C0CRITICAL> — critical: tier critical · approvers: `U0APPROVER1`, `U0APPROVER2` · pending: [1-9]/,
    );
    expect(routeApprover).toContain('<#C0APPROVALS> — everything else');
    expect(other).not.toContain('C0CRITICAL');
    expect(other).toContain('<#C0APPROVALS> — everything else');
  });
  describe('with the bot taken out of C0CRITICAL', () => {
    beforeAll(() => h.sandbox.slack.setBotMember(CRITICAL_CHANNEL, false));
    afterAll(() => h.sandbox.slack.setBotMember(CRITICAL_CHANNEL, true));

    it('a critical card is not lost: it falls back to the default channel with a note, and votes there count', async () => {
      // Prepare
      const tx = `0x${unique()}e1`;
      const arn = await h.startIncident(criticalOnChain(tx));

      // Act
      const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
      const note = await h.waitForMessage('belongs in', {
        channel: APPROVALS_CHANNEL,
        where: (m) => m.thread_ts === card.ts,
      });
      const id = incidentIdOf(card);
      await h.click({ user: 'U0APPROVER3', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
      const notRouteApprover = await h.waitForMessage('', {
        kind: 'ephemeral',
        user: 'U0APPROVER3',
        channel: APPROVALS_CHANNEL,
      });
      for (const user of ['U0APPROVER1', 'U0APPROVER2']) {
        await h.click({
          user,
          actionId: 'chainsec_approve',
          value: id,
          messageTs: card.ts,
          channel: APPROVALS_CHANNEL,
        });
      }
      const execution = await h.waitForExecution(arn);

      // Assess
      expect(
        h.sandbox.slack
          .calls('chat.postMessage')
          .some((c) => c.args.channel === CRITICAL_CHANNEL && c.error === 'not_in_channel'),
      ).toBe(true);
      expect((await h.messages()).filter((m) => m.channel === CRITICAL_CHANNEL && m.text.includes(tx))).toEqual([]);
      expect(note.text).toContain('<#C0CRITICAL> (route critical)');
      expect(note.text).toContain('not_in_channel');
      expect(notRouteApprover.text).toMatch(/not.*approver|cannot|allowed/i);
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.output.approval.decision).toBe('approve');
      expect([...execution.output.approval.decidedBy].sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    });

    it('/chainsec status says the bot is not in the route channel, to every asker', async () => {
      // Act
      const statusOf = async (user: string) => textOf((await ask(h, user, 'status', 'Pending approvals'))[0]!);
      const routeApprover = await statusOf('U0APPROVER1');
      const other = await statusOf('U0APPROVER3');

      // Assess
      for (const text of [routeApprover, other]) {
        expect(text).toContain('Routes chainsec cannot post to');
        expect(text).toMatch(
          /<#C0CRITICAL> \(`C0CRITICAL`, critical: tier critical\): chainsec is not in this channel, so its cards go to <#C0APPROVALS>/,
        );
      }
      expect(routeApprover).toMatch(
        /<#C0CRITICAL> — critical: tier critical · .* · :warning: chainsec is not in this channel/,
      );
    });

    it('the sweep alerts once in the default channel over two sweeps', async () => {
      // Act
      const first = await h.json<{ routeAlerts: string[] }>('POST', '/sandbox/tick', {});
      const second = await h.json<{ routeAlerts: string[] }>('POST', '/sandbox/tick', {});

      // Assess
      expect(first.body.routeAlerts).toEqual([CRITICAL_CHANNEL]);
      expect(second.body.routeAlerts).toEqual([]);
      const alerts = (await h.messages()).filter((m) => m.text.includes('A route cannot be posted to'));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ channel: APPROVALS_CHANNEL, kind: 'message' });
      expect(alerts[0]!.text).toContain('<#C0CRITICAL>');
    });

    it('App Home lists every route the user can decide in, and the one the bot is not in', async () => {
      // Act
      const homeOf = async (user: string) => {
        delete h.sandbox.slack.homeViews[user];
        const res = await h.slack(JSON.stringify(appHomeOpenedEvent(user)), { contentType: 'application/json' });
        expect(res.status).toBe(200);
        return JSON.stringify(await eventually(async () => h.sandbox.slack.homeViews[user], 10_000, 50));
      };
      const routeApprover = await homeOf('U0APPROVER1');
      const other = await homeOf('U0APPROVER3');

      // Assess
      expect(routeApprover).toContain('Where you decide');
      expect(routeApprover).toMatch(
        /<#C0CRITICAL> — critical: tier critical · approvers: `U0APPROVER1`, `U0APPROVER2`/,
      );
      expect(routeApprover).toContain('<#C0APPROVALS> — everything else');
      expect(other).toContain('<#C0APPROVALS> — everything else');
      expect(other).not.toContain('<#C0CRITICAL> — critical');
      expect(other).toContain('chainsec is not in this channel, so its cards go to <#C0APPROVALS>');
    });
  });
});
