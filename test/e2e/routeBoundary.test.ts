import { useHarness, ask, criticalOnChain, incidentIdOf, ledgerOf, textOf, unique } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { blockActionsPayload, slashCommandBody } from '../../sandbox/local/slackSigning';
import { CRITICAL_CHANNEL, TEAM_ID } from '../../sandbox/identities';
import { appHomeOpenedEvent } from '../../sandbox/web/pageRoutes';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';

/**
 * Critical incidents go to C0CRITICAL, decided there (never from App Home) by
 * two named approvers; the route pages U0VIEWER, who is no approver anywhere.
 * U0APPROVER3 may decide the default route's cards, not this route's.
 */
const ROUTES = JSON.stringify([
  {
    name: 'critical',
    channel: CRITICAL_CHANNEL,
    match: { tier: ['critical'] },
    approverUserIds: ['U0APPROVER1', 'U0APPROVER2'],
    onCallUserId: 'U0VIEWER',
  },
]);

describe('E2E: a route is a boundary (who may act on, and read, its incidents, and where)', () => {
  const h = useHarness({ env: { ROUTES } });

  async function routedCritical(): Promise<{ arn: string; card: RecordedMessage; id: string; tx: string }> {
    const tx = `0x${unique()}b0`;
    const arn = await h.startIncident(criticalOnChain(tx));
    const card = await h.waitForMessage(tx, { channel: CRITICAL_CHANNEL, kind: 'message' });
    return { arn, card, id: incidentIdOf(card), tx };
  }

  /** A click on a button of the Home tab, as Slack sends it. */
  const homeClick = (user: string, actionId: string, value: string) =>
    h.slack(blockActionsPayload({ user, actionId, value, view: { id: `V${unique().toUpperCase()}` } }));

  /** What `user` is told, visible to them only, after message number `after`. */
  const toldTo = (user: string, after: number) =>
    h.waitForMessage('', { user, after, where: (m) => m.kind !== 'response_url' });

  /** Runs the sweep as of `seconds` from now. */
  const tickIn = async (seconds: number) =>
    (
      await h.json<{ escalated: Array<{ incidentId: string; level: number; users: string[] }> }>(
        'POST',
        '/sandbox/tick',
        { now: new Date(Date.now() + seconds * 1000).toISOString() },
      )
    ).body;

  /** Publishes `user`'s Home tab and answers it as text. */
  async function homeOf(user: string): Promise<string> {
    delete h.sandbox.slack.homeViews[user];
    const res = await h.slack(JSON.stringify(appHomeOpenedEvent(user)), { contentType: 'application/json' });
    expect(res.status).toBe(200);
    return JSON.stringify(await eventually(async () => h.sandbox.slack.homeViews[user], 10_000, 50));
  }

  it("a route approver's vote from App Home on a card routed to a channel is refused; the channel's votes decide", async () => {
    // Prepare
    const { arn, card, id } = await routedCritical();
    const before = (await h.messages()).length;

    // Act
    const fromHome = await homeClick('U0APPROVER1', 'chainsec_approve', id);
    const told = await toldTo('U0APPROVER1', before);
    const home = await homeOf('U0APPROVER1');
    for (const user of ['U0APPROVER1', 'U0APPROVER2']) {
      await h.click({ user, actionId: 'chainsec_approve', value: id, messageTs: card.ts, channel: CRITICAL_CHANNEL });
    }
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(fromHome.status).toBe(200);
    expect(told.text).toMatch(/only count on its card, in channel C0CRITICAL/i);
    // Listed for the route's approver, without buttons: where to decide instead.
    expect(home).toContain(id);
    expect(home).toContain(`Decided only in <#${CRITICAL_CHANNEL}>`);
    expect(execution.output.approval.decision).toBe('approve');
    expect([...execution.output.approval.decidedBy].sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    const votes = (await ledgerOf(h, id)).filter((e) => e.type === 'vote');
    expect(votes.map((v) => v.channel)).toEqual([CRITICAL_CHANNEL, CRITICAL_CHANNEL]);
  });

  it('"I\'m on it" by someone outside the route is refused and does not silence escalation; the route\'s on-call can acknowledge', async () => {
    // Prepare
    const { card, id } = await routedCritical();
    const before = (await h.messages()).length;

    // Act
    await h.click({
      user: 'U0APPROVER3',
      actionId: 'chainsec_ack',
      value: id,
      messageTs: card.ts,
      channel: CRITICAL_CHANNEL,
    });
    const outsider = await toldTo('U0APPROVER3', before);
    const sweep = await tickIn(11 * 60);
    const mid = (await h.messages()).length;
    await h.click({
      user: 'U0VIEWER',
      actionId: 'chainsec_ack',
      value: id,
      messageTs: card.ts,
      channel: CRITICAL_CHANNEL,
    });
    const onCall = await toldTo('U0VIEWER', mid);
    const later = await tickIn(60 * 60);

    // Assess
    expect(outsider.text).toMatch(/Only approvers and the on-call responders of this incident/);
    // Still unacknowledged: the sweep pages on.
    expect(sweep.escalated.map((e) => e.incidentId)).toContain(id);
    expect(onCall.text).toMatch(/Acknowledged/);
    expect(later.escalated.map((e) => e.incidentId)).not.toContain(id);
    const acks = (await ledgerOf(h, id)).filter((e) => e.type === 'acknowledged');
    expect(acks.map((e) => e.actor)).toEqual(['U0VIEWER']);
  });

  it('someone outside the route reads nothing of it: /chainsec incident, pending, status, verify and the Home tab', async () => {
    // Prepare
    const { id, tx } = await routedCritical();

    // Act
    const detail = textOf((await ask(h, 'U0APPROVER3', `incident ${id}`))[0]!);
    const pending = textOf((await ask(h, 'U0APPROVER3', 'pending'))[0]!);
    const status = (await ask(h, 'U0APPROVER3', 'status', 'Pending approvals')).map(textOf).join('\n');
    const home = await homeOf('U0APPROVER3');
    const verify = (await ask(h, 'U0APPROVER3', 'verify')).map(textOf).join('\n');
    const verifyOne = textOf((await ask(h, 'U0APPROVER3', `verify ${id}`))[0]!);
    const insider = textOf((await ask(h, 'U0APPROVER1', `incident ${id}`))[0]!);
    const insiderPending = textOf((await ask(h, 'U0APPROVER1', 'pending'))[0]!);

    // Assess
    expect(detail).toContain(`No incident ${id}`);
    expect(verifyOne).toContain(`No incident ${id}`);
    for (const text of [pending, status, home, verify]) {
      expect(text).not.toContain(id);
      expect(text).not.toContain(tx);
    }
    expect(insider).toContain(tx);
    expect(insiderPending).toContain(id);
  });

  it('someone outside the route cannot count it either: /chainsec stats leaves it out for them, not for its people', async () => {
    // Prepare: the critical outcomes line of `stats`, as each asker reads it before the routed incident
    const criticalLine = async (user: string) =>
      /\*critical\*: approved \d+, denied \d+, rolled back \d+, expired \d+, pending \d+/.exec(
        textOf((await ask(h, user, 'stats 24h', 'Outcomes'))[0]!),
      )?.[0];
    const outsiderBefore = await criticalLine('U0APPROVER3');
    const insiderBefore = await criticalLine('U0APPROVER1');

    // Act
    await routedCritical();
    const outsiderAfter = await criticalLine('U0APPROVER3');
    const insiderAfter = await criticalLine('U0APPROVER1');

    // Assess: one more pending critical for the route's approver; nothing changed for the outsider
    const pendingOf = (line: string | undefined) => Number(/pending (\d+)/.exec(line ?? '')?.[1]);
    expect(outsiderBefore).toBeDefined();
    expect(pendingOf(insiderAfter)).toBe(pendingOf(insiderBefore) + 1);
    expect(outsiderAfter).toBe(outsiderBefore);
  });

  it('a person of another workspace gets nothing from /chainsec or the Home tab', async () => {
    // Prepare
    const { id, tx } = await routedCritical();
    const other = (text: string) =>
      slashCommandBody({ user: 'U0APPROVER1', text }).replace(`team_id=${TEAM_ID}`, 'team_id=T0OTHERORG');
    const before = (await h.messages()).length;

    // Act
    const answers = [
      await h.slack(other(`incident ${id}`)),
      await h.slack(other('pending')),
      await h.slack(other('status')),
    ];
    const homeEvent = { ...appHomeOpenedEvent('U0APPROVER1'), team_id: 'T0OTHERORG' };
    delete h.sandbox.slack.homeViews.U0APPROVER1;
    const homeAnswer = await h.slack(JSON.stringify(homeEvent), { contentType: 'application/json' });
    // A request of this workspace afterwards is answered, so the ones before were processed (and refused).
    await ask(h, 'U0APPROVER2', 'help');

    // Assess
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.text).toContain('only members of its own workspace');
      expect(a.text).not.toContain(tx);
    }
    expect(homeAnswer.status).toBe(200);
    expect(h.sandbox.slack.homeViews.U0APPROVER1).toBeUndefined();
    const shown = (await h.messages()).slice(before).filter((m) => m.user === 'U0APPROVER1');
    expect(shown).toEqual([]);
  });
});
