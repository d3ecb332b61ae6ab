import { classifyInput, type ClassifiedState } from '../../../src/app/classifyEvent';
import { ingestMessage } from '../../../src/app/ingestMessage';
import { ingestRecords } from '../../../src/app/ingestRecords';
import { parseInbound } from '../../../src/app/parseInbound';
import { runAction } from '../../../src/app/runAction';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { RecordingNotifier } from '../../support/fakes/RecordingNotifier';
import {
  asffFinding,
  guardDutyCredentialExfiltration,
  guardDutySshBruteForce,
  ocsfFinding,
  securityHubImported,
  securityHubImportedV2,
} from '../../../sandbox/samples/findingEvents';

/**
 * Detector findings through the two ways in: the workflow (Classify, then the
 * approval request its `waitForTaskToken` task publishes, as the ASL builds
 * it) and the ingest queue (an EventBridge event, split per finding).
 */

/** The approval request the ASL's RequestApproval task publishes from Classify's state. */
function approvalRequest(state: ClassifiedState, taskToken: string): string {
  return JSON.stringify({
    kind: 'approval_request',
    taskToken,
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:chainsec:${taskToken}`,
    incident: state.incident,
    tier: state.tier,
    proposedAction: state.proposedAction,
    reasoning: state.reasoning,
    evidence: state.evidence,
    fullText: state.fullText,
    requestedBy: state.requestedBy,
    dryRun: state.dryRun,
  });
}

async function classified(f: ReturnType<typeof fakeAppDeps>, event: unknown): Promise<ClassifiedState> {
  const state = await classifyInput(f.deps, { event, executionArn: 'arn:exec' });
  if ('ignored' in state && state.ignored) throw new Error(`ignored: ${state.reason}`);
  return state as ClassifiedState;
}

const cardText = (f: ReturnType<typeof fakeAppDeps>) => JSON.stringify(f.slack.callsOf('post')[0]?.message.blocks);

describe('GuardDuty findings through the workflow', () => {
  it('a high access-key finding gets an approval card proposing deactivate_access_key on the key', async () => {
    // Arrange
    const f = fakeAppDeps();

    // Act
    const state = await classified(f, guardDutyCredentialExfiltration());
    const outcome = await ingestMessage(f.deps, parseInbound(approvalRequest(state, 'token-1')), 'own_workflow');

    // Assess
    expect(state.tier).toBe('high');
    expect(state.proposedAction).toEqual({
      type: 'deactivate_access_key',
      target: 'ASIASZ4SI7REEEXAMPLE',
      reversible: true,
    });
    expect(state.reasoning).toContain('rollback: reactivate the access key');
    expect(outcome.kind).toBe('created');
    const card = cardText(f);
    for (const shown of [
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      '123456789012',
      'us-east-1',
      'ASIASZ4SI7REEEXAMPLE',
      'GeneratedFindingUserName',
      '203.0.113.7',
    ])
      expect(card).toContain(shown);
    expect(card).toContain('deactivate_access_key');
  });

  it.each([
    [2, 'low'],
    [5, 'medium'],
    [8, 'high'],
    [9.5, 'critical'],
  ])('severity %s routes as %s; a critical EC2 finding proposes isolate_instance', async (severity, tier) => {
    const f = fakeAppDeps();
    const state = await classified(f, guardDutySshBruteForce({ severity }));
    expect(state.tier).toBe(tier);
    expect(state.proposedAction).toEqual({ type: 'isolate_instance', target: 'i-99999999', reversible: true });
    expect(state.containmentAction).toEqual(state.proposedAction);
  });

  it('a sample finding says SAMPLE on its card', async () => {
    const f = fakeAppDeps();
    const state = await classified(f, guardDutySshBruteForce({ severity: 8 }));
    await ingestMessage(f.deps, parseInbound(approvalRequest(state, 'token-1')), 'own_workflow');
    expect(cardText(f)).toContain('SAMPLE');
  });

  it('a re-emitted finding (same id, higher count) updates its card and thread, never a second card or waiting workflow', async () => {
    // Arrange
    const f = fakeAppDeps();
    const first = await classified(f, guardDutyCredentialExfiltration());
    await ingestMessage(f.deps, parseInbound(approvalRequest(first, 'token-1')), 'own_workflow');

    // Act
    const again = await classified(
      f,
      guardDutyCredentialExfiltration({}, { count: 7, eventLastSeen: '2026-11-30T10:45:00.000Z' }),
    );
    const outcome = await ingestMessage(f.deps, parseInbound(approvalRequest(again, 'token-2')), 'own_workflow');
    const replay = await ingestMessage(f.deps, parseInbound(approvalRequest(again, 'token-3')), 'own_workflow');

    // Assess
    expect(again.incident.id).toBe(first.incident.id);
    expect(outcome).toEqual({ kind: 'updated', incidentId: first.incident.id, count: 7 });
    const posts = f.slack.callsOf('post');
    expect(posts.filter((p) => p.threadTs === undefined)).toHaveLength(1);
    expect(posts.filter((p) => p.threadTs !== undefined).map((p) => p.message.text)).toEqual([
      expect.stringContaining('count 7 (was 1)'),
    ]);
    const updates = f.slack.callsOf('update');
    expect(JSON.stringify(updates.at(-1)?.message.blocks)).toContain('*Seen*\\n7 times');
    expect(f.workflow.failed.map((x) => x.taskToken)).toEqual(['token-2', 'token-3']);
    expect(f.workflow.failed[0]?.error).toBe('chainsec.DuplicateRequest');
    expect(replay.kind).toBe('superseded');
    expect(f.telemetry.count('FindingsFolded')).toBe(1);
    const stored = await f.deps.incidents.get(first.incident.id);
    expect(stored?.record.incident.kind === 'finding' && stored.record.incident.finding.count).toBe(7);
  });

  it('an archived finding wakes nobody: Classify answers ignored, with a metric', async () => {
    const f = fakeAppDeps();
    const state = await classifyInput(f.deps, { event: guardDutySshBruteForce({ severity: 9 }, { archived: true }) });
    expect(state).toEqual({ ignored: true, reason: expect.stringContaining('archived') });
    expect(f.telemetry.count('FindingsIgnored_archived')).toBe(1);
  });

  it('a malformed finding is kept in the rejected store with a coded error naming the field, and fails Classify', async () => {
    const f = fakeAppDeps();
    await expect(classifyInput(f.deps, { event: guardDutySshBruteForce({ severity: 'HIGH' }) })).rejects.toMatchObject({
      code: 'chainsec_invalid_input',
      message: expect.stringContaining('detail.severity'),
    });
    expect(f.storage.ports.rejected.kept).toHaveLength(1);
    expect(f.storage.ports.rejected.kept[0]).toMatchObject({
      code: 'chainsec_invalid_input',
      reason: expect.stringContaining('detail.severity'),
    });
    expect(f.telemetry.count('RejectedPayloads')).toBe(1);
  });
});

describe('Security Hub findings', () => {
  it('an OCSF public-access control on a bucket (CloudFormation-style type): high, proposes block_public_access on it', async () => {
    const f = fakeAppDeps();
    const state = await classified(
      f,
      securityHubImportedV2([
        ocsfFinding({
          compliance: { control: 'S3.8', status: 'Failed' },
          resources: [{ type: 'AWS::S3::Bucket', uid: 'arn:aws:s3:::example-bucket', region: 'us-east-1' }],
        }),
      ]),
    );
    await ingestMessage(f.deps, parseInbound(approvalRequest(state, 'token-1')), 'own_workflow');
    expect(state.tier).toBe('high');
    expect(state.proposedAction).toEqual({ type: 'block_public_access', target: 'example-bucket', reversible: true });
    expect(cardText(f)).toContain('S3 bucket example-bucket allows public read');
  });

  it('a resolved ASFF finding wakes nobody', async () => {
    const f = fakeAppDeps();
    const state = await classifyInput(f.deps, {
      event: securityHubImported([asffFinding({ Workflow: { Status: 'RESOLVED' } })]),
    });
    expect(state).toMatchObject({ ignored: true });
    expect(f.telemetry.count('FindingsIgnored_resolved')).toBe(1);
  });

  it('an event with several findings through the ingest path: one incident per good finding, the bad one kept and announced, the resolved one ignored', async () => {
    // Arrange
    const f = fakeAppDeps();
    const event = securityHubImported([
      asffFinding({ Id: 'finding-critical', Severity: { Label: 'CRITICAL' } }),
      asffFinding({ Id: 'finding-bad', Resources: 'i-123' }),
      asffFinding({ Id: 'finding-resolved', Workflow: { Status: 'RESOLVED' } }),
      asffFinding({ Id: 'finding-medium', Severity: { Label: 'MEDIUM' } }),
    ]);

    // Act
    const outcomes = await ingestRecords(
      f.deps,
      [{ id: 'evt-1', source: 'eventbridge', body: JSON.stringify(event), delivery: 'detector_rule' }],
      (m, _body, delivery) => ingestMessage(f.deps, m, delivery),
    );

    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ id: 'evt-1', status: 'processed' })]);
    const posts = f.slack.callsOf('post').filter((p) => p.threadTs === undefined);
    const notices = posts.filter((p) => p.message.text.includes('could not be shown for a decision'));
    expect(posts.length - notices.length).toBe(2);
    // The bad finding was HIGH by its label: people hear that it arrived and why it was not carded.
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message.text).toContain('finding-bad');
    expect(f.storage.ports.rejected.kept).toHaveLength(1);
    expect(f.storage.ports.rejected.kept[0]).toMatchObject({
      code: 'chainsec_invalid_input',
      reason: expect.stringContaining('detail.findings[1].Resources'),
    });
    expect(f.telemetry.count('RejectedFindings')).toBe(1);
    expect(f.telemetry.count('FindingsIgnored_resolved')).toBe(1);
  });

  it('the same finding delivered again through ingest folds: one card, one thread line', async () => {
    const f = fakeAppDeps();
    const run = (event: unknown, id: string) =>
      ingestRecords(
        f.deps,
        [{ id, source: 'eventbridge', body: JSON.stringify(event), delivery: 'detector_rule' }],
        (m, _body, delivery) => ingestMessage(f.deps, m, delivery),
      );
    await run(guardDutySshBruteForce({ severity: 5 }), 'e1');
    await run(guardDutySshBruteForce({ severity: 5 }, { count: 3 }), 'e2');
    const posts = f.slack.callsOf('post');
    expect(posts.filter((p) => p.threadTs === undefined)).toHaveLength(1);
    expect(posts.filter((p) => p.threadTs !== undefined)).toHaveLength(1);
  });

  it('several findings in one workflow input: the most urgent is handled, the malformed one kept, the rest kept (not dropped)', async () => {
    const f = fakeAppDeps();
    const state = await classified(
      f,
      securityHubImported([
        asffFinding({ Id: 'm', Severity: { Label: 'MEDIUM' } }),
        asffFinding({ Id: 'bad', Title: 7 }),
        asffFinding({ Id: 'c', Severity: { Label: 'CRITICAL' } }),
      ]),
    );
    expect(state.tier).toBe('critical');
    expect(state.incident.kind === 'finding' && state.incident.finding.findingId).toBe('c');
    expect(f.storage.ports.rejected.kept.map((k) => k.reason)).toEqual([
      expect.stringContaining('detail.findings[1].Title'),
      expect.stringContaining('finding m: more than one finding'),
    ]);
  });
});

describe('findings past the ones read one by one', () => {
  /** 103 medium findings; the first high. */
  const manyFindings = () =>
    securityHubImported(
      Array.from({ length: 103 }, (_, i) =>
        asffFinding({ Id: `many-${i}`, Severity: { Label: i === 0 ? 'HIGH' : 'MEDIUM' } }),
      ),
    );

  it('in a workflow input: the 3 past the first 100 are kept as one rejection and counted, each of them', async () => {
    // Prepare
    const f = fakeAppDeps();

    // Act
    const state = await classified(f, manyFindings());

    // Assess
    expect(state.incident.kind === 'finding' && state.incident.finding.findingId).toBe('many-0');
    const past = f.storage.ports.rejected.kept.filter((k) => k.reason.includes('past the first 100'));
    expect(past).toHaveLength(1);
    expect(past[0]!.reason).toContain('3 findings past the first 100 of one event (detail.findings[100..102])');
    for (const id of ['many-100', 'many-101', 'many-102']) expect(past[0]!.payload).toContain(`"${id}"`);
    expect(f.telemetry.count('FindingsPastLimit')).toBe(3);
    expect(f.telemetry.count('RejectedFindings')).toBe(3);
    expect(f.telemetry.count('FindingsNotHandled')).toBe(99);
  });

  it('through the ingest path: 100 incidents, the 3 past them kept as one rejection and counted', async () => {
    // Prepare
    const f = fakeAppDeps();

    // Act
    await ingestRecords(
      f.deps,
      [{ id: 'evt-many', source: 'eventbridge', body: JSON.stringify(manyFindings()), delivery: 'detector_rule' }],
      (m, _body, delivery) => ingestMessage(f.deps, m, delivery),
    );

    // Assess
    const past = f.storage.ports.rejected.kept.filter((k) => k.reason.includes('past the first 100'));
    expect(past).toHaveLength(1);
    expect(past[0]!.payload).toContain('"many-102"');
    expect(f.telemetry.count('FindingsPastLimit')).toBe(3);
  });
});

describe('actions of findings', () => {
  it('"investigate" (an unknown family) asks no executor to do anything', async () => {
    const notifier = new RecordingNotifier();
    const f = fakeAppDeps({ notifier });
    const state = await classified(
      f,
      guardDutySshBruteForce(
        { severity: 9.5, resource: { resourceType: 'Lambda' } },
        { action: {}, additionalInfo: {} },
      ),
    );
    expect(state.proposedAction.type).toBe('investigate');
    const result = await runAction(f.deps, {
      operation: 'contain',
      incident: state.incident,
      action: state.containmentAction,
      dryRun: false,
    });
    expect(result).toMatchObject({ status: 'skipped', detail: 'investigate: no action runs' });
    expect(notifier.published).toEqual([]);
  });

  it('a catalogued action goes to the executors on the actions topic', async () => {
    const notifier = new RecordingNotifier();
    const f = fakeAppDeps({ notifier });
    const state = await classified(f, guardDutySshBruteForce({ severity: 9.5 }, { additionalInfo: {} }));
    const result = await runAction(f.deps, {
      operation: 'contain',
      incident: state.incident,
      action: state.containmentAction,
      dryRun: false,
    });
    expect(result.status).toBe('executed');
    expect(notifier.published).toEqual([expect.objectContaining({ type: 'isolate_instance', target: 'i-99999999' })]);
  });

  it('a sample finding is never sent to the executors: containment and an approved execute are both skipped', async () => {
    const notifier = new RecordingNotifier();
    const f = fakeAppDeps({ notifier });
    // What "Generate sample findings" makes: service.additionalInfo.sample is true.
    const state = await classified(f, guardDutySshBruteForce({ severity: 9.5 }, { additionalInfo: { sample: true } }));
    const results = [];
    for (const operation of ['contain', 'execute', 'rollback'] as const)
      results.push(
        await runAction(f.deps, {
          operation,
          incident: state.incident,
          action: state.proposedAction,
          approval: { decision: 'approve', decidedBy: ['U1'], receipt: { any: 'receipt' } },
          dryRun: false,
        }),
      );
    expect(results.map((r) => [r.status, r.detail])).toEqual([
      ['skipped', 'sample finding: no action runs'],
      ['skipped', 'sample finding: no action runs'],
      ['skipped', 'sample finding: no action runs'],
    ]);
    expect(notifier.published).toEqual([]);
  });
});
