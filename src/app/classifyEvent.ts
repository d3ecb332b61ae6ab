import { normalizeIncident, type Incident } from '../domain/incident';
import { RawIncidentEventSchema } from '../domain/incidentSchemas';
import type { ProposedAction } from '../domain/messages';
import { proposalFor } from '../domain/proposals';
import { classify } from '../domain/risk';
import type { RiskTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import { incidentEventError, rejectedRecord } from './parseInbound';

/** The workflow state after Classify (read by the ASL's paths). */
export interface ClassifiedState {
  incident: Incident;
  tier: RiskTier;
  proposedAction: ProposedAction;
  containmentAction: ProposedAction;
  reasoning: string;
  evidence: string[];
  requestedBy: string;
  dryRun: boolean;
  executionArn?: string;
}

/**
 * The workflow's Classify task: validate the raw event, score its tier, derive
 * the proposal. A bad event is kept for inspection and fails the execution.
 * @throws InvalidInputError or UnknownPayloadError (the state machine's Catch ends in `Rejected`)
 */
export async function classifyEvent(
  deps: Pick<AppDeps, 'config' | 'clock' | 'store' | 'telemetry'>,
  input: { event: unknown; executionArn?: string },
): Promise<ClassifiedState> {
  const parsed = RawIncidentEventSchema.safeParse(input.event);
  if (!parsed.success) {
    const error = incidentEventError(input.event);
    const text = JSON.stringify(input.event ?? null);
    await deps.store.keepRejected(rejectedRecord('workflow:classify', text, error, deps.clock.now()));
    deps.telemetry.metric('RejectedPayloads');
    throw error;
  }
  const tier = classify(parsed.data, deps.config.risk);
  const incident = normalizeIncident(parsed.data, tier, deps.clock.now());
  const p = proposalFor(parsed.data, incident);
  deps.telemetry.info('incident classified', { incidentId: incident.id, tier });
  return {
    incident,
    tier,
    proposedAction: p.proposedAction,
    containmentAction: p.containmentAction,
    reasoning: p.reasoning,
    evidence: p.evidence,
    requestedBy: p.requestedBy,
    dryRun: deps.config.dryRun,
    ...(input.executionArn !== undefined && { executionArn: input.executionArn }),
  };
}
