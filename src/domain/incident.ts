import { incidentIdForKey, validTimestamp } from './incidentId';
import type { RiskTier } from './tiers';
import { eventIncident, eventNaturalKey, eventPatternKey, type AgentEvent, type AgentIncident } from './sources';
import type { FindingFacts, FindingOutcome } from './sources/types';

/**
 * The `Incident` union and the names the rest of chainsec imports, each a
 * thin delegation to the source registry (`./sources`): every source module
 * owns its schema, natural key, tier rule, title, proposal and card fields.
 * Field names follow the seed documents (CONTRACT section 2). Every string is
 * untrusted: it is bounded by the schemas and escaped by `src/blocks` before
 * Slack. Importing this module builds no zod schema (the click path's cold
 * start): the source modules build theirs on first use.
 */

export { formatUsd, INCIDENT_ID } from './incidentId';
export type { OnChainEvent, OnChainIncident } from './sources/onchain';
export type { WafEvent, WafIncident } from './sources/waf';

/** A validated raw event of one of the agent's sources (on-chain, WAF, ...: `EVENT_SOURCES`). */
export type RawIncidentEvent = AgentEvent;

/** A security finding from a detector in the source registry (`./sources`): GuardDuty, Security Hub. */
export interface FindingIncident {
  /** Short, opaque, stable id (`INC-` + 10 base32 chars) derived from the finding's natural key. */
  id: string;
  kind: 'finding';
  tier: RiskTier;
  /** When the finding was seen (from the finding, else when chainsec first saw it). */
  observedAt: string;
  /** One line a person can read. Untrusted parts inside. */
  title: string;
  finding: FindingFacts;
}

/** One incident, whatever source it came from: the agent's event sources' incidents and findings. */
export type Incident = AgentIncident | FindingIncident;

/** The natural key of an event (its source module's): the same event delivered twice gets the same key. */
export function naturalKey(event: RawIncidentEvent): string {
  return eventNaturalKey(event);
}

/** `INC-XXXXXXXXXX`: the incident id chainsec shows and buttons carry. */
export function incidentIdFor(event: RawIncidentEvent): string {
  return incidentIdForKey(naturalKey(event));
}

/** The incident of a finding a source module read (`./sources`). */
export function findingIncident(
  outcome: Extract<FindingOutcome, { kind: 'finding' }>,
  receivedAt: Date,
): FindingIncident {
  return {
    id: incidentIdForKey(outcome.naturalKey),
    kind: 'finding',
    tier: outcome.tier,
    observedAt: validTimestamp(outcome.observedAt, receivedAt),
    title: outcome.title,
    finding: outcome.facts,
  };
}

/**
 * Pattern key used to fold repeats, by the incident's source module (the same
 * source IP + URI, the same address on the same protocol); `undefined` when
 * too broad to call a repeat. A finding is folded by its id (re-emitted
 * findings update their incident), never by a pattern.
 */
export function patternKey(incident: Incident): string | undefined {
  return eventPatternKey(incident);
}

/**
 * Turns a validated raw event into an {@link Incident} with the given tier, by its source module.
 * @param receivedAt used when the event carries no usable timestamp
 */
export function normalizeIncident(event: RawIncidentEvent, tier: RiskTier, receivedAt: Date): AgentIncident {
  return eventIncident(event, tier, receivedAt);
}
