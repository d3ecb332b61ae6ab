import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  giveUpRecord,
  INGEST_MAX_RECEIVES,
  ingestRecord,
  type IngestRecordsDeps,
  type ProcessMessage,
  type RecordOutcome,
} from '../../app/ingestRecords';
import { type InboundRecord, type PlannedRecord, planRecords } from '../../app/planRecords';
import { IngestRetryError } from '../../errors';

/**
 * Runs an SQS batch through Powertools' {@link BatchProcessor}, which reports
 * the records to redeliver as `batchItemFailures` (partial batch response).
 *
 * Order: Powertools runs records in parallel by default. Here the batch is
 * handed to it already in {@link planRecords} order (refused records first,
 * then critical before low) with `processInParallel: false`, so records run
 * one at a time in that order, as the Slack rate limit needs.
 *
 * A batch where every record failed is answered with every record as a
 * failure (`throwOnFullBatchFailure: false`) rather than thrown: SQS
 * redelivers the same records either way, and the IngestErrors alarm
 * (template.yaml) stays for the function itself failing; records that wait
 * for a retry show as the IngestRetries metric, then in the dead-letter queue's alarm.
 *
 * @param records the batch's records as {@link InboundRecord}s, one per SQS record, ids = `messageId`s
 */
export async function processSqsIngestBatch(
  deps: IngestRecordsDeps,
  event: SQSEvent,
  records: readonly InboundRecord[],
  process: ProcessMessage,
  context?: Context,
): Promise<SQSBatchResponse> {
  const byId = new Map(event.Records.map((r) => [r.messageId, r]));
  const plan = new Map<string, PlannedRecord>();
  const ordered: SQSRecord[] = [];
  for (const planned of planRecords(records, deps.config?.risk.findings, deps.config?.mcp?.agents)) {
    const sqs = byId.get(planned.record.id);
    if (!sqs) throw new Error(`no SQS record with messageId ${planned.record.id}`);
    plan.set(sqs.messageId, planned);
    ordered.push(sqs);
  }
  const runOne = async (record: SQSRecord): Promise<RecordOutcome> => {
    const planned = plan.get(record.messageId);
    if (!planned) throw new Error(`no planned record for messageId ${record.messageId}`);
    const outcome = await ingestRecord(deps, planned, process);
    if (outcome.status === 'retry') {
      // The last receive before the dead-letter queue: fail the waiting task and page now, not at its timeout.
      if (!outcome.inFlight && Number(record.attributes.ApproximateReceiveCount) >= INGEST_MAX_RECEIVES)
        await giveUpRecord(deps, planned, outcome.reason).catch((e: unknown) =>
          deps.telemetry.error('giving up a record failed', { recordId: outcome.id, error: (e as Error).message }),
        );
      throw new IngestRetryError(outcome.reason, { recordId: outcome.id });
    }
    return outcome;
  };
  return processPartialResponse({ Records: ordered }, runOne, new BatchProcessor(EventType.SQS), {
    processInParallel: false,
    throwOnFullBatchFailure: false,
    ...(context && { context }),
  });
}
