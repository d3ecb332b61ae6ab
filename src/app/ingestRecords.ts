import type { InboundMessage } from '../domain/messages';
import { refusedFrom, type Delivery } from '../domain/origin';
import { type RiskTier, tierRank } from '../domain/tiers';
import { ChainsecError, ErrorCode, InvalidInputError } from '../errors';
import { findingIncident } from '../domain/incident';
import { DEFAULT_RISK_THRESHOLDS } from '../domain/risk';
import { isFindingEnvelope, readFindings, type FindingOutcome, type FindingTierRules } from '../domain/sources';
import type { AppDeps } from './deps';
import { countUnknownResource } from './findingMetrics';
import type { IngestOutcome } from './ingestOutcome';
import { type AgentPolicy, agentNamedIn } from '../domain/agents';
import { MCP_TOKEN_PREFIX } from '../services/McpWorkflowGateway';
import { parseInbound, rejectedRecord, salvageTaskToken } from './parseInbound';
import {
  announceRefusals,
  findingRefusal,
  INVALID_REQUEST_ERROR,
  NOT_STORED_ERROR,
  refusalsOfText,
  type Refusal,
} from './reportRefused';

/** Powertools idempotency's error for a message another invocation is processing right now. */
const IN_PROGRESS_ELSEWHERE = 'IdempotencyAlreadyInProgressError';

/** One record of a batch, as the handler extracted it from its Lambda event. */
export interface InboundRecord {
  /** The id the event source uses to report a failure (SQS messageId). */
  id: string;
  source: 'sqs' | 'sns' | 'eventbridge' | 'unknown';
  /** The message text (JSON). */
  body: string;
  /** How it was delivered (see `origin.ts`); absent: public, the least trusted. */
  delivery?: Delivery;
}

export type RecordOutcome =
  | { id: string; status: 'processed'; outcome: IngestOutcome }
  | { id: string; status: 'rejected'; code: string; reason: string }
  /** `inFlight`: another invocation is processing the same message right now (not a failure of its own). */
  | { id: string; status: 'retry'; reason: string; inFlight?: true }
  | { id: string; status: 'ignored' };

/** Runs one valid message (the handler wraps this with Powertools idempotency). */
export type ProcessMessage = (message: InboundMessage, body: string, delivery: Delivery) => Promise<IngestOutcome>;

/** A record of a batch once parsed: the message it carries, or why it is refused. */
export type PlannedRecord =
  | { record: InboundRecord; message: InboundMessage }
  /** `refusals`: who must hear of it (worked out from the payload when absent; see `refusalsOf`). */
  | { record: InboundRecord; refused: unknown; refusals?: Refusal[] }
  /** An EventBridge event from a detector: each finding is handled on its own (one bad one never drops the others). */
  | { record: InboundRecord; findings: FindingOutcome[]; tier: RiskTier };

const messageTier = (m: InboundMessage): RiskTier => {
  if (m.kind === 'approval_request') return m.tier;
  if (m.tier) return m.tier;
  return 'tier' in m.incident && typeof m.incident.tier === 'string' ? (m.incident.tier as RiskTier) : 'medium';
};

/**
 * Parses every record of a batch and puts them in the order they must run:
 * the refused ones first (they are only kept, which is quick), then the valid
 * ones most urgent first (critical before low), in arrival order within a
 * tier. The caller must run them one at a time in this order: a critical card
 * is then never queued behind a low one for Slack's per-channel rate limit.
 * `agents`: the configured MCP agents, whose names no message from outside may carry.
 */
export function planRecords(
  records: readonly InboundRecord[],
  rules: FindingTierRules = DEFAULT_RISK_THRESHOLDS.findings,
  agents: readonly Pick<AgentPolicy, 'name'>[] = [],
): PlannedRecord[] {
  const refused: PlannedRecord[] = [];
  const valid: Array<
    | { record: InboundRecord; message: InboundMessage }
    | { record: InboundRecord; findings: FindingOutcome[]; tier: RiskTier }
  > = [];
  for (const record of records) {
    try {
      // A detector's event is read as findings only when a detector's own rule delivered it: from anyone
      // else it is refused (an agent cannot speak for GuardDuty or Security Hub).
      const envelope = record.delivery === 'detector_rule' ? findingEnvelopeOf(record.body) : undefined;
      if (envelope) {
        const findings = readFindings(envelope, rules);
        const tiers = findings.flatMap((f) => (f.kind === 'finding' ? [f.tier] : []));
        const tier = tiers.sort((a, b) => tierRank(b) - tierRank(a))[0] ?? 'low';
        valid.push({ record, findings, tier });
        continue;
      }
      const delivery = record.delivery ?? 'public';
      const message = fromOutside(parseInbound(record.body), delivery === 'public' ? agents : []);
      const refusal = refusedFrom(delivery, message);
      if (refusal) throw new InvalidInputError(refusal);
      valid.push({ record, message });
    } catch (e) {
      refused.push({ record, refused: e });
    }
  }
  // Array.prototype.sort is stable: arrival order holds within a tier.
  const tierOf = (p: (typeof valid)[number]) => ('message' in p ? messageTier(p.message) : p.tier);
  valid.sort((a, b) => tierRank(tierOf(b)) - tierRank(tierOf(a)));
  return [...refused, ...valid];
}

