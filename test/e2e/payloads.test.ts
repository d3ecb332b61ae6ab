import { startHarness, actionIds, incidentIdOf, textOf, wafEvent, type Harness } from '../support/sandboxHarness';
import { eventually } from '../support/localAws';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';

/**
 * Big, valid incidents through the sandbox: SNS's 256 KiB
 * message limit and Step Functions' 256 KiB state payload are enforced by the
 * local services as in AWS, so a request that would not fit fails here too.
 */

/** The stack's own workflow's topic, where its approval requests go (template.yaml WorkflowTopic). */
const APPROVALS_TOPIC = 'arn:aws:sns:us-east-1:000000000000:chainsec-workflow';

interface LedgerLine {
  type: string;
  incidentId: string;
  fullTextSha256?: string | null;
  error?: string;
  fallback?: string;
}

/** A WAF analysis of `chars` characters: numbered lines, so a lost or reordered part shows. */
function longAnalysis(chars: number, unit = 'x'): string {
  let text = '';
  for (let n = 0; text.length < chars; n++) text += `line ${n} ${unit.repeat(60)}\n`;
  return `${text.slice(0, chars - 13)}END-ANALYSIS.`;
}

/** What a quoted `/chainsec incident` answer says, unquoted and unescaped. */
function unquoted(messages: RecordedMessage[], title: string): string {
  return messages
    .filter((m) => m.text.includes(title))
    .flatMap((m) =>
      (m.blocks as Array<{ type: string; text?: { text: string } }>)
        .filter((b) => b.type === 'section')
        .map((b) => b.text!.text),
    )
    .join('\n')
    .split('\n')
    .map((l) => l.replace(/^> ?/, ''))
    .join('\n')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&');
}

