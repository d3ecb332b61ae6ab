import { startHarness, actionIds, textOf, unique, type Harness } from '../support/sandboxHarness';
import { DynamoDbFaultProxy } from '../../sandbox/local/DynamoDbFaultProxy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { eventually, localClientConfig } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import { blockActionsPayload } from '../../sandbox/local/slackSigning';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import type { Fault } from '../../sandbox/local/FaultSwitch';
import { lambdaContext, snsEvent } from '../../sandbox/lambdaEvents';

/**
 * Fault injection through the sandbox: the production handlers run unchanged;
 * faults are armed on the local services' fault switches (Step Functions,
 * KMS, Slack) or on a proxy in front of DynamoDB Local. Nothing is mocked.
 */

interface LedgerLine {
  type: string;
  incidentId: string;
  actor: string;
  decision?: string;
  reason?: string;
}

interface Pending {
  arn: string;
  card: RecordedMessage;
  id: string;
  tx: string;
}

/** The stack's own workflow's topic, where its approval requests go (template.yaml WorkflowTopic). */
const APPROVALS_TOPIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-workflow';
const incidentIdOf = (card: RecordedMessage): string => JSON.stringify(card.blocks).match(/INC-[0-9A-Z]{10}/)![0];
const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('E2E: faults, through the sandbox', () => {
  let h: Harness;
  let dynamo: DynamoDbFaultProxy;

  beforeAll(async () => {
    dynamo = new DynamoDbFaultProxy(process.env.CHAINSEC_TEST_DYNAMODB_ENDPOINT!);
    await dynamo.start();
    // Faults make the handlers log warnings and errors on purpose: keep the run quiet unless asked.
    h = await startHarness({ dynamoDbEndpoint: dynamo.url, logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT' });
  });
  afterEach(() => {
    for (const s of [h.sandbox.sfn, h.sandbox.kms, h.sandbox.slack, h.sandbox.sns, dynamo]) s.faults.clear();
  });
  afterAll(async () => {
    await h?.stop();
    await dynamo?.stop();
  });

  /** Starts an on-chain incident of the tier and waits until its card is posted and ingest is idle. */
  async function pending(tier: 'high' | 'critical'): Promise<Pending> {
    const tx = `0x${unique()}${tier === 'high' ? 'a7' : 'c9'}`;
    const event =
      tier === 'high'
        ? { tx_hash: tx, amount_usd: 20_000, protocol: 'Aave', anomaly_score: 0.8, from: '0xfeed' }
        : { tx_hash: tx, amount_usd: 300_000, protocol: 'Curve', anomaly_score: 0.95, from: '0xbeef' };
    const arn = await h.startIncident(event);
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    await settle();
    return { arn, card, id: incidentIdOf(card), tx };
  }

  /** Waits until nothing is left in the ingest queue (no background writes steal an armed fault). */
  const settle = () => h.sandbox.ingestDrained(20_000);

  /** One incident's entries in the ledger export (which signs a checkpoint: not readable while KMS is down). */
  async function ledgerOf(id: string): Promise<LedgerLine[]> {
    const res = await fetch(`${h.url}/sandbox/ledger`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`ledger export answered ${res.status}: ${text}`);
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerLine)
      .filter((e) => e.incidentId === id);
  }
  /** Types of one incident's entries in the ledger table itself, in seq order. */
  async function ledgerTableOf(id: string): Promise<string[]> {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(dynamo.url)));
    const out = await doc.send(
      new QueryCommand({
        TableName: process.env.LEDGER_TABLE!,
        KeyConditionExpression: 'incidentId = :i',
        ExpressionAttributeValues: { ':i': id },
        ConsistentRead: true,
      }),
    );
    doc.destroy();
    return (out.Items ?? []).map((i) => String(i.type));
  }
  const count = (entries: LedgerLine[], type: string) => entries.filter((e) => e.type === type).length;

  async function execution(arn: string): Promise<{ status: string; output: any }> {
    return (await h.json<{ status: string; output: any }>('GET', `/sandbox/executions/${encodeURIComponent(arn)}`))
      .body;
  }

  async function cardNow(p: Pending): Promise<RecordedMessage> {
    return (await h.messages()).find((m) => m.channel === APPROVALS_CHANNEL && m.ts === p.card.ts)!;
  }

  async function tick(
    now: string,
  ): Promise<{ redriven: Array<{ incidentId: string; outcome: string }>; cardsFixed: string[]; expired: string[] }> {
    const r = await h.json<{
      redriven: Array<{ incidentId: string; outcome: string }>;
      cardsFixed: string[];
      expired: string[];
    }>('POST', '/sandbox/tick', { now });
    expect(r.status).toBe(200);
    return r.body;
  }

  /** Messages recorded after `since` (an index into GET /sandbox/messages). */
  const newMessages = async (since: number) => (await h.messages()).slice(since);

  /** `user` clicks Approve on `p`'s card. */
  const approve = (p: Pending, user: string) =>
    h.click({ user, actionId: 'chainsec_approve', value: p.id, messageTs: p.card.ts });

  /** The first ephemeral answer to `user` recorded after `since`. */
  const answerSince = (since: number, user: string) =>
    eventually(
      async () => (await newMessages(since)).find((m) => m.kind === 'ephemeral' && m.user === user),
      10_000,
      50,
    );

  const resumes = (arn: string) => h.sandbox.sfn.taskSuccessRequests(arn).filter((r) => r.outcome === 'resumed').length;

  it('Step Functions down when the decision is made: the decision is stored and shown, and the sweep resumes the workflow exactly once', async () => {
    // Prepare
    const p = await pending('high');
    const sfnFaults = h.sandbox.sfn.faults;
    const failedBefore = sfnFaults.triggered('SendTaskSuccess');
    sfnFaults.set('SendTaskSuccess', { error: 'ServiceUnavailable', status: 503 });
    const since = (await h.messages()).length;

    // Act
    const click = await approve(p, 'U0APPROVER1');
    const told = await answerSince(since, 'U0APPROVER1');
    const whileDown = {
      execution: await execution(p.arn),
      waiting: h.sandbox.sfn.waitingTasks(p.arn).length,
      ledger: await ledgerOf(p.id),
      card: await cardNow(p),
    };
    sfnFaults.clear('SendTaskSuccess');
    const first = await tick(minutesFromNow(1));
    const done = await h.waitForExecution(p.arn);
    const second = await tick(minutesFromNow(2));

    // Assess
    expect(click.status).toBe(200);
    expect(sfnFaults.triggered('SendTaskSuccess') - failedBefore).toBeGreaterThanOrEqual(2); // the SDK retried before giving up
    expect(told.text).toMatch(/Decision recorded \(approve\)/);
    expect(whileDown.execution.status).toBe('RUNNING');
    expect(whileDown.waiting).toBe(1);
    expect(count(whileDown.ledger, 'vote')).toBe(1);
    expect(count(whileDown.ledger, 'decision')).toBe(1);
    expect(JSON.stringify(whileDown.card.blocks)).toContain('Decided by <@U0APPROVER1>');
    expect(actionIds(whileDown.card)).not.toContain('chainsec_approve');
    expect(first.redriven).toEqual(expect.arrayContaining([{ incidentId: p.id, outcome: 'delivered' }]));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER1'] });
    expect(second.redriven.map((r) => r.incidentId)).not.toContain(p.id);
    expect(resumes(p.arn)).toBe(1);
    expect(count(await ledgerOf(p.id), 'decision')).toBe(1);
  });

  describe('Step Functions says the task is gone', () => {
    it.each([
      ['TaskTimedOut (the workflow really timed out)', undefined],
      ['TaskDoesNotExist', { error: 'TaskDoesNotExist', status: 400, times: 1 } as Fault],
    ])('%s: the incident is expired, the card says the fallback ran, and nothing retries', async (_name, fault) => {
      // Prepare: the workflow's wait times out and it takes its fail-closed path.
      const p = await pending('high');
      expect(h.sandbox.sfn.timeOutWaitingTask(p.arn)).toBe(true);
      const fallback = await h.waitForExecution(p.arn);
      await settle();
      if (fault) h.sandbox.sfn.faults.set('SendTaskSuccess', fault);
      const faulted = h.sandbox.sfn.faults.triggered('SendTaskSuccess');

      // Act: a person approves after the workflow stopped waiting.
      const click = await approve(p, 'U0APPROVER2');
      const card = await eventually(
        async () => {
          const c = await cardNow(p);
          return JSON.stringify(c.blocks).includes('already timed out') ? c : undefined;
        },
        10_000,
        50,
      );
      const attempts =
        h.sandbox.sfn.taskSuccessRequests(p.arn).length + h.sandbox.sfn.faults.triggered('SendTaskSuccess') - faulted;
      const later = await tick(minutesFromNow(1));

      // Assess
      expect(fallback.status).toBe('SUCCEEDED');
      expect(fallback.output.approval.decision).toBe('expired');
      expect(click.status).toBe(200);
      expect(card.text).toMatch(/expired/i);
      expect(JSON.stringify(card.blocks)).toMatch(/already timed out; its fallback ran/);
      expect(actionIds(card)).not.toContain('chainsec_approve');
      const ledger = await ledgerOf(p.id);
      expect(count(ledger, 'decision')).toBe(1);
      expect(ledger.filter((e) => e.type === 'expiry' && /workflow task gone/.test(String(e.reason)))).toHaveLength(1);
      expect(attempts).toBe(1);
      expect(later.redriven.map((r) => r.incidentId)).not.toContain(p.id);
      expect(later.expired).not.toContain(p.id);
      expect(
        h.sandbox.sfn.taskSuccessRequests(p.arn).length + h.sandbox.sfn.faults.triggered('SendTaskSuccess') - faulted,
      ).toBe(1);
      expect(resumes(p.arn)).toBe(0);
    });

    it('ThrottlingException twice: the SDK retries and the decision is delivered at once', async () => {
      // Prepare
      const p = await pending('high');
      const before = h.sandbox.sfn.faults.triggered('SendTaskSuccess');
      h.sandbox.sfn.faults.set('SendTaskSuccess', { error: 'ThrottlingException', status: 400, times: 2 });

      // Act
      const click = await h.click({
        user: 'U0APPROVER3',
        actionId: 'chainsec_deny',
        value: p.id,
        messageTs: p.card.ts,
      });
      const done = await h.waitForExecution(p.arn, 15_000);

      // Assess
      expect(click.status).toBe(200);
      expect(h.sandbox.sfn.faults.triggered('SendTaskSuccess') - before).toBe(2);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output.approval).toMatchObject({ decision: 'deny', decidedBy: ['U0APPROVER3'] });
      expect(resumes(p.arn)).toBe(1);
    });
  });

  it('KMS cannot sign: the click is refused with an explanation, nothing is recorded or resumed; the same click works once KMS is back', async () => {
    // Prepare
    const p = await pending('high');
    const ledgerBefore = await ledgerOf(p.id);
    const updatesBefore = (await cardNow(p)).updates;
    h.sandbox.kms.faults.set('Sign', { error: 'KMSInternalException', status: 500 });
    const since = (await h.messages()).length;

    // Act
    const refused = await approve(p, 'U0APPROVER2');
    const told = await answerSince(since, 'U0APPROVER2');
    const whileDown = {
      execution: await execution(p.arn),
      waiting: h.sandbox.sfn.waitingTasks(p.arn).length,
      resumeRequests: h.sandbox.sfn.taskSuccessRequests(p.arn).length,
      card: await cardNow(p),
    };
    h.sandbox.kms.faults.clear('Sign');
    const ledgerAfterRefusal = await ledgerOf(p.id);
    const again = await approve(p, 'U0APPROVER2');
    const done = await h.waitForExecution(p.arn);

    // Assess
    expect(refused.status).toBe(200);
    expect(told.text).toMatch(/could not be signed/);
    expect(told.text).toMatch(/not recorded/);
    expect(ledgerAfterRefusal).toEqual(ledgerBefore);
    expect(whileDown.execution.status).toBe('RUNNING');
    expect(whileDown.waiting).toBe(1);
    expect(whileDown.resumeRequests).toBe(0);
    expect(whileDown.card.updates).toBe(updatesBefore);
    expect(actionIds(whileDown.card)).toContain('chainsec_approve');
    expect(again.status).toBe(200);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER2'] });
    const ledger = await ledgerOf(p.id);
    expect(count(ledger, 'vote')).toBe(1);
    expect(count(ledger, 'decision')).toBe(1);
    expect(resumes(p.arn)).toBe(1);
  });

  it('DynamoDB throttles the read and the commit: retried with backoff, the vote lands', async () => {
    // Prepare
    const p = await pending('high');
    const incidents = process.env.INCIDENTS_TABLE!;
    const commit = `TransactWriteItems@${incidents}`;
    const before = { get: dynamo.faults.triggered('GetItem'), put: dynamo.faults.triggered(commit) };
    dynamo.faults.set('GetItem', { error: 'ThrottlingException', status: 400, times: 2 });
    // The vote's first write is its commit: the incident and the click's key in one transaction.
    dynamo.faults.set(commit, {
      error: 'ProvisionedThroughputExceededException',
      status: 400,
      times: 2,
    });

    // Act
    const click = await approve(p, 'U0APPROVER1');
    const done = await h.waitForExecution(p.arn, 15_000);

    // Assess
    expect(click.status).toBe(200);
    expect(dynamo.faults.triggered('GetItem') - before.get).toBe(2);
    expect(dynamo.faults.triggered(commit) - before.put).toBe(2);
    const ledger = await ledgerOf(p.id);
    expect(count(ledger, 'vote')).toBe(1);
    expect(count(ledger, 'decision')).toBe(1);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER1'] });
  });

  it("DynamoDB commits the vote's transaction but its answer is lost: the SDK's retry neither counts it twice nor loses it (the decision resumes at once, the click answered 200)", async () => {
    // Prepare: the vote's commit (the incident and the click's key in one transaction) lands, its answer does not
    const p = await pending('high');
    const commit = `TransactWriteItems@${process.env.INCIDENTS_TABLE!}`;
    const before = dynamo.faults.triggered(commit);
    dynamo.faults.set(commit, { error: 'InternalServerError', status: 500, times: 1, afterForward: true });

    // Act
    const click = await approve(p, 'U0APPROVER1');
    const done = await h.waitForExecution(p.arn, 15_000);

    // Assess
    expect(dynamo.faults.triggered(commit) - before).toBe(1);
    expect(click.status).toBe(200);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER1'] });
    const ledger = await ledgerOf(p.id);
    expect(count(ledger, 'vote')).toBe(1);
    expect(count(ledger, 'decision')).toBe(1);
    expect(resumes(p.arn)).toBe(1);
  });

  it("DynamoDB refuses every try of the vote's transaction: the clicker is told nothing was recorded, and Slack's retry of that click is answered 200 and still records nothing", async () => {
    // Prepare
    const p = await pending('high');
    const commit = `TransactWriteItems@${process.env.INCIDENTS_TABLE!}`;
    dynamo.faults.set(commit, { error: 'InternalServerError', status: 500 });
    const body = blockActionsPayload({
      user: 'U0APPROVER2',
      actionId: 'chainsec_approve',
      value: p.id,
      channel: APPROVALS_CHANNEL,
      messageTs: p.card.ts,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const since = (await h.messages()).length;

    // Act: the click fails; the store comes back; Slack retries the same signed request
    const click = await h.slack(body, { timestamp });
    const told = await answerSince(since, 'U0APPROVER2');
    dynamo.faults.clear();
    const retry = await h.slack(body, {
      timestamp,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_error' },
    });

    // Assess: not counted, and said so once; the request still waits for a person
    expect(click.status).toBe(200);
    expect(told?.text).toMatch(/nothing was recorded|not recorded/i);
    expect(retry.status).toBe(200);
    expect(count(await ledgerOf(p.id), 'vote')).toBe(0);
    expect((await newMessages(since)).filter((m) => m.kind === 'ephemeral' && m.user === 'U0APPROVER2')).toHaveLength(
      1,
    );
    expect((await execution(p.arn)).status).toBe('RUNNING');
  });

  it('the ledger table is down: the decision is resumed and in the ledger at once, and the sweep publishes its entries once the table is back', async () => {
    // Prepare
    const p = await pending('high');
    const ledgerTable = process.env.LEDGER_TABLE!;
    dynamo.faults.set(`PutItem@${ledgerTable}`, { error: 'InternalServerError', status: 500 });

    // Act
    const click = await approve(p, 'U0APPROVER1');
    const done = await h.waitForExecution(p.arn, 15_000);
    const whileDown = await ledgerOf(p.id);
    const tickWhileDown = await h.json<{ entriesPublished: number; errors: Array<{ incidentId: string }> }>(
      'POST',
      '/sandbox/tick',
      { now: minutesFromNow(1) },
    );
    const inTableWhileDown = await ledgerTableOf(p.id);
    dynamo.faults.clear();
    const tickAfter = await h.json<{ entriesPublished: number; errors: unknown[] }>('POST', '/sandbox/tick', {
      now: minutesFromNow(2),
    });

    // Assess: nothing waited on the ledger table, nothing was lost
    expect(click.status).toBe(200);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER1'] });
    expect(count(whileDown, 'vote')).toBe(1);
    expect(count(whileDown, 'decision')).toBe(1);
    expect(tickWhileDown.body.errors.map((e) => e.incidentId)).toContain(p.id);
    expect(inTableWhileDown.filter((t) => t === 'vote' || t === 'decision')).toEqual([]);
    expect(tickAfter.body.entriesPublished).toBeGreaterThanOrEqual(2);
    expect(await ledgerTableOf(p.id)).toEqual(whileDown.map((e) => e.type));
    expect(await ledgerOf(p.id)).toEqual(whileDown);
  });

  describe('Slack fails the card update', () => {
    it.each([
      ['429 rate limited', { status: 429, retryAfterSec: 1 } as Fault],
      ['500', { status: 500, error: 'internal_error' } as Fault],
      ['timeout', { delayMs: 3_000, status: 503, error: 'service_unavailable' } as Fault],
    ])(
      '%s: the decision stands, the card is marked stale, and the next tick fixes it',
      async (_name, fault) => {
        // Prepare
        const p = await pending('high');
        const updatesBefore = (await cardNow(p)).updates;
        h.sandbox.slack.faults.set('chat.update', fault);

        // Act
        const click = await approve(p, 'U0APPROVER3');
        const done = await h.waitForExecution(p.arn, 40_000);
        await settle();
        const stale = await cardNow(p);
        h.sandbox.slack.faults.clear('chat.update');
        const report = await tick(minutesFromNow(1));
        const fixed = await cardNow(p);
        const again = await tick(minutesFromNow(2));

        // Assess
        expect(click.status).toBe(200);
        expect(done.status).toBe('SUCCEEDED');
        expect(done.output.approval).toMatchObject({ decision: 'approve', decidedBy: ['U0APPROVER3'] });
        expect(resumes(p.arn)).toBe(1);
        expect(stale.updates).toBe(updatesBefore);
        expect(actionIds(stale)).toContain('chainsec_approve');
        expect(report.cardsFixed).toContain(p.id);
        expect(fixed.updates).toBeGreaterThan(updatesBefore);
        expect(JSON.stringify(fixed.blocks)).toContain('Decided by <@U0APPROVER3>');
        expect(actionIds(fixed)).not.toContain('chainsec_approve');
        expect(again.cardsFixed).not.toContain(p.id);
      },
      60_000,
    );
  });

  describe('the store refuses the record every time', () => {
    it('a high request whose record cannot be stored after its retries: the task fails at once with a coded error, the channel hears why and on-call is paged', async () => {
      // Prepare: every incident write fails, as a store that keeps refusing would.
      const tx = `0x${unique()}d5`;
      dynamo.faults.set('TransactWriteItems', { error: 'InternalServerError', status: 500 });

      // Act
      const arn = await h.startIncident({ tx_hash: tx, amount_usd: 20_000, protocol: 'Aave', anomaly_score: 0.8 });
      const notice = await h.waitForMessage(tx, {
        channel: APPROVALS_CHANNEL,
        kind: 'message',
        where: (m) => m.text.includes('could not be shown for a decision'),
        timeoutMs: 40_000,
      });
      const page = await h.waitForMessage(tx, {
        user: 'U0ONCALL1',
        where: (m) => m.channel.startsWith('D'),
        timeoutMs: 10_000,
      });
      await eventually(async () => (h.sandbox.sfn.waitingTasks(arn).length === 0 ? true : undefined), 20_000);
      dynamo.faults.clear();
      const done = await h.waitForExecution(arn, 60_000);

      // Assess
      expect(textOf(notice)).toContain('chainsec.RequestNotStored');
      expect(textOf(notice)).toContain('could not be stored or shown after 5 attempts');
      expect(textOf(page)).toContain('could not be shown for a decision');
      expect(done.output.approval).toMatchObject({ decision: 'deny', decidedBy: [] });
      expect(JSON.stringify(done.output.approvalError)).toContain('chainsec.RequestNotStored');
    }, 120_000);
  });

  describe('duplicates', () => {
    it('SNS/SQS redelivery of the same approval request: one card, one incident_received entry, the workflow still waits', async () => {
      // Prepare
      const p = await pending('high');
      const request = h.sandbox.sns.published(APPROVALS_TOPIC).find((m) => m.Message.includes(p.tx))!;
      const envelope = JSON.stringify({
        Type: 'Notification',
        MessageId: request.MessageId,
        TopicArn: request.TopicArn,
        Message: request.Message,
        Timestamp: request.Timestamp,
      });

      // Act: SQS redelivers the same message twice; SNS delivers it once more (from the same topic) straight to the function.
      h.sandbox.ingestQueue.send(envelope);
      h.sandbox.ingestQueue.send(envelope);
      const { handler } = await import('../../src/handlers/ingest');
      await handler(snsEvent(request.TopicArn, request.Message), lambdaContext('chainsec-ingest'));
      await settle();

      // Assess
      const cards = (await h.messages()).filter(
        (m) => m.channel === APPROVALS_CHANNEL && m.kind === 'message' && m.text.includes(p.tx),
      );
      expect(cards).toHaveLength(1);
      const ledger = await ledgerOf(p.id);
      expect(count(ledger, 'incident_received')).toBe(1);
      expect(count(ledger, 'vote') + count(ledger, 'decision')).toBe(0);
      expect((await execution(p.arn)).status).toBe('RUNNING');
      expect(h.sandbox.sfn.waitingTasks(p.arn)).toHaveLength(1);
      expect(h.sandbox.ingestDeadLetters().filter((d) => d.body.includes(p.tx))).toHaveLength(0);
    });

    it('a Slack retry of a click (new signature, x-slack-retry-num) is answered 200 and an exact replay 401; neither votes, decides or resumes again', async () => {
      // Prepare
      const p = await pending('critical');
      const clickBody = (user: string) =>
        blockActionsPayload({
          user,
          actionId: 'chainsec_approve',
          value: p.id,
          channel: APPROVALS_CHANNEL,
          messageTs: p.card.ts,
          responseUrl: h.sandbox.responseUrlFor({ channel: APPROVALS_CHANNEL, user }),
        });
      const t = Math.floor(Date.now() / 1000);
      const retryHeaders = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' };
      const first = clickBody('U0APPROVER1');
      const second = clickBody('U0APPROVER2');

      // Act
      const answers = {
        first: await h.slack(first, { timestamp: t }),
        firstRetry: await h.slack(first, { timestamp: t + 1, headers: retryHeaders }),
        firstReplay: await h.slack(first, { timestamp: t }),
        second: await h.slack(second, { timestamp: t }),
        secondRetry: await h.slack(second, { timestamp: t + 2, headers: retryHeaders }),
        secondReplay: await h.slack(second, { timestamp: t }),
      };
      const done = await h.waitForExecution(p.arn);
      await settle();

      // Assess
      expect(Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.status]))).toEqual({
        first: 200,
        firstRetry: 200,
        firstReplay: 401,
        second: 200,
        secondRetry: 200,
        secondReplay: 401,
      });
      const ledger = await ledgerOf(p.id);
      expect(
        ledger
          .filter((e) => e.type === 'vote')
          .map((e) => e.actor)
          .sort(),
      ).toEqual(['U0APPROVER1', 'U0APPROVER2']);
      expect(count(ledger, 'decision')).toBe(1);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.output.approval).toMatchObject({ decision: 'approve' });
      expect(done.output.approval.decidedBy.sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
      expect(h.sandbox.sfn.taskSuccessRequests(p.arn)).toHaveLength(1);
      expect(
        (await h.messages()).filter(
          (m) => m.channel === APPROVALS_CHANNEL && m.kind === 'message' && m.text.includes(p.tx),
        ),
      ).toHaveLength(1);
    });
  });
});
