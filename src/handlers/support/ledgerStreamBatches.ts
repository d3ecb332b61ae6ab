import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { AppDeps } from '../../app/deps';
import { feedLedger, publishOutbox } from '../../app/ledgerStreams';
import type { LedgerEntry } from '../../domain/ledger';
import { StreamRecordInvalidError } from '../../errors';
import { incidentIdOfKey } from '../../services/dynamodb/tableLayout';
import type { LedgerFeed } from '../../services/LedgerFeed';

/**
 * The incident a stream record of the incidents table is about, or undefined
 * for another kind of item (the mapping's filter lets only incidents through).
 * @throws StreamRecordInvalidError when the record has no string key
 */
export function incidentIdOf(record: DynamoDBRecord): string | undefined {
  const pk = record.dynamodb?.Keys?.pk?.S;
  const sk = record.dynamodb?.Keys?.sk?.S;
  if (pk === undefined || sk === undefined) {
    throw new StreamRecordInvalidError('no pk/sk key', {
      eventID: record.eventID,
      sequenceNumber: record.dynamodb?.SequenceNumber,
    });
  }
  return incidentIdOfKey(pk, sk);
}

/**
 * The ledger entry a stream record of the ledger table carries (`entry`, the
 * exact JSON that was hashed).
 * @throws StreamRecordInvalidError when the image has no entry, or it is not an entry's JSON
 */
export function ledgerEntryOf(record: DynamoDBRecord): LedgerEntry {
  const json = record.dynamodb?.NewImage?.entry?.S;
  const details = { eventID: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber };
  if (json === undefined) throw new StreamRecordInvalidError('no entry in the new image', details);
  let entry: Partial<LedgerEntry>;
  try {
    entry = JSON.parse(json) as Partial<LedgerEntry>;
  } catch (e) {
    throw new StreamRecordInvalidError('entry is not JSON', details, { cause: e });
  }
  if (typeof entry?.incidentId !== 'string' || typeof entry.seq !== 'number' || typeof entry.hash !== 'string') {
    throw new StreamRecordInvalidError('entry has no incidentId, seq or hash', details);
  }
  return entry as LedgerEntry;
}

/**
 * Powertools' options for both streams. Records run one at a time (a
 * shard's order; two records of one incident in a batch: the second finds
 * nothing left). A failed record is reported by its sequence number; Lambda
 * retries from the lowest one reported (the records after it too, which is
 * harmless: publishing and the feed are idempotent per place / at-least-once).
 * A batch where every record failed throws, which is a function error: the
 * mapping then bisects the batch (BisectBatchOnFunctionError) to isolate a
 * poison record, and past its retries sends the batch's description to its
 * on-failure queue (template.yaml, LedgerStreamsDLQ).
 */
function options(context: Context | undefined) {
  return { processInParallel: false, throwOnFullBatchFailure: true, ...(context && { context }) } as const;
}

/**
 * The outbox publisher: each record of the incidents table's stream (filtered
 * to incident items holding `unpublishedEntries`) publishes that incident's
 * outbox now. A failure leaves the entries in the outbox (the sweep publishes
 * them within a minute once the cause is gone).
 */
export function publishFromStream(
  deps: Pick<AppDeps, 'outbox' | 'telemetry'>,
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse> {
  const runOne = async (record: DynamoDBRecord): Promise<number> => {
    const incidentId = incidentIdOf(record);
    return incidentId === undefined ? 0 : publishOutbox(deps, incidentId);
  };
  return processPartialResponse(event, runOne, new BatchProcessor(EventType.DynamoDBStreams), options(context));
}

/**
 * The SIEM feed: each INSERT in the ledger table's stream (an entry that has
 * just filled its free place: once per entry, whoever published it) goes to
 * the feed.
 */
export function feedFromStream(
  deps: { feed: LedgerFeed } & Pick<AppDeps, 'telemetry'>,
  event: DynamoDBStreamEvent,
  context?: Context,
): Promise<DynamoDBBatchResponse> {
  const runOne = async (record: DynamoDBRecord): Promise<void> => {
    if (record.eventName !== 'INSERT') return;
    await feedLedger(deps, [ledgerEntryOf(record)]);
  };
  return processPartialResponse(event, runOne, new BatchProcessor(EventType.DynamoDBStreams), options(context));
}
