import { handleCommand, type ActionCommand } from '../../examples/executor/handler';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import {
  asffFinding,
  guardDutyCredentialExfiltration,
  guardDutySshBruteForce,
  securityHubImported,
} from '../../sandbox/samples/findingEvents';
import { actionDigest } from '../../src/domain/actionDigest';
import { ErrorCode } from '../../src/errors';
import { eventually } from '../support/localAws';
import {
  blockIdOf,
  criticalOnChain,
  incidentIdOf,
  ledgerOf,
  requestApproval,
  textOf,
  unique,
  useHarness,
  type Harness,
} from '../support/sandboxHarness';
import { memoryRedemptions } from '../unit/receipts/receiptFixture';

/**
 * Authority comes from the stack: what a request, another workflow or an
 * agent sends can ask for more scrutiny, never less. Each case is an attack
 * that worked before, replayed through the sandbox: another team's workflow
 * run by the local interpreter publishing on the public approval requests
 * topic, an agent's notification on the public notifications topic, detector
 * events through POST /sandbox/events, and signed Slack clicks.
 *
 * The detector events are the published shapes in sandbox/samples/findingEvents.ts.
 */

/** Claims chainsec's own execution: attacker-chosen, and never what decides a message's origin. */
const SPOOFED_EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:chainsec-incident-response:spoofed';

/** Another team's workflow: one waitForTaskToken task on the public approval requests topic, its message from the input. */
function foreignDefinition(topicArn: string, fields: Record<string, string>): string {
  return JSON.stringify({
    StartAt: 'Ask',
    States: {
      Ask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
        Parameters: {
          TopicArn: topicArn,
          Message: {
            kind: 'approval_request',
            'taskToken.$': '$$.Task.Token',
            executionArn: SPOOFED_EXECUTION,
            requestedBy: 'foreign-flow',
            ...Object.fromEntries(Object.entries(fields).map(([k, path]) => [`${k}.$`, path])),
          },
        },
        ResultPath: '$.approval',
        End: true,
      },
    },
  });
}

/** Registers a foreign workflow that sends the given input fields in its request. */
async function foreignWorkflow(h: Harness, fields: Record<string, string>): Promise<string> {
  const info = await h.json<{ approvalRequestsTopicArn: string }>('GET', '/sandbox/info');
  const created = await h.json<{ stateMachineArn: string }>('POST', '/sandbox/state-machines', {
    name: `foreign-${unique()}`,
    definition: foreignDefinition(info.body.approvalRequestsTopicArn, fields),
  });
  expect(created.status).toBe(201);
  return created.body.stateMachineArn;
}

async function startForeign(h: Harness, stateMachineArn: string, input: unknown): Promise<string> {
  const started = await h.json<{ executionArn: string }>('POST', '/sandbox/executions', { stateMachineArn, input });
  expect(started.status).toBe(202);
  return started.body.executionArn;
}

/** A card (not a thread line) in the approvals channel mentioning `needle`, other than `except`. */
function cardWith(h: Harness, needle: string, except: RecordedMessage[] = []): Promise<RecordedMessage> {
  return h.waitForMessage(needle, {
    channel: APPROVALS_CHANNEL,
    kind: 'message',
    where: (m) => !m.thread_ts && !except.some((e) => e.ts === m.ts),
  });
}

/** The card as it reads now (after every chat.update). */
async function current(h: Harness, card: RecordedMessage): Promise<RecordedMessage> {
  const all = await h.messages();
  return all.find((m) => m.channel === card.channel && m.ts === card.ts && !m.thread_ts) ?? card;
}

/** Waits until an execution waits on a task (its approval request). */
async function waitsForPeople(h: Harness, arn: string): Promise<boolean> {
  return eventually(async () => (h.sandbox.sfn.waitingTasks(arn).length > 0 ? true : undefined), 20_000, 50);
}

async function approveTwice(h: Harness, id: string, card: RecordedMessage): Promise<void> {
  const after = (await h.messages()).length;
  await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
  await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1', after });
  await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
}

