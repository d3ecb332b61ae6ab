import { ChainsecError, ErrorCode } from '../errors';
import type { InboundMessage } from '../domain/messages';
import { tierRank, type RiskTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import type { IngestOutcome } from './ingestMessage';
import { parseInbound, rejectedRecord, salvageTaskToken } from './parseInbound';

/** One record of a batch, as the handler extracted it from its Lambda event. */
export interface InboundRecord {
  /** The id the event source uses to report a failure (SQS messageId). */
  id: string;
  source: 'sqs' | 'sns' | 'eventbridge' | 'unknown';
  /** The message text (JSON). */
  body: string;
}

export type RecordOutcome =
  | { id: string; status: 'processed'; outcome: IngestOutcome }
  | { id: string; status: 'rejected'; code: string; reason: string }
  | { id: string; status: 'retry'; reason: string };

/** Runs one valid message (the handler wraps this with Powertools idempotency). */
export type ProcessMessage = (message: InboundMessage, body: string) => Promise<IngestOutcome>;

const messageTier = (m: InboundMessage): RiskTier =>
  m.kind === 'approval_request' ? m.tier : (m.tier ?? ('tier' in m.incident && typeof m.incident.tier === 'string' ? (m.incident.tier as RiskTier) : 'medium'));

/**
 * Processes a batch: bad records are kept for inspection (and an invalid
 * approval request fails its workflow task closed) without stopping the rest;
 * valid ones run most urgent first (critical before low); failures that a
 * retry can fix are reported back so only those records are redelivered.
 */
export async function ingestRecords(deps: AppDeps, records: readonly InboundRecord[], process: ProcessMessage): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  const valid: Array<{ record: InboundRecord; message: InboundMessage }> = [];
  for (const record of records) {
    try {
      valid.push({ record, message: parseInbound(record.body) });
    } catch (e) {
      const code = e instanceof ChainsecError ? e.code : ErrorCode.InvalidInput;
      deps.telemetry.error('inbound record rejected', { recordId: record.id, source: record.source, code, reason: (e as Error).message });
      deps.telemetry.metric('RejectedPayloads');
      try {
        await deps.store.keepRejected(rejectedRecord(record.source, record.body, e, deps.clock.now()));
        const token = salvageTaskToken(record.body);
        if (token) await deps.workflow.fail(token, 'chainsec.InvalidRequest', (e as Error).message.slice(0, 1000)).catch(() => undefined);
        outcomes.push({ id: record.id, status: 'rejected', code, reason: (e as Error).message });
      } catch (keepError) {
        // Could not even keep it: let the queue redeliver (and dead-letter) it rather than lose it.
        outcomes.push({ id: record.id, status: 'retry', reason: (keepError as Error).message });
      }
    }
  }
  valid.sort((a, b) => tierRank(messageTier(b.message)) - tierRank(messageTier(a.message)));
  for (const { record, message } of valid) {
    try {
      outcomes.push({ id: record.id, status: 'processed', outcome: await process(message, record.body) });
    } catch (e) {
      deps.telemetry.warn('inbound record failed; will be retried', { recordId: record.id, error: (e as Error).message, name: (e as Error).name });
      deps.telemetry.metric('IngestRetries');
      outcomes.push({ id: record.id, status: 'retry', reason: (e as Error).message });
    }
  }
  return outcomes;
}
