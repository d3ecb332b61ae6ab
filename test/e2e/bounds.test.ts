import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import { guardDutySshBruteForce } from '../../sandbox/samples/findingEvents';
import { createDynamoDbPorts } from '../../src/services/dynamodb/createDynamoDbPorts';
import { criticalOnChain, incidentIdOf, textOf, unique, useHarness, wafEvent } from '../support/sandboxHarness';

/** What every refusal notice says (the channel notice and the on-call page). */
const NOTICE = 'could not be shown for a decision';
/** The sandbox's primary on-call, paged by a refusal that needed people. */
const PRIMARY_ON_CALL = 'U0ONCALL1';

/**
 * Everything is shown or refused loudly: input the stores cannot keep exactly
 * (numbers past 2^53, deep nesting, keys a reader drops) is refused whole, at
 * once, with a coded error; what needed people is announced in the channel
 * and paged; a finding that cannot be read names every bad field.
 */
describe('E2E: bounds — everything is shown or refused loudly', () => {
  const h = useHarness();

  /** A workflow of another team: asks chainsec with its input's tier, title and proposed action, then ends. */
  async function foreignWorkflow(): Promise<string> {
    const info = await h.json<{ approvalRequestsTopicArn: string }>('GET', '/sandbox/info');
    const created = await h.json<{ stateMachineArn: string }>('POST', '/sandbox/state-machines', {
      name: `bounds-${unique()}`,
      definition: JSON.stringify({
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sns:publish.waitForTaskToken',
            Parameters: {
              TopicArn: info.body.approvalRequestsTopicArn,
              Message: {
                kind: 'approval_request',
                'taskToken.$': '$$.Task.Token',
                'tier.$': '$.tier',
                'title.$': '$.title',
                'proposedAction.$': '$.proposedAction',
              },
            },
            TimeoutSeconds: 14_400,
            End: true,
          },
        },
      }),
    });
    expect(created.status).toBe(201);
    return created.body.stateMachineArn;
  }

  async function run(stateMachineArn: string, input: unknown): Promise<string> {
    const started = await h.json<{ executionArn: string }>('POST', '/sandbox/executions', { stateMachineArn, input });
    expect(started.status).toBe(202);
    return started.body.executionArn;
  }

  const pageTo = (needle: string): Promise<RecordedMessage> =>
    h.waitForMessage(needle, {
      user: PRIMARY_ON_CALL,
      where: (m) => m.channel.startsWith('D') && m.text.includes(NOTICE),
    });

  describe('an approval request the stores cannot keep', () => {
    let stateMachineArn: string;
    beforeAll(async () => {
      stateMachineArn = await foreignWorkflow();
    });

    it.each([
      ['an integer above 2^53 in its parameters', { amountWei: 1.2e19 }, 'parameters.amountWei'],
      ['parameters nested 30 deep', JSON.parse(`${'{"a":'.repeat(30)}1${'}'.repeat(30)}`), 'nested deeper'],
    ])(
      'with %s: its task fails at once with a coded error, a notice says why in the channel, and on-call is paged',
      async (_what, parameters, named) => {
        // Prepare
        const title = `Sweep the hot wallet ${unique()}`;
        const proposedAction = { type: 'transfer_funds', target: 'cold-wallet', parameters, reversible: false };

        // Act
        const arn = await run(stateMachineArn, { tier: 'critical', title, proposedAction });
        const execution = await h.waitForExecution(arn);
        const notice = await h.waitForMessage(title, { channel: APPROVALS_CHANNEL, kind: 'message' });
        const page = await pageTo(title);

        // Assess
        expect(execution.status).toBe('FAILED');
        expect(JSON.stringify(execution.error)).toContain('chainsec.InvalidRequest');
        expect(textOf(notice)).toContain(NOTICE);
        expect(textOf(notice)).toContain('CRITICAL');
        expect(textOf(notice)).toContain(named);
        expect(textOf(page)).toContain(named);
        const cards = (await h.messages()).filter((m) => m.channel === APPROVALS_CHANNEL && m.text.includes(title));
        expect(cards).toHaveLength(1);
      },
    );

    it('with a "__proto__" key in its parameters (which a reader drops but the digest covers): refused loudly, never carded without it', async () => {
      // Prepare
      const placeholder = `Read the audit log ${unique()}`;
      const arn = await run(stateMachineArn, {
        tier: 'high',
        title: placeholder,
        proposedAction: { type: 'a', target: 'b', reversible: true },
      });
      let token: string | undefined;
      for (let i = 0; i < 200 && token === undefined; i++) {
        token = h.sandbox.sfn.waitingTasks(arn)[0]?.taskToken;
        if (token === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      // The placeholder request was carded; the hostile one below quotes the same waiting task.
      await h.waitForMessage(placeholder, { channel: APPROVALS_CHANNEL, kind: 'message' });
      const title = `Grant org-wide scope ${unique()}`;
      const info = await h.json<{ approvalRequestsTopicArn: string }>('GET', '/sandbox/info');
      const raw = `{"kind":"approval_request","taskToken":${JSON.stringify(token)},"tier":"high","title":"${title}","proposedAction":{"type":"grant_role","target":"ci-bot","reversible":true,"parameters":{"role":"reader","__proto__":{"scope":"ALL_USERS_IN_ORG"}}}}`;

      // Act
      h.sandbox.sns.publishLocal(info.body.approvalRequestsTopicArn, raw);
      const notice = await h.waitForMessage(title, { channel: APPROVALS_CHANNEL, kind: 'message' });

      // Assess
      expect(textOf(notice)).toContain(NOTICE);
      expect(textOf(notice)).toMatch(/proto/);
      const shown = (await h.messages()).filter((m) => m.text.includes(title));
      expect(shown.every((m) => m.text.includes(NOTICE))).toBe(true);
    });
  });

  it('a critical on-chain event with amount_usd 1.2e19 is refused before any containment: the channel and on-call hear why at once', async () => {
    // Prepare
    const tx = `0x${unique()}e19`;

    // Act
    const arn = await h.startIncident({ ...criticalOnChain(tx), amount_usd: 1.2e19 });
    const execution = await h.waitForExecution(arn);
    const notice = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const page = await pageTo(tx);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(JSON.stringify(execution.error)).toContain('chainsec.InvalidIncident');
    const described = await h.json<{ events?: Array<{ type: string; state?: { name: string } }> }>(
      'GET',
      `/sandbox/executions/${encodeURIComponent(arn)}`,
    );
    expect(JSON.stringify(described.body)).not.toContain('ContainCritical');
    expect(textOf(notice)).toContain(NOTICE);
    expect(textOf(notice)).toContain('CRITICAL');
    expect(textOf(notice)).toContain('amount_usd');
    expect(textOf(page)).toContain(tx);
  });

  it('a high GuardDuty finding that cannot be read: every bad field is named in the rejected store, and the channel hears of it once per finding id', async () => {
    // Prepare: a real sample's shape (sandbox/samples/findingEvents.ts) with three fields broken.
    const findingId = `gdbad${unique()}`;
    const broken = (): Record<string, unknown> => {
      const event = guardDutySshBruteForce(
        { id: findingId, severity: 8 },
        { eventFirstSeen: 1_764_500_000, eventLastSeen: 1_764_503_300 },
      );
      delete (event.detail as Record<string, unknown>).type;
      return event;
    };

    // Act
    const first = await h.startIncident(broken());
    await h.waitForExecution(first);
    const notice = await h.waitForMessage(findingId, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const second = await h.startIncident(broken());
    await h.waitForExecution(second);
    const { rejected } = createDynamoDbPorts({
      incidentsTable: process.env.INCIDENTS_TABLE!,
      ledgerTable: process.env.LEDGER_TABLE!,
      callTimeoutMs: 2000,
    });
    const kept = (await rejected.list(100)).filter((k) => k.payload.includes(findingId));

    // Assess
    expect(kept.length).toBeGreaterThanOrEqual(1);
    for (const field of ['detail.type', 'detail.service.eventFirstSeen', 'detail.service.eventLastSeen'])
      expect(kept[0]?.reason).toContain(field);
    expect(textOf(notice)).toContain(NOTICE);
    expect(textOf(notice)).toContain('HIGH');
    expect(textOf(notice)).toContain('detail.service.eventLastSeen');
    const notices = (await h.messages()).filter((m) => m.channel === APPROVALS_CHANNEL && m.text.includes(findingId));
    expect(notices).toHaveLength(1);
  });

  it('the same high request delivered twice (two workflows): the delivered card gets no failure warning', async () => {
    // Prepare
    const event = wafEvent(4);
    const firstArn = await h.startIncident(event);
    const card = await h.waitForMessage(String(event.uri), { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act
    const againArn = await h.startIncident(event);
    const again = await h.waitForExecution(againArn);

    // Assess
    expect(again.output.approval).toMatchObject({ decision: 'deny', decidedBy: [] });
    const first = await h.json<{ status: string }>('GET', `/sandbox/executions/${encodeURIComponent(firstArn)}`);
    expect(first.body.status).toBe('RUNNING');
    const thread = (await h.messages()).filter((m) => m.thread_ts === card.ts);
    expect(thread.filter((m) => m.text.includes('could not be delivered'))).toHaveLength(0);
    expect(incidentIdOf(card)).toMatch(/^INC-/);
  });
});
