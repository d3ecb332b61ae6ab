import { normalizeIncident, requestIncident, type Incident } from '../domain/incident';
import { incidentIdForKey } from '../domain/incidentId';
import { IncidentSchema } from '../domain/incidentSchemas';
import type { ApprovalRequest, IncidentInput } from '../domain/messages';
import { classify } from '../domain/risk';
import { tierRank, type RiskTier } from '../domain/tiers';
import { InvalidInputError } from '../errors';
import type { AppDeps } from './deps';
import { sha256Hex } from '../domain/sha256';

/** What reading a message's incident needs: the risk rules and the time. */
type ReadDeps = Pick<AppDeps, 'config' | 'clock'>;

/** Reads the incident a message carries: already normalised, or raw (then normalised here). */
export function toIncident(input: IncidentInput, tier: RiskTier | undefined, deps: ReadDeps): Incident {
  const normalized = IncidentSchema.safeParse(input);
  if (normalized.success) return tier ? { ...normalized.data, tier } : normalized.data;
  const raw = input as Parameters<typeof normalizeIncident>[0];
  return normalizeIncident(raw, tier ?? classify(raw, deps.config.risk), deps.clock.now());
}

/** The higher of two tiers. */
function higherTier(a: RiskTier, b: RiskTier): RiskTier {
  return tierRank(a) >= tierRank(b) ? a : b;
}

/**
 * The incident an approval request is about, with the tier chainsec gives it:
 * the one it carries, or, for a request from any workflow without one, the
 * "agent action" incident derived from its task token, title, tier and
 * context (docs/INTERFACES.md#approval-requests-from-any-workflow). The tier is chainsec's own: a raw event is classified by its
 * source's rules and a carried incident keeps its tier; the request's `tier`
 * may only raise it (more scrutiny), never lower it.
 */
export function incidentOfRequest(message: ApprovalRequest, deps: ReadDeps): Incident {
  if (message.incident !== undefined) {
    const normalized = IncidentSchema.safeParse(message.incident);
    if (normalized.success) return { ...normalized.data, tier: higherTier(message.tier, normalized.data.tier) };
    const raw = message.incident as Parameters<typeof normalizeIncident>[0];
    const tier = higherTier(message.tier, classify(raw, deps.config.risk));
    return normalizeIncident(raw, tier, deps.clock.now());
  }
  // The schema refuses a request with neither; checked again so a caller that skipped it fails closed.
  if (message.title === undefined)
    throw new InvalidInputError('invalid approval request: title: required when the request has no incident');
  return requestIncident({ ...message, title: message.title }, deps.clock.now());
}

/**
 * The id of a request from another workflow: its own, derived from its task
 * token (unique per wait), never the id of an incident it names. Another
 * source's incident (the stack's own, a detector's) is never taken over or
 * attached to: the request is its own incident, and names the other in its
 * ledger entry only.
 */
export function foreignRequestId(taskToken: string): string {
  return incidentIdForKey(`request:${sha256Hex(taskToken)}`);
}
