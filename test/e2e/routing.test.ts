import { useHarness, ask, criticalOnChain, incidentIdOf, textOf, unique, wafEvent } from '../support/sandboxHarness';
import { APPROVALS_CHANNEL, CRITICAL_CHANNEL } from '../../sandbox/identities';

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
    expect(refusal.text).toMatch(/card|channel|cannot/i);
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
});
