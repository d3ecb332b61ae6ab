import { findingIncident, normalizeIncident, type Incident } from '../domain/incident';
import { isFindingEnvelope, readFindings, type FindingOutcome } from '../domain/sources';
import { InvalidInputError } from '../errors';
import { tierRank } from '../domain/tiers';
import { RawIncidentEventSchema } from '../domain/incidentSchemas';
import type { ProposedAction } from '../domain/messages';
import type { FullTextRef } from '../domain/payloadBounds';
import { findingProposal, proposalFor, type Proposal } from '../domain/proposals';
import { classify } from '../domain/risk';
import { onTimeoutOf, type TimeoutFallback } from '../domain/policy';
import type { RiskTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import { keepFullText, longTextOf, withPreview } from './fullText';
import { incidentEventError, rejectedRecord, unstorableError } from './parseInbound';
import { countUnknownResource } from './findingMetrics';

/**
 * The workflow state after Classify (read by the ASL's paths). Its long text
 * (reasoning, evidence, WAF analysis and follow-up) is a bounded preview, so
 * that the state and every message built from it stay well under the 256 KiB
 * of a Step Functions state and of an SNS message; `fullText` says where the
 * full text is (`null` when nothing was shortened).
 */
export interface ClassifiedState {
  incident: Incident;
  tier: RiskTier;
  proposedAction: ProposedAction;
  containmentAction: ProposedAction;
  reasoning: string;
  evidence: string[];
  requestedBy: string;
  dryRun: boolean;
  fullText: FullTextRef | null;
  /**
   * The tier's configured fallback on expiry: the state machine's `RouteDecision`
   * rolls the containment back on `rollback` (when there is one), else closes,
   * whether the bot expired the request or the approval state timed out.
   */
  onTimeout: TimeoutFallback;
  executionArn?: string;
  ignored?: never;
}

/** What Classify answers for a finding that wakes nobody (archived, resolved, suppressed, unread detail-type). */
export interface IgnoredState {
  ignored: true;
  reason: string;
}

/**
 * The workflow's Classify task: validate the raw event, score its tier, derive
 * the proposal. A bad event is kept for inspection and fails the execution.
 * Long text is stored in full and the state carries its preview.
 * @throws InvalidInputError or UnknownPayloadError (the state machine's Catch ends in `Rejected`)
 */
export async function classifyEvent(
  deps: Pick<AppDeps, 'config' | 'clock' | 'rejected' | 'fullText' | 'telemetry'>,
  input: { event: unknown; executionArn?: string },
): Promise<ClassifiedState> {
  const problem = unstorableError(input.event);
  const parsed = problem ? undefined : RawIncidentEventSchema.safeParse(input.event);
  if (!parsed?.success) {
    const error = problem ?? incidentEventError(input.event);
    const text = JSON.stringify(input.event ?? null);
    await deps.rejected.keep(rejectedRecord('workflow:classify', text, error, deps.clock.now()));
    deps.telemetry.metric('RejectedPayloads');
    throw error;
  }
  const tier = classify(parsed.data, deps.config.risk);
  const incident = normalizeIncident(parsed.data, tier, deps.clock.now());
  return classified(deps, incident, proposalFor(parsed.data, incident), input.executionArn);
}

/**
 * The workflow's Classify task for any input: an EventBridge event from a
 * detector in the source registry (`src/domain/sources`), else the agent's
 * raw event ({@link classifyEvent}).
 */
export function classifyInput(
  deps: Pick<AppDeps, 'config' | 'clock' | 'rejected' | 'fullText' | 'telemetry'>,
  input: { event: unknown; executionArn?: string },
): Promise<ClassifiedState | IgnoredState> {
  return isFindingEnvelope(input.event) ? classifyFinding(deps, input) : classifyEvent(deps, input);
}

/**
 * Classify for an EventBridge event from a detector (GuardDuty, Security
 * Hub): one execution handles one finding (AWS sends one finding per event).
 * Each malformed finding is kept in the rejected store with a metric; ignored
 * ones count a metric; of the valid ones the most urgent is handled, and any
 * others are kept in the rejected store (coded, never silently dropped).
 */
async function classifyFinding(
  deps: Pick<AppDeps, 'config' | 'clock' | 'rejected' | 'fullText' | 'telemetry'>,
  input: { event: unknown; executionArn?: string },
): Promise<ClassifiedState | IgnoredState> {
  const event = input.event as Parameters<typeof readFindings>[0];
  const outcomes = readFindings(event, deps.config.risk.findings);
  const text = JSON.stringify(event);
  const findings: Array<Extract<FindingOutcome, { kind: 'finding' }>> = [];
  let firstError: InvalidInputError | undefined;
  let ignored: string | undefined;
  for (const o of outcomes) {
    if (o.kind === 'finding') findings.push(o);
    else if (o.kind === 'ignored') {
      deps.telemetry.info('finding ignored', { reason: o.reason });
      deps.telemetry.metric(o.metric);
      ignored ??= o.reason;
    } else {
      const error = new InvalidInputError(o.message);
      await deps.rejected.keep(rejectedRecord('workflow:classify', text, error, deps.clock.now()));
      deps.telemetry.metric('RejectedPayloads');
      deps.telemetry.metric('RejectedFindings', o.findings ?? 1);
      if (o.metric) deps.telemetry.metric(o.metric, o.findings ?? 1);
      firstError ??= error;
    }
  }
  findings.sort((a, b) => tierRank(b.tier) - tierRank(a.tier));
  const [chosen, ...others] = findings;
  for (const other of others) {
    const error = new InvalidInputError(
      `finding ${other.facts.findingId.slice(0, 200)}: more than one finding in one workflow input; send one per event`,
    );
    await deps.rejected.keep(rejectedRecord('workflow:classify', text, error, deps.clock.now()));
    deps.telemetry.metric('FindingsNotHandled');
  }
  if (!chosen) {
    if (firstError) throw firstError;
    return { ignored: true, reason: ignored ?? 'no finding' };
  }
  countUnknownResource(deps, chosen);
  const incident = findingIncident(chosen, deps.clock.now());
  return classified(deps, incident, findingProposal(incident, deps.config.risk.findingResponses), input.executionArn);
}

async function classified(
  deps: Pick<AppDeps, 'config' | 'fullText' | 'telemetry'>,
  incident: Incident,
  p: Proposal,
  executionArn: string | undefined,
): Promise<ClassifiedState> {
  const tier = incident.tier;
  const kept = await keepFullText(deps, incident.id, longTextOf(incident, p.reasoning, p.evidence));
  deps.telemetry.info('incident classified', {
    incidentId: incident.id,
    tier,
    shortened: kept.fullText?.shortened ?? [],
  });
  return {
    incident: withPreview(incident, kept.preview),
    tier,
    proposedAction: p.proposedAction,
    containmentAction: p.containmentAction,
    reasoning: kept.preview.reasoning,
    evidence: kept.preview.evidence,
    fullText: kept.fullText ?? null,
    requestedBy: p.requestedBy,
    dryRun: deps.config.dryRun,
    onTimeout: onTimeoutOf(deps.config.policy, tier),
    ...(executionArn !== undefined && { executionArn }),
  };
}
