import { actionIds, ask, blockIdOf, incidentIdOf, textOf, useHarness, wafEvent } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';

describe('E2E: the people side', () => {
  const h = useHarness();

  describe('/chainsec commands', () => {
    let pendingId: string;
    beforeAll(async () => {
      const e = wafEvent(4);
      await h.startIncident(e);
      const card = await h.waitForMessage(e.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
      pendingId = incidentIdOf(card);
    });

    it('help, and unknown input gets help with a clear message', async () => {
      const help = await ask(h, 'U0APPROVER1', 'help', '/chainsec status');
      const unknown = await ask(h, 'U0APPROVER1', 'frobnicate now', 'frobnicate');
      expect(textOf(help[0]!)).toContain('/chainsec verify');
      expect(textOf(unknown[0]!)).toMatch(/do not know/);
      expect(textOf(unknown[0]!)).toContain('/chainsec pending');
    });

    it('status: counts by state and tier, pending with age and deadline, dry-run flag', async () => {
      const [answer] = await ask(h, 'U0APPROVER2', 'status', 'Pending approvals');
      const text = textOf(answer!);
      expect(text).toContain(pendingId);
      expect(text).toMatch(/pending\*?: .*high \d/);
      expect(text).toMatch(/Dry run: \*off\*/);
      expect(text).toMatch(/deadline \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    });

    it('pending: what each request still needs and a link to its card', async () => {
      const [answer] = await ask(h, 'U0APPROVER3', 'pending', pendingId);
      expect(textOf(answer!)).toMatch(/0 of 1 approval/);
      expect(textOf(answer!)).toMatch(/open the card/);
    });

    it('incident <id>: the event, the full reasoning escaped, votes and the ledger timeline', async () => {
      const answers = await ask(h, 'U0APPROVER1', `incident ${pendingId}`, 'Ledger');
      const all = answers.map(textOf).join('\n');
      expect(all).toContain('CredentialStuffing');
      expect(all).toContain('Many failed logins');
      expect(all).toContain('incident_received');
    });

    it('incident with a malformed id gets usage, never a stack trace', async () => {
      const [answer] = await ask(h, 'U0APPROVER1', 'incident nope', 'Usage');
      expect(textOf(answer!)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('verify [<id>]: says OK for an intact ledger', async () => {
      const [one] = await ask(h, 'U0APPROVER1', `verify ${pendingId}`, 'OK');
      const [all] = await ask(h, 'U0APPROVER1', 'verify', 'OK');
      expect(textOf(one!)).toMatch(/OK.*1 chain/);
      expect(textOf(all!)).toMatch(/OK/);
    });

    it('oncall: primary and secondary now', async () => {
      const [answer] = await ask(h, 'U0VIEWER', 'oncall', 'Primary');
      expect(textOf(answer!)).toContain('<@U0ONCALL1>');
      expect(textOf(answer!)).toContain('<@U0ONCALL2>');
    });

    it('stats with a bad range gets usage', async () => {
      const [answer] = await ask(h, 'U0APPROVER1', 'stats 3y', 'Usage');
      expect(textOf(answer!)).toContain('24h|7d|30d');
    });
  });

  it('escalates a high request to the primary, then the secondary, and stops after "I\'m on it"', async () => {
    // Prepare
    const e = wafEvent(4);
    await h.startIncident(e);
    const card = await h.waitForMessage(e.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const t0 = Date.now();
    const dmsFor = async (user: string) =>
      (await h.messages()).filter((m) => m.channel === `D${user}` && textOf(m).includes(id));

    // Act
    const early = await h.json<{ escalated: unknown[] }>('POST', '/sandbox/tick', {
      now: new Date(t0 + 5 * 60_000).toISOString(),
    });
    const first = await h.json<{ escalated: Array<{ incidentId: string; users: string[] }> }>('POST', '/sandbox/tick', {
      now: new Date(t0 + 16 * 60_000).toISOString(),
    });
    const second = await h.json<{ escalated: Array<{ incidentId: string; users: string[] }> }>(
      'POST',
      '/sandbox/tick',
      { now: new Date(t0 + 31 * 60_000).toISOString() },
    );
    const primaryDm = (await dmsFor('U0ONCALL1'))[0]!;
    const seen = (await h.messages()).length;
    const secondaryDm = (await dmsFor('U0ONCALL2'))[0]!;
    const ack = await h.click({
      user: 'U0ONCALL2',
      actionId: 'chainsec_ack',
      value: id,
      messageTs: secondaryDm.ts,
      channel: 'DU0ONCALL2',
      blockId: blockIdOf(secondaryDm, 'chainsec_ack'),
    });
    await eventually(async () =>
      textOf((await h.messages()).find((m) => m.ts === card.ts)!).includes('U0ONCALL2') ? true : undefined,
    ).catch(async (e: Error) => {
      // Say what the click was answered and what the clicker was told, so a failure names its cause.
      const told = (await h.messages()).slice(seen).map((m) => `${m.channel} ${m.kind}: ${textOf(m)}`);
      throw new Error(`${e.message}; the click answered ${ack.status} ${ack.text}; then: ${JSON.stringify(told)}`);
    });
    const after = await h.json<{ escalated: Array<{ incidentId: string }> }>('POST', '/sandbox/tick', {
      now: new Date(t0 + 59 * 60_000).toISOString(),
    });

    // Assess
    expect(early.body.escalated.filter((x) => (x as { incidentId: string }).incidentId === id)).toHaveLength(0);
    expect(first.body.escalated.find((x) => x.incidentId === id)?.users).toEqual(['U0ONCALL1']);
    expect(second.body.escalated.find((x) => x.incidentId === id)?.users).toEqual(['U0ONCALL2']);
    expect(actionIds(primaryDm)).toContain('chainsec_ack');
    expect(actionIds(primaryDm)).not.toContain('chainsec_approve');
    expect(after.body.escalated.filter((x) => x.incidentId === id)).toHaveLength(0);
    expect(await dmsFor('U0ONCALL1')).toHaveLength(1);
    expect(await dmsFor('U0ONCALL2')).toHaveLength(1);
  });

  it('expires a high request at its deadline: card says so with no buttons, workflow denies (fail closed)', async () => {
    // Prepare
    const e = wafEvent(4);
    const arn = await h.startIncident(e);
    const card = await h.waitForMessage(e.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act
    await h.json('POST', '/sandbox/tick', { now: new Date(Date.now() + 61 * 60_000).toISOString() });
    const execution = await h.waitForExecution(arn);
    const updated = await eventually(async () => {
      const m = (await h.messages()).find((x) => x.ts === card.ts)!;
      return actionIds(m).length === 0 ? m : undefined;
    });

    // Assess
    expect(execution.output.approval.decision).toBe('expired');
    expect(execution.output.actionResult.operation).toBe('close');
    expect(updated.text.toLowerCase()).toContain('expired');
    expect(textOf(updated)).toMatch(/denied \(fail closed\)/);
  });
});
