import { ingestRecord, ingestRecords } from '../../../src/app/ingestRecords';
import { type InboundRecord, planRecords } from '../../../src/app/planRecords';
import { buildDeps, notification, recordingProcess, txOf } from './ingestFixtures';
import { RecordingTelemetry } from '../../support/fakes/RecordingTelemetry';

const records = (bodies: string[]): InboundRecord[] => bodies.map((body, i) => ({ id: `m${i}`, source: 'sqs', body }));

describe('Function: planRecords', () => {
  it('puts refused records first, then valid ones most urgent first, in arrival order within a tier', () => {
    // Prepare
    const batch = records([
      notification('low-1', 'low'),
      '{"broken":',
      notification('crit-1', 'critical'),
      notification('untiered'),
      notification('high-1', 'high'),
      JSON.stringify({ hello: 'world' }),
      notification('crit-2', 'critical'),
      notification('low-2', 'low'),
      notification('med-1', 'medium'),
    ]);

    // Act
    const plan = planRecords(batch);

    // Assess
    expect(
      plan.map((p) => ('refused' in p ? `refused:${p.record.id}` : 'message' in p ? txOf(p.message) : 'findings')),
    ).toEqual(['refused:m1', 'refused:m5', 'crit-1', 'crit-2', 'high-1', 'untiered', 'med-1', 'low-1', 'low-2']);
  });
});

describe('Function: ingestRecords', () => {
  it('keeps refused records, runs the valid ones one at a time in urgency order, and reports retries', async () => {
    // Prepare
    const { deps, seen } = buildDeps();
    const batch = records([
      notification('low-1', 'low'),
      JSON.stringify({ kind: 'approval_request', taskToken: 'tok-1' }),
      notification('crit-1', 'critical'),
      notification('high-1', 'high'),
    ]);

    // Act
    const outcomes = await ingestRecords(deps, batch, recordingProcess(seen, new Set(['high-1'])));

    // Assess
    expect(seen.processed).toEqual(['crit-1', 'high-1', 'low-1']);
    expect(seen.maxConcurrent).toBe(1);
    expect(seen.kept.map((k) => k.code)).toEqual(['chainsec_invalid_input']);
    expect(seen.kept[0]?.payload).not.toContain('tok-1');
    expect(seen.failedTasks).toEqual(['tok-1']);
    expect(outcomes.map((o) => [o.id, o.status])).toEqual([
      ['m1', 'rejected'],
      ['m2', 'processed'],
      ['m3', 'retry'],
      ['m0', 'processed'],
    ]);
  });
});

describe('Function: ingestRecord', () => {
  it('asks for a retry when a refused record cannot be kept, rather than losing it', async () => {
    // Prepare
    const { deps, seen } = buildDeps({ keepFails: true });
    const [planned] = planRecords(records(['not json']));

    // Act
    const outcome = await ingestRecord(deps, planned!, recordingProcess(seen));

    // Assess
    expect(outcome).toEqual({ id: 'm0', status: 'retry', reason: 'store down' });
    expect(seen.processed).toEqual([]);
  });
});

describe('Function: ingestRecord, the same message in flight elsewhere', () => {
  it("retries a record another invocation is processing (the critical lane's copy), as information, not a failure", async () => {
    // Prepare
    const { deps, seen } = buildDeps();
    const telemetry = new RecordingTelemetry();
    deps.telemetry = telemetry;
    const [planned] = planRecords(records([notification('crit-1', 'critical')]));
    const inProgress = Object.assign(new Error('There is already an execution in progress'), {
      name: 'IdempotencyAlreadyInProgressError',
    });

    // Act
    const elsewhere = await ingestRecord(deps, planned!, async () => {
      throw inProgress;
    });
    const failed = await ingestRecord(deps, planned!, async () => {
      throw new Error('table down');
    });

    // Assess: both are retried (nothing lost); only the real failure counts as IngestRetries.
    expect([elsewhere.status, failed.status]).toEqual(['retry', 'retry']);
    expect(telemetry.count('IngestInFlightElsewhere')).toBe(1);
    expect(telemetry.count('IngestRetries')).toBe(1);
    expect(telemetry.messages('warn')).toEqual(['inbound record failed; will be retried']);
    expect(seen.processed).toEqual([]);
  });
});