/**
 * A message as it may come from outside chainsec (the topics, the queue, the
 * approval request function). An agent's MCP request carries an internal task
 * token (`mcp:<approvalId>`) that chainsec sets itself and never reads from a
 * message: one quoting it would pass as that agent's request. Nor may a
 * public message (`agents`: the configured ones, empty for the stack's own
 * deliveries) name a configured agent as its requester: on a card, an
 * agent's name says chainsec authenticated it.
 * @throws InvalidInputError naming the field
 */
function fromOutside(message: InboundMessage, agents: readonly Pick<AgentPolicy, 'name'>[]): InboundMessage {
  if (message.kind !== 'approval_request') return message;
  if (message.taskToken.startsWith(MCP_TOKEN_PREFIX))
    throw new InvalidInputError(
      `invalid approval request: taskToken: "${MCP_TOKEN_PREFIX}…" is chainsec's own, for requests agents make over MCP`,
    );
  const agent = agentNamedIn(agents, message.requestedBy);
  if (agent !== undefined)
    throw new InvalidInputError(
      `invalid approval request: requestedBy: names the MCP agent ${agent}, whose requests come only over MCP, authenticated`,
    );
  return message;
}

/**
 * Runs one planned record. A refused record is kept for inspection, an
 * invalid approval request fails its workflow task closed at once, and what
 * needed people is announced in the channel and paged (once); a valid one is
 * processed. Never throws: a failure that a redelivery can fix (including
 * failing to keep a refused record, which must not be lost) comes back as
 * `retry`.
 */
export async function ingestRecord(
  deps: AppDeps,
  planned: PlannedRecord,
  process: ProcessMessage,
): Promise<RecordOutcome> {
  const { record } = planned;
  // This record's lines name it; the incident is named once known (the previous record's is dropped).
  deps.telemetry.addLogKeys({ recordId: record.id, incidentId: undefined });
  if ('refused' in planned) {
    const e = planned.refused;
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
        planned.refusals ?? refusalsOfText(record.body, reason, deps, token ? INVALID_REQUEST_ERROR : undefined),
      );
      return { id: record.id, status: 'rejected', code, reason };
    } catch (keepError) {
      // Could not keep it or announce it: let the queue redeliver (and dead-letter) it rather than lose it.
      return { id: record.id, status: 'retry', reason: (keepError as Error).message };
    }
  }
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

/** Receives after which the ingest queues move a record to their dead-letter queue (`maxReceiveCount` in template.yaml). */
export const INGEST_MAX_RECEIVES = 5;

/**
 * The last attempt at a valid record that could not be stored or shown (its
 * retries are spent; the queue dead-letters it next): an approval request's
 * task is failed at once with a coded error rather than left to its timeout,
 * and what needed people is announced in the channel and paged, once.
 */
export async function giveUpRecord(deps: AppDeps, planned: PlannedRecord, reason: string): Promise<void> {
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
  deps: AppDeps,
  records: readonly InboundRecord[],
  process: ProcessMessage,
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (const planned of planRecords(records, deps.config?.risk.findings, deps.config?.mcp?.agents))
    outcomes.push(await ingestRecord(deps, planned, process));
  return outcomes;
}

/** The EventBridge event of a detector in the source registry that `body` holds, if it holds one. */
function findingEnvelopeOf(body: string): Parameters<typeof readFindings>[0] | undefined {
  if (!body.includes('"detail-type"')) return undefined;
  try {
    const json: unknown = JSON.parse(body);
    return isFindingEnvelope(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ingests each finding of a detector's event as its own incident: a bad
 * finding is kept in the rejected store (coded, naming the field, with a
 * metric) and the others still run; an ignored one (archived, resolved,
 * suppressed, an unread detail-type) counts a metric. A failure a retry can
 * fix retries the whole record (the findings already done fold as duplicates).
 */
async function ingestFindings(
  deps: AppDeps,
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
