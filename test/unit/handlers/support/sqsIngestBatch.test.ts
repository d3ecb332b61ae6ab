import type { SQSEvent } from 'aws-lambda';
import type { InboundRecord } from '../../../../src/app/planRecords';
import { processSqsIngestBatch } from '../../../../src/handlers/support/sqsIngestBatch';
import { buildDeps, notification, recordingProcess } from '../../app/ingestFixtures';
import { ingestQueueEvent } from '../../../support/sqsEvents';

function sqsBatch(bodies: string[]): { event: SQSEvent; records: InboundRecord[] } {
  const event = ingestQueueEvent(bodies);
  return { event, records: bodies.map((body, i) => ({ id: `m${i}`, source: 'sqs', body })) };
}

describe('Function: processSqsIngestBatch', () => {
  it('runs the records one at a time, most urgent first, though Powertools defaults to parallel', async () => {
    // Prepare
    const { deps, seen } = buildDeps();
    const { event, records } = sqsBatch([
      notification('low-1', 'low'),
      notification('med-1', 'medium'),
      '{"broken":',
      notification('crit-1', 'critical'),
      notification('high-1', 'high'),
      notification('crit-2', 'critical'),
    ]);

    // Act
    const out = await processSqsIngestBatch(deps, event, records, recordingProcess(seen));

    // Assess
    expect(out).toEqual({ batchItemFailures: [] });
    expect(seen.processed).toEqual(['crit-1', 'crit-2', 'high-1', 'med-1', 'low-1']);
    expect(seen.maxConcurrent).toBe(1);
    expect(seen.kept.map((k) => k.code)).toEqual(['chainsec_invalid_input']);
  });

  it('reports only the records a retry can fix as batch item failures', async () => {
    // Prepare
    const { deps, seen } = buildDeps();
    const { event, records } = sqsBatch([
      notification('low-1', 'low'),
      notification('crit-1', 'critical'),
      JSON.stringify({ hello: 'world' }),
      notification('high-1', 'high'),
    ]);

    // Act
    const out = await processSqsIngestBatch(deps, event, records, recordingProcess(seen, new Set(['crit-1', 'low-1'])));

    // Assess
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m0', 'm1']);
    expect(seen.processed).toEqual(['crit-1', 'high-1', 'low-1']);
  });

  it('answers a batch where every record failed with every record, without throwing', async () => {
    // Prepare
    const { deps, seen } = buildDeps({ keepFails: true });
    const { event, records } = sqsBatch(['not json', notification('high-1', 'high')]);

    // Act
    const out = await processSqsIngestBatch(deps, event, records, recordingProcess(seen, new Set(['high-1'])));

    // Assess
    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m0', 'm1']);
  });
});