describe('E2E: authority comes from the stack', () => {
  const h = useHarness();

  describe("a foreign workflow's request", () => {
    it("carrying a raw on-chain event chainsec's rules call critical with tier high: two approvals are needed, one decides nothing", async () => {
      // Prepare
      const workflow = await foreignWorkflow(h, {
        incident: '$.incident',
        tier: '$.tier',
        proposedAction: '$.proposedAction',
      });
      const tx = `0x${unique()}a1`;

      // Act
      const arn = await startForeign(h, workflow, {
        incident: criticalOnChain(tx),
        tier: 'high',
        proposedAction: { type: 'pause_protocol_interactions', target: 'Uniswap', reversible: true },
      });
      const card = await cardWith(h, tx);
      const id = incidentIdOf(card);
      const after = (await h.messages()).length;
      await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
      const oneOfTwo = await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1', after });

      // Assess: one vote decided nothing, the task still waits
      expect(oneOfTwo).toBeDefined();
      expect(card.text.toLowerCase()).toContain('critical');
      const entries = await ledgerOf(h, id);
      expect(entries.some((e) => e.type === 'decision')).toBe(false);
      expect(entries.find((e) => e.type === 'incident_received')).toMatchObject({
        tier: 'critical',
        requestedTier: 'high',
        origin: 'foreign_workflow',
      });
      expect(h.sandbox.sfn.waitingTasks(arn)).toHaveLength(1);

      // Act: the second approver
      await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
      const execution = await h.waitForExecution(arn);

      // Assess
      expect(execution.output.approval).toMatchObject({ decision: 'approve', incidentId: id });
      expect([...execution.output.approval.decidedBy].sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    });

    it("sent first about the stack's own event never takes over its incident: the own workflow still gets its own card and waits", async () => {
      // Prepare
      const workflow = await foreignWorkflow(h, {
        incident: '$.incident',
        tier: '$.tier',
        proposedAction: '$.proposedAction',
      });
      const event = criticalOnChain(`0x${unique()}a2`);
      await startForeign(h, workflow, {
        incident: event,
        tier: 'critical',
        proposedAction: { type: 'resume_protocol_interactions', target: 'Uniswap', reversible: true },
      });
      const foreignCard = await cardWith(h, event.tx_hash);

      // Act: the stack's own workflow, for the same event
      const ownArn = await h.startIncident(event);
      const ownCard = await cardWith(h, event.tx_hash, [foreignCard]);

      // Assess: two incidents; the foreign one is marked as such, the own one is the stack's
      const foreignId = incidentIdOf(foreignCard);
      const ownId = incidentIdOf(ownCard);
      expect(ownId).not.toBe(foreignId);
      expect(await waitsForPeople(h, ownArn)).toBe(true);
      expect(textOf(foreignCard)).toContain('another workflow');
      expect(textOf(ownCard)).not.toContain('another workflow');
      const foreignReceived = (await ledgerOf(h, foreignId)).find((e) => e.type === 'incident_received');
      const ownReceived = (await ledgerOf(h, ownId)).find((e) => e.type === 'incident_received');
      expect(foreignReceived).toMatchObject({ origin: 'foreign_workflow', namedIncidentId: ownId });
      expect(ownReceived).toMatchObject({ origin: 'workflow' });
    });
  });

  describe("an agent's notification naming a pending detector incident", () => {
    it("cannot replace the finding's facts (another key, 'SAMPLE finding, safe to deny'): the card and the ledger are unchanged", async () => {
      // Prepare: a high GuardDuty access-key finding waiting for people
      const key = `ASIA${unique()
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 12)
        .padEnd(12, 'X')}`;
      const other = `AKIA${unique()
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 12)
        .padEnd(12, 'Y')}`;
      const resource = {
        resourceType: 'AccessKey',
        accessKeyDetails: { accessKeyId: key, userName: 'GeneratedFindingUserName', userType: 'IAMUser' },
      };
      await h.json('POST', '/sandbox/events', guardDutyCredentialExfiltration({ id: `gd${unique()}`, resource }));
      const card = await cardWith(h, key);
      const id = incidentIdOf(card);
      const before = await ledgerOf(h, id);
      const received = before.find((e) => e.type === 'incident_received')!;
      // The incident as chainsec stored it, its facts rewritten by the agent.
      const forged = JSON.parse(JSON.stringify(received.incident).replaceAll(key, other)) as {
        title: string;
        finding: { count: number; description?: string };
      };
      forged.title = 'SAMPLE finding, safe to deny';
      forged.finding.count = 50;
      forged.finding.description = 'SAMPLE finding, safe to deny';
      const info = await h.json<{ notificationsTopicArn: string }>('GET', '/sandbox/info');

      // Act
      h.sandbox.sns.publishLocal(
        info.body.notificationsTopicArn,
        JSON.stringify({ kind: 'notification', incident: forged, reasoning: 'SAMPLE finding, safe to deny' }),
      );
      await h.sandbox.sns.drain();
      await h.sandbox.ingestDrained();

      // Assess
      const shown = textOf(await current(h, card));
      expect(shown).toContain(key);
      expect(shown).not.toContain(other);
      expect(shown).not.toContain('safe to deny');
      const after = await ledgerOf(h, id);
      expect(after.map((e) => e.type)).toEqual(before.map((e) => e.type));
    });

    it("about the stack's own on-chain incident with other facts: a note in its thread in the agent's words, and the card unchanged", async () => {
      // Prepare
      const event = criticalOnChain(`0x${unique()}a3`);
      const { card, id } = await requestApproval(h, event);
      const info = await h.json<{ notificationsTopicArn: string }>('GET', '/sandbox/info');

      // Act
      h.sandbox.sns.publishLocal(
        info.body.notificationsTopicArn,
        JSON.stringify({
          kind: 'notification',
          incident: { ...event, amount_usd: 1, anomaly_score: 0.1 },
          reasoning: 'Only a test transaction: safe to deny.',
        }),
      );
      const note = await h.waitForMessage('safe to deny', { channel: APPROVALS_CHANNEL, where: (m) => !!m.thread_ts });

      // Assess
      expect(note.thread_ts).toBe(card.ts);
      expect(textOf(note)).toContain("agent's notification");
      expect(textOf(await current(h, card))).not.toContain('safe to deny');
      const entries = await ledgerOf(h, id);
      expect(entries.find((e) => e.type === 'incident_received')).toMatchObject({ tier: 'critical' });
    });
  });

  describe('a finding re-sent at a severity that needs more approval asks people again', () => {
    it.each([
      [
        'GuardDuty 5 -> 9.5',
        (tag: string, severity: 'medium' | 'critical') =>
          guardDutySshBruteForce(
            {
              id: `gd${tag}`,
              severity: severity === 'medium' ? 5 : 9.5,
              resource: { resourceType: 'Instance', instanceDetails: { instanceId: `i-${tag}` } },
            },
            { count: severity === 'medium' ? 1 : 2 },
          ),
      ],
      [
        'Security Hub MEDIUM -> CRITICAL',
        (tag: string, severity: 'medium' | 'critical') =>
          securityHubImported([
            asffFinding({
              Id: `sh-${tag}`,
              Title: `S3 bucket policy allows public writes i-${tag}`,
              Severity: { Label: severity.toUpperCase() },
            }),
          ]),
      ],
    ])('%s: the incident is raised to a critical card with votes reset; two people decide', async (_name, eventOf) => {
      // Prepare: the medium notice
      const tag = unique().replace(/[^0-9a-z]/g, '');
      await h.json('POST', '/sandbox/events', eventOf(tag, 'medium'));
      const notice = await cardWith(h, `i-${tag}`);
      expect(notice.text.toLowerCase()).toContain('medium');

      // Act: the same finding, critical now
      const sent = await h.json<{ executionArns: string[] }>('POST', '/sandbox/events', eventOf(tag, 'critical'));
      const arn = sent.body.executionArns[0]!;
      const raised = await cardWith(h, `i-${tag}`, [notice]);
      const id = incidentIdOf(raised);

      // Assess: a critical card for the same incident, the second workflow waits for people
      expect(id).toBe(incidentIdOf(notice));
      expect(raised.text.toLowerCase()).toContain('critical');
      expect(JSON.stringify(raised.blocks)).toContain('chainsec_approve');
      expect(await waitsForPeople(h, arn)).toBe(true);
      const entry = (await ledgerOf(h, id)).find((e) => e.type === 'incident_raised');
      expect(entry).toMatchObject({ fromTier: 'medium', tier: 'critical', origin: 'detector' });

      // Act: two approvers (the critical policy)
      await approveTwice(h, id, raised);
      const execution = await h.waitForExecution(arn);

      // Assess
      expect(execution.output.approval).toMatchObject({ decision: 'approve', incidentId: id });
      expect(execution.output.approval.decidedBy).toHaveLength(2);
    });
  });

  it('a high request still waiting, re-sent critical: the new request is the one people decide, the first workflow ends denied', async () => {
    // Prepare: a high GuardDuty finding waiting for one approver
    const tag = unique().replace(/[^0-9a-z]/g, '');
    const resource = { resourceType: 'Instance', instanceDetails: { instanceId: `i-${tag}` } };
    const first = await h.json<{ executionArns: string[] }>(
      'POST',
      '/sandbox/events',
      guardDutySshBruteForce({ id: `gd${tag}`, severity: 7.5, resource }),
    );
    const high = await cardWith(h, `i-${tag}`);
    expect(high.text.toLowerCase()).toContain('high');
    const firstArn = first.body.executionArns[0]!;
    expect(await waitsForPeople(h, firstArn)).toBe(true);

    // Act
    const second = await h.json<{ executionArns: string[] }>(
      'POST',
      '/sandbox/events',
      guardDutySshBruteForce({ id: `gd${tag}`, severity: 9.5, resource }, { count: 2 }),
    );
    const critical = await cardWith(h, `i-${tag}`, [high]);
    const ended = await h.waitForExecution(firstArn);

    // Assess
    expect(critical.text.toLowerCase()).toContain('critical');
    expect(incidentIdOf(critical)).toBe(incidentIdOf(high));
    expect(ended.output.approval).toMatchObject({ decision: 'deny', decidedBy: [] });
    expect(await waitsForPeople(h, second.body.executionArns[0]!)).toBe(true);
    const raised = (await ledgerOf(h, incidentIdOf(critical))).find((e) => e.type === 'incident_raised');
    expect(raised).toMatchObject({ fromTier: 'high', fromKind: 'approval', tier: 'critical' });
  });

  it('a card a raise replaced speaks for nothing: "I\'m on it" and "Mark false positive" on it change nothing; on the new card they count', async () => {
    // Prepare: a high finding waiting for people, then raised to critical (a new card; the old one keeps its buttons)
    const tag = unique().replace(/[^0-9a-z]/g, '');
    const resource = { resourceType: 'Instance', instanceDetails: { instanceId: `i-${tag}` } };
    await h.json('POST', '/sandbox/events', guardDutySshBruteForce({ id: `gd${tag}`, severity: 7.5, resource }));
    const high = await cardWith(h, `i-${tag}`);
    await h.json(
      'POST',
      '/sandbox/events',
      guardDutySshBruteForce({ id: `gd${tag}`, severity: 9.5, resource }, { count: 2 }),
    );
    const critical = await cardWith(h, `i-${tag}`, [high]);
    const id = incidentIdOf(critical);
    await eventually(async () =>
      (await ledgerOf(h, id)).some((e) => e.type === 'incident_raised') ? true : undefined,
    );
    const after = (await h.messages()).length;
    const marks = async () =>
      (await ledgerOf(h, id)).filter((e) => e.type === 'acknowledged' || e.type === 'false_positive');

    // Act: an approver clicks the old card's buttons
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_ack', value: id, messageTs: high.ts });
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_false_positive', value: id, messageTs: high.ts });
    const told = await eventually(async () => {
      const answers = (await h.messages())
        .slice(after)
        .filter((m) => m.kind === 'ephemeral' && m.user === 'U0APPROVER1');
      return answers.length >= 2 ? answers : undefined;
    });
    const onOldCard = await marks();
    // Act: the same click on the new card
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_ack', value: id, messageTs: critical.ts });
    const onNewCard = await eventually(async () => {
      const m = await marks();
      return m.length > 0 ? m : undefined;
    });

    // Assess
    expect(high.ts).not.toBe(critical.ts);
    expect(told.map((m) => m.text)).toEqual([
      expect.stringContaining('button is not on this request'),
      expect.stringContaining('button is not on this request'),
    ]);
    expect(onOldCard).toEqual([]);
    expect(onNewCard.map((e) => [e.type, e.actor])).toEqual([['acknowledged', 'U0APPROVER1']]);
  });

  it('a page sent before a raise speaks for nothing: its "I\'m on it" is refused; the new page\'s counts', async () => {
    // Prepare: a high finding nobody picked up pages the primary; then it is raised to critical, which pages again
    const tag = unique().replace(/[^0-9a-z]/g, '');
    const resource = { resourceType: 'Instance', instanceDetails: { instanceId: `i-${tag}` } };
    await h.json('POST', '/sandbox/events', guardDutySshBruteForce({ id: `gd${tag}`, severity: 7.5, resource }));
    const high = await cardWith(h, `i-${tag}`);
    const id = incidentIdOf(high);
    const pages = async () =>
      (await h.messages()).filter((m) => m.channel === 'DU0ONCALL1' && m.kind === 'message' && textOf(m).includes(id));
    await h.json('POST', '/sandbox/tick', { now: new Date(Date.now() + 16 * 60_000).toISOString() });
    const [oldPage] = await eventually(async () => ((await pages()).length === 1 ? pages() : undefined));
    await h.json(
      'POST',
      '/sandbox/events',
      guardDutySshBruteForce({ id: `gd${tag}`, severity: 9.5, resource }, { count: 2 }),
    );
    await cardWith(h, `i-${tag}`, [high]);
    const newPage = await eventually(async () => (await pages()).find((m) => m.ts !== oldPage!.ts));
    const marks = async () => (await ledgerOf(h, id)).filter((e) => e.type === 'acknowledged');
    const after = (await h.messages()).length;
    const ack = (page: RecordedMessage) =>
      h.click({
        user: 'U0ONCALL1',
        actionId: 'chainsec_ack',
        value: id,
        messageTs: page.ts,
        channel: 'DU0ONCALL1',
        blockId: blockIdOf(page, 'chainsec_ack'),
      });

    // Act: the old page's button
    await ack(oldPage!);
    const told = await h.waitForMessage('earlier request', { kind: 'ephemeral', user: 'U0ONCALL1', after });
    const onOldPage = await marks();
    // Act: the new page's button
    await ack(newPage);
    const onNewPage = await eventually(async () => {
      const m = await marks();
      return m.length > 0 ? m : undefined;
    });

    // Assess
    expect(textOf(told)).toContain('changed nothing');
    expect(onOldPage).toEqual([]);
    expect(onNewPage.map((e) => [e.type, e.actor])).toEqual([['acknowledged', 'U0ONCALL1']]);
  });

  describe('receipts bind the exact action', () => {
    it('a rollback receipt binds the containment it undoes: the example executor refuses a rollback of another action', async () => {
      // Prepare
      const { arn, card, id } = await requestApproval(h, criticalOnChain(`0x${unique()}b1`));
      const after = (await h.messages()).length;
      await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_rollback', value: id, messageTs: card.ts });
      await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1', after });
      await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_rollback', value: id, messageTs: card.ts });
      const execution = await h.waitForExecution(arn);
      const receipt = execution.output.approval.receipt;
      const pem = await (await fetch(`${h.url}/sandbox/public-key`)).text();
      const deps = {
        verification: { publicKey: pem },
        redemptions: memoryRedemptions(),
        run: async () => {},
        log: () => {},
        now: () => new Date(),
        name: 'e2e',
      };
      const sent = h.sandbox.sns
        .published()
        .map((m) => JSON.parse(m.Message) as ActionCommand)
        .find((c) => c.incidentId === id && c.operation === 'rollback');

      // Act
      const widened = await handleCommand(
        {
          operation: 'rollback',
          incidentId: id,
          action: { type: 'unfreeze_all_accounts', target: '*', reversible: true },
          receipt,
        },
        deps,
      );
      const genuine = await handleCommand(sent!, deps);

      // Assess
      const { type, target, reversible } = execution.output.containmentAction;
      expect(receipt.actionDigest).toBe(actionDigest({ type, target, reversible }));
      expect(receipt.actionDigest).not.toBe(actionDigest(execution.output.proposedAction));
      expect(widened).toMatchObject({ ran: false, code: ErrorCode.ReceiptActionMismatch });
      expect(genuine).toEqual({ ran: true, incidentId: id });
    });

    it('a containment a foreign request merely claims is never rolled back on expiry: no chainsec-signed receipt', async () => {
      // Prepare
      const workflow = await foreignWorkflow(h, {
        title: '$.title',
        tier: '$.tier',
        proposedAction: '$.proposedAction',
        containment: '$.containment',
      });
      const title = `Freeze payouts ${unique()}`;
      const arn = await startForeign(h, workflow, {
        title,
        tier: 'critical',
        proposedAction: { type: 'freeze_payouts', target: 'treasury', reversible: true },
        containment: {
          type: 'unfreeze_all_accounts',
          target: '*',
          reversible: true,
          at: new Date().toISOString(),
          status: 'executed',
        },
      });
      const card = await cardWith(h, title);
      const id = incidentIdOf(card);

      // Act: the sweep runs after the critical window (4 h by default)
      await h.json('POST', '/sandbox/tick', { now: new Date(Date.now() + 5 * 60 * 60 * 1000).toISOString() });
      const execution = await h.waitForExecution(arn);

      // Assess
      expect(execution.output.approval).toMatchObject({ decision: 'expired', incidentId: id });
      expect(execution.output.approval.receipt).toBeUndefined();
      const expiry = (await ledgerOf(h, id)).find((e) => e.type === 'expiry');
      expect(expiry).toMatchObject({ fallback: 'deny (fail closed)' });
    });
  });
});
