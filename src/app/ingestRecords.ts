import type { InboundMessage } from '../domain/messages';
import type { Delivery } from '../domain/origin';
import { ChainsecError, ErrorCode, InvalidInputError } from '../errors';
import { findingIncident } from '../domain/incident';
import type { FindingOutcome } from '../domain/sources';
import type { AppDeps } from './deps';
import { countUnknownResource } from './findingMetrics';
import type { IngestOutcome } from './ingestOutcome';
import { type InboundRecord, type PlannedRecord, planRecords } from './planRecords';
import { rejectedRecord, salvageTaskToken } from './parseInbound';
import { INVALID_REQUEST_ERROR, NOT_STORED_ERROR } from './taskErrors';
import { announceRefusals, findingRefusal, refusalsOfText, type Refusal } from './refusals';

/**
 * What running inbound records needs around processing them: the rejected
 * store, the workflow (to fail a refused request's task) and what announcing
 * a refusal needs.
 */
export type IngestRecordsDeps = Pick<
  AppDeps,
  'config' | 'clock' | 'slack' | 'sideDocs' | 'telemetry' | 'rejected' | 'workflow'
>;

/** Powertools idempotency's error for a message another invocation is processing right now. */
const IN_PROGRESS_ELSEWHERE = 'IdempotencyAlreadyInProgressError';

export type RecordOutcome =
  | { id: string; status: 'processed'; outcome: IngestOutcome }
  | { id: string; status: 'rejected'; code: string; reason: string }
  /** `inFlight`: another invocation is processing the same message right now (not a failure of its own). */
  | { id: string; status: 'retry'; reason: string; inFlight?: true }
  | { id: string; status: 'ignored' };

/** Runs one valid message (the handler wraps this with Powertools idempotency). */
export type ProcessMessage = (message: InboundMessage, body: string, delivery: Delivery) => Promise<IngestOutcome>;

/**
 * Runs one planned record. A refused record is kept for inspection, an
 * invalid approval request fails its workflow task closed at once, and what
 * needed people is announced in the channel and paged (once); a valid one is
 * processed. Never throws: a failure that a redelivery can fix (including
 * failing to keep a refused record, which must not be lost) comes back as
 * `retry`.
 */
export async function ingestRecord(
  deps: IngestRecordsDeps,
  planned: PlannedRecord,
  process: ProcessMessage,
): Promise<RecordOutcome> {
  const { record } = planned;
  // This record's lines name it; the incident is named once known (the previous record's is dropped).
  deps.telemetry.addLogKeys({ recordId: record.id, incidentId: undefined });
  if ('refused' in planned) return keepRefused(deps, record, planned.refused, planned.refusals);
  if ('findings' in planned) return ingestFindings(deps, record, planned.findings, process);
  try {
    return {
      id: record.id,
      status: 'processed',
      outcome: await process(planned.message, record.body, record.delivery ?? 'public'),
    };
  } catch (e) {
    const error = e as Error;
    const extra = { recordId: record.id, error: error.message, name: error.name };
    if (error.name === IN_PROGRESS_ELSEWHERE) {
      // Expected: a critical request's two copies (both lanes) or an SQS redelivery meet. The retry is answered
      // from the first one's stored result; only a retry that keeps failing is news (IngestRetries, then the DLQ).
      deps.telemetry.info('same message in flight in another invocation; retried to read its result', extra);
      deps.telemetry.metric('IngestInFlightElsewhere');
    } else {
      deps.telemetry.warn('inbound record failed; will be retried', extra);
      deps.telemetry.metric('IngestRetries');
    }
    return {
      id: record.id,
      status: 'retry',
      reason: error.message,
      ...(error.name === IN_PROGRESS_ELSEWHERE && { inFlight: true as const }),
    };
  }
}

/**
 * Keeps a refused record for inspection, fails its workflow task closed when
 * it carries one, and announces what needed people. A failure to keep or
 * announce it comes back as `retry`: it must not be lost.
 */
