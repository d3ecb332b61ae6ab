import { deliverDecision } from '../../../src/app/deliverDecision';
import { WorkflowUnavailableError } from '../../../src/errors';
import { DeliveryStatus, IncidentStatus, type IncidentRecord } from '../../../src/domain/incidentRecord';
import { LedgerEntryType } from '../../../src/domain/ledger';
import { fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval, TASK_TOKEN } from '../../support/fakes/seeds';
import type { ExecutionStatus } from '../../../src/services/WorkflowGateway';

describe('Function: deliverDecision', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const decisionHash = 'd'.repeat(64);
  let f: FakeAppDeps;
  beforeEach(() => {
    f = fakeAppDeps({ now });
  });

  /** A decision signed and stored, not yet delivered. */
  const decided: Partial<IncidentRecord> = {
    status: IncidentStatus.Decided,
    decision: 'approve',
    decidedBy: ['U0APPROVER1'],
    decidedAt: now.toISOString(),
    decisionHash,
    delivery: DeliveryStatus.Pending,
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:chainsec:1',
    ledgerSeq: 2,
  };

  it('resumes the workflow with the decision, marks it delivered and updates the card', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, decided);

    // Act
    const outcome = await deliverDecision(f.deps, record.incident.id);

    // Assess
    expect(outcome).toBe('delivered');
    expect(f.workflow.resumed).toEqual([
      {
        taskToken: TASK_TOKEN,
        output: {
          decision: 'approve',
          decidedBy: ['U0APPROVER1'],
          decidedAt: now.toISOString(),
          incidentId: record.incident.id,
          ledgerHash: decisionHash,
          dryRun: false,
          receipt: expect.objectContaining({
            incidentId: record.incident.id,
            decision: 'approve',
            ledgerHash: decisionHash,
          }),
        },
      },
    ]);
    expect(f.storage.table.peek(record.incident.id)!.record.delivery).toBe(DeliveryStatus.Delivered);
    expect(f.slack.callsOf('update')).toHaveLength(1);
  });

  it('has nothing to deliver for a pending request or one delivered already', async () => {
    // Prepare
    const pending = seedApproval(f.storage, now);
    const delivered = seedApproval(f.storage, now, { ...decided, delivery: DeliveryStatus.Delivered });

    // Act
    const outcomes = [
      await deliverDecision(f.deps, pending.record.incident.id),
      await deliverDecision(f.deps, delivered.record.incident.id),
    ];

    // Assess
    expect(outcomes).toEqual(['nothing_to_deliver', 'nothing_to_deliver']);
    expect(f.workflow.resumed).toEqual([]);
  });

  it('leaves the delivery to the sweep when Step Functions is unavailable, the card showing the decision', async () => {
    // Prepare
    const { record } = seedApproval(f.storage, now, decided);
    f.workflow.faults.fail('resume', new WorkflowUnavailableError('throttled'));

    // Act
    const outcome = await deliverDecision(f.deps, record.incident.id);

    // Assess
    expect(outcome).toBe('retry_later');
    expect(f.storage.table.peek(record.incident.id)!.record.delivery).toBe(DeliveryStatus.Pending);
    expect(f.slack.callsOf('update')).toHaveLength(1);
  });

  /** Delivers the seeded decision after its task token expired, the execution being `execution`. */
  async function deliverAfterTokenExpired(execution: { status: ExecutionStatus; output?: unknown }) {
    const { record } = seedApproval(f.storage, now, decided);
    f.workflow.expireToken(TASK_TOKEN);
    f.workflow.executions.set(decided.executionArn!, execution);
    return { record, outcome: await deliverDecision(f.deps, record.incident.id) };
  }

  it.each([
    {
      when: 'recognises an earlier resume that got through before a crash (its output cites the decision)',
      execution: { status: 'SUCCEEDED' as const, output: { approval: { ledgerHash: decisionHash } } },
      expected: 'already_delivered',
      delivery: DeliveryStatus.Delivered,
    },
    {
      when: 'asks again later while the execution still runs',
      execution: { status: 'RUNNING' as const },
      expected: 'retry_later',
      delivery: DeliveryStatus.Pending,
    },
  ])('token expired: $when', async ({ execution, expected, delivery }) => {
    // Act
    const { record, outcome } = await deliverAfterTokenExpired(execution);

    // Assess
    expect(outcome).toBe(expected);
    expect(f.storage.table.peek(record.incident.id)!.record.delivery).toBe(delivery);
  });

  it('records a signed expiry when the workflow timed out before it heard the decision', async () => {
    // Act
    const { record, outcome } = await deliverAfterTokenExpired({ status: 'TIMED_OUT' });

    // Assess
    expect(outcome).toBe('token_gone');
    const stored = f.storage.table.peek(record.incident.id)!.record;
    expect(stored).toMatchObject({ status: IncidentStatus.Expired, delivery: DeliveryStatus.TokenGone, ledgerSeq: 3 });
    const [expiry] = f.storage.table.published(record.incident.id);
    expect(expiry).toMatchObject({ type: LedgerEntryType.Expiry, seq: 3, decisionNotDelivered: 'approve' });
    expect(f.telemetry.count('Expiries')).toBe(1);
  });

  it('uses what the click path just committed, without reading it again', async () => {
    // Prepare
    const justCommitted = seedApproval(f.storage, now, decided);
    f.storage.table.faults.fail('incidents.get', new Error('should not read'));

    // Act
    const outcome = await deliverDecision(f.deps, justCommitted.record.incident.id, { stored: justCommitted });

    // Assess
    expect(outcome).toBe('delivered');
    expect(f.slack.callsOf('update')).toHaveLength(1);
  });
});