describe('E2E: big payloads, through the sandbox', () => {
  let h: Harness;
  const emitted: string[] = [];
  let write: typeof process.stdout.write;

  beforeAll(async () => {
    // Metrics on: Powertools writes them as EMF lines on stdout, which the test reads.
    write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.includes('"_aws"')) {
        emitted.push(text);
        return true;
      }
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    h = await startHarness({
      logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      env: { POWERTOOLS_METRICS_DISABLED: 'false' },
    });
  });
  afterEach(() => h.sandbox.sns.faults.clear());
  afterAll(async () => {
    await h?.stop();
    process.stdout.write = write;
  });

  async function ledgerOf(id: string): Promise<LedgerLine[]> {
    const text = await (await fetch(`${h.url}/sandbox/ledger`)).text();
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LedgerLine)
      .filter((e) => e.incidentId === id);
  }

  const execution = async (arn: string) =>
    (await h.json<{ status: string; output: any }>('GET', `/sandbox/executions/${encodeURIComponent(arn)}`)).body;

  it('a severity-5 WAF event with a 140,000-character analysis: a shortened card, the full text retrievable, the workflow waits, a ledger entry', async () => {
    // Prepare
    const analysis = longAnalysis(140_000);
    const event = {
      ...wafEvent(5),
      analysis: { severity_rating: 5, security_analysis: analysis, follow_up_suggestion: 'Block it.' },
    };

    // Act
    const arn = await h.startIncident(event);
    const card = await h.waitForMessage(event.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const waiting = await eventually(
      async () => (h.sandbox.sfn.waitingTasks(arn).length === 1 ? true : undefined),
      10_000,
      50,
    );
    const whileWaiting = await execution(arn);
    const request = h.sandbox.sns.published(APPROVALS_TOPIC).find((m) => m.Message.includes(id))!;
    const ledger = await ledgerOf(id);
    const since = (await h.messages()).length;
    const command = await h.command('U0APPROVER1', `incident ${id}`);
    const answers = await eventually(
      async () => {
        const all = (await h.messages()).slice(since).filter((m) => m.kind !== 'message');
        return unquoted(all, "agent's reasoning").includes('END-ANALYSIS.') ? all : undefined;
      },
      20_000,
      100,
    );
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_deny', value: id, messageTs: card.ts });
    const done = await h.waitForExecution(arn);

    // Assess
    expect(textOf(card)).toContain(event.uri);
    expect(textOf(card)).toContain('Shortened — full text');
    expect(JSON.stringify(card.blocks).length).toBeLessThan(40_000);
    expect(actionIds(card)).toEqual(expect.arrayContaining(['chainsec_approve', 'chainsec_deny', 'chainsec_rollback']));
    expect(waiting).toBe(true);
    expect(whileWaiting.status).toBe('RUNNING');
    expect(Buffer.byteLength(request.Message)).toBeLessThan(64 * 1024);
    expect(JSON.parse(request.Message).fullText).toMatchObject({
      kept: true,
      shortened: expect.arrayContaining(['reasoning', 'analysis']),
    });
    expect(ledger.map((e) => e.type)).toEqual(expect.arrayContaining(['incident_received']));
    expect(ledger.find((e) => e.type === 'incident_received')!.fullTextSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(command.status).toBe(200);
    expect(unquoted(answers, "agent's reasoning").replace(/\n/g, '')).toContain(analysis.replace(/\n/g, ''));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.approval).toMatchObject({ decision: 'deny', decidedBy: ['U0APPROVER2'] });
  }, 90_000);

  it('multi-byte text and 200 evidence items (bytes, not characters): a card, and every item retrievable', async () => {
    // Prepare: 60,000 "€" are 180,000 bytes; with the evidence the event is near the 256 KiB an execution accepts.
    const analysis = longAnalysis(60_000, '€');
    const evidence = Array.from({ length: 200 }, (_, n) => `item ${n}: ${'é'.repeat(50)} ✅`);
    const event = {
      ...wafEvent(4),
      analysis: { severity_rating: 4, security_analysis: analysis },
      agent: { evidence },
    };

    // Act
    const arn = await h.startIncident(event);
    const card = await h.waitForMessage(event.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const since = (await h.messages()).length;
    await h.command('U0APPROVER1', `incident ${id}`);
    const answers = await eventually(
      async () => {
        const all = (await h.messages()).slice(since).filter((m) => m.kind !== 'message');
        return unquoted(all, 'evidence in full').includes('item 199:') ? all : undefined;
      },
      20_000,
      100,
    );
    await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_deny', value: id, messageTs: card.ts });
    const done = await h.waitForExecution(arn);

    // Assess
    expect(textOf(card)).toMatch(/\+19\d more — full text/);
    const full = unquoted(answers, 'evidence in full');
    for (const item of [evidence[0]!, evidence[117]!, evidence[199]!]) expect(full).toContain(item);
    expect(unquoted(answers, "agent's reasoning").replace(/\n/g, '')).toContain(analysis.replace(/\n/g, ''));
    expect(done.status).toBe('SUCCEEDED');
  }, 90_000);

  it('the approval request cannot be delivered: a card saying so, the metric, ledger entries, and the workflow fails closed', async () => {
    // Prepare: SNS refuses the approval request (the actions topic, for the containment, still works).
    h.sandbox.sns.faults.set(`Publish@${APPROVALS_TOPIC}`, {
      error: 'InternalError',
      status: 500,
      message: 'SNS is down',
    });
    const event = wafEvent(5);

    // Act
    const arn = await h.startIncident(event);
    const done = await h.waitForExecution(arn);
    const notice = await h.waitForMessage(event.source_ip, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(notice);
    const ledger = await ledgerOf(id);
    const metrics = emitted.filter((l) => l.includes('ApprovalRequestsUndelivered'));
    const shown = (await h.messages()).find((m) => m.ts === notice.ts && m.channel === APPROVALS_CHANNEL)!;

    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output.containment).toMatchObject({ operation: 'contain', status: 'executed' });
    expect(done.output.approval).toMatchObject({ decision: 'deny', decidedBy: [] });
    expect(done.output.actionResult).toMatchObject({ operation: 'close', status: 'skipped' });
    expect(h.sandbox.sfn.events(arn).map((e) => (e as { state?: { name: string } }).state?.name)).toContain(
      'ApprovalFailedFailClosed',
    );
    expect(textOf(notice)).toContain('Approval request could not be delivered');
    expect(textOf(notice)).toContain('failed closed');
    expect(textOf(notice)).toContain('SNS is down');
    expect(textOf(shown)).toContain('stays in place');
    expect(actionIds(shown)).not.toContain('chainsec_approve');
    expect(ledger.map((e) => e.type)).toEqual(['incident_received', 'approval_undelivered', 'action_executed']);
    expect(ledger[1]).toMatchObject({ error: 'InternalError', fallback: 'fail_closed' });
    expect(metrics.length).toBeGreaterThan(0);
    expect(JSON.parse(metrics[0]!)._aws.CloudWatchMetrics[0].Namespace).toBe('ChainSecOps');
  }, 60_000);
});
