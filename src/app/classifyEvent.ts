import { normalizeIncident, type Incident } from '../domain/incident';
import { RawIncidentEventSchema } from '../domain/incidentSchemas';
import type { ProposedAction } from '../domain/messages';
import type { FullTextRef } from '../domain/payloadBounds';
import { proposalFor } from '../domain/proposals';
import { classify } from '../domain/risk';
import { onTimeoutOf, type TimeoutFallback } from '../domain/policy';
import type { RiskTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import { keepFullText, longTextOf, withPreview } from './fullText';
import { incidentEventError, rejectedRecord } from './parseInbound';

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
  const parsed = RawIncidentEventSchema.safeParse(input.event);
  if (!parsed.success) {
    const error = incidentEventError(input.event);
    const text = JSON.stringify(input.event ?? null);
    await deps.rejected.keep(rejectedRecord('workflow:classify', text, error, deps.clock.now()));
    deps.telemetry.metric('RejectedPayloads');
    throw error;
  }
  const tier = classify(parsed.data, deps.config.risk);
  const incident = normalizeIncident(parsed.data, tier, deps.clock.now());
  const p = proposalFor(parsed.data, incident);
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
    ...(input.executionArn !== undefined && { executionArn: input.executionArn }),
  };
}