async function keepRefused(
  deps: IngestRecordsDeps,
  record: InboundRecord,
  e: unknown,
  refusals: Refusal[] | undefined,
): Promise<RecordOutcome> {
  const reason = (e as Error).message;
  const code = e instanceof ChainsecError ? e.code : ErrorCode.InvalidInput;
  deps.telemetry.error('inbound record rejected', { recordId: record.id, source: record.source, code, reason });
  deps.telemetry.metric('RejectedPayloads');
  try {
    await deps.rejected.keep(rejectedRecord(record.source, record.body, e, deps.clock.now()));
    const token = salvageTaskToken(record.body);
    if (token) {
      await deps.workflow.fail(token, INVALID_REQUEST_ERROR, reason.slice(0, 1000)).catch(() => undefined);
    }
    await announceRefusals(
      deps,
      refusals ?? refusalsOfText(record.body, reason, deps, token ? INVALID_REQUEST_ERROR : undefined),
    );
    return { id: record.id, status: 'rejected', code, reason };
  } catch (keepError) {
    // Could not keep it or announce it: let the queue redeliver (and dead-letter) it rather than lose it.
    return { id: record.id, status: 'retry', reason: (keepError as Error).message };
  }
}

/** Receives after which the ingest queues move a record to their dead-letter queue (`maxReceiveCount` in template.yaml). */
export const INGEST_MAX_RECEIVES = 5;

/**
 * The last attempt at a valid record that could not be stored or shown (its
 * retries are spent; the queue dead-letters it next): an approval request's
 * task is failed at once with a coded error rather than left to its timeout,
 * and what needed people is announced in the channel and paged, once.
 */
export async function giveUpRecord(deps: IngestRecordsDeps, planned: PlannedRecord, reason: string): Promise<void> {
  if (!('message' in planned)) return;
  const { message, record } = planned;
  const why = `it could not be stored or shown after ${INGEST_MAX_RECEIVES} attempts: ${reason}`;
  deps.telemetry.error('inbound record given up after its retries', { recordId: record.id, reason });
  deps.telemetry.metric('IngestGivenUp');
  const token = message.kind === 'approval_request' ? message.taskToken : undefined;
  if (token) await deps.workflow.fail(token, NOT_STORED_ERROR, why.slice(0, 1000)).catch(() => undefined);
  await announceRefusals(deps, refusalsOfText(record.body, why, deps, token ? NOT_STORED_ERROR : undefined));
}

/**
 * Processes a batch: bad records are kept for inspection without stopping the
 * rest; valid ones run most urgent first, one at a time ({@link planRecords});
 * failures that a retry can fix are reported back as `retry`, so only those
 * records are redelivered. The SQS handler runs the same plan through
 * Powertools' batch processor instead (see `src/handlers/ingest.ts`).
 */
export async function ingestRecords(
  deps: IngestRecordsDeps,
  records: readonly InboundRecord[],
  process: ProcessMessage,
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (const planned of planRecords(records, deps.config?.risk.findings, deps.config?.mcp?.agents))
    outcomes.push(await ingestRecord(deps, planned, process));
  return outcomes;
}

/**
 * Ingests each finding of a detector's event as its own incident: a bad
 * finding is kept in the rejected store (coded, naming the field, with a
 * metric) and the others still run; an ignored one (archived, resolved,
 * suppressed, an unread detail-type) counts a metric. A failure a retry can
 * fix retries the whole record (the findings already done fold as duplicates).
 */
async function ingestFindings(
  deps: IngestRecordsDeps,
  record: InboundRecord,
  findings: FindingOutcome[],
  process: ProcessMessage,
): Promise<RecordOutcome> {
  let last: RecordOutcome | undefined;
  for (const [i, f] of findings.entries()) {
    if (f.kind === 'ignored') {
      deps.telemetry.info('finding ignored', { recordId: record.id, reason: f.reason });
      deps.telemetry.metric(f.metric);
      continue;
    }
    if (f.kind === 'rejected') {
      const refusals = findingRefusal(f);
      last = await ingestRecord(deps, { record, refused: new InvalidInputError(f.message), refusals }, process);
      deps.telemetry.metric('RejectedFindings', f.findings ?? 1);
      if (f.metric) deps.telemetry.metric(f.metric, f.findings ?? 1);
      if (last.status === 'retry') return last;
      continue;
    }
    countUnknownResource(deps, f);
    const incident = findingIncident(f, deps.clock.now());
    const message = { kind: 'notification', incident, tier: incident.tier, dryRun: false } as InboundMessage;
    last = await ingestRecord(deps, { record: { ...record, body: `${record.body}\n#finding ${i}` }, message }, process);
    if (last.status === 'retry') return { ...last, id: record.id };
  }
  return last ?? { id: record.id, status: 'ignored' };
}
