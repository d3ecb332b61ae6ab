import { createHash } from 'node:crypto';
import { incidentIdForKey, validTimestamp } from './incidentId';
import type { RiskTier } from './tiers';
import { eventIncident, eventNaturalKey, eventPatternKey, type AgentEvent, type AgentIncident } from './sources';
import type { CardField, FindingFacts, FindingOutcome } from './sources/types';

/**
 * The `Incident` union and the names the rest of chainsec imports, each a
 * thin delegation to the source registry (`./sources`): every source module
 * owns its schema, natural key, tier rule, title, proposal and card fields.
 * Field names follow the seed documents (docs/INTERFACES.md#incident-inputs). Every string is
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

/**
 * The generic "agent action" subject: what an approval request from any
 * workflow asks about when it carries no incident (docs/INTERFACES.md#approval-requests-from-any-workflow).
 */
export interface RequestIncident {
  /** Short, opaque, stable id (`INC-` + 10 base32 chars) derived from the request's task token. */
  id: string;
  kind: 'request';
  tier: RiskTier;
  /** When chainsec received the request. */
  observedAt: string;
  /** The request's title. Untrusted. */
  title: string;
  request: {
    /** The action's type and target, as the request proposed them. */
    actionType: string;
    target: string;
    /** The request's `context`, in order, as card fields (untrusted: the card escapes and bounds them). */
    fields: CardField[];
  };
}

/** One incident, whatever shape it arrived in. */
export type Incident = AgentIncident | FindingIncident | RequestIncident;

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

/** What {@link requestIncident} reads of an approval request that carries no incident. */
export interface IncidentlessRequest {
  taskToken: string;
  tier: RiskTier;
  title: string;
  proposedAction: { type: string; target: string };
  context?: Record<string, string>;
}

/**
 * The incident chainsec derives for an approval request without one: its id
 * from the request's identity (the task token, unique per wait, hashed: the
 * token itself is a secret), its title and tier from the request, its card
 * fields from the request's `context`.
 */
export function requestIncident(request: IncidentlessRequest, receivedAt: Date): RequestIncident {
  const tokenDigest = createHash('sha256').update(request.taskToken).digest('hex');
  return {
    id: incidentIdForKey(`request:${tokenDigest}`),
    kind: 'request',
    tier: request.tier,
    observedAt: receivedAt.toISOString(),
    title: request.title,
    request: {
      actionType: request.proposedAction.type,
      target: request.proposedAction.target,
      fields: Object.entries(request.context ?? {}).map(([label, value]) => ({ label, value })),
    },
  };
}

/**
 * Pattern key used to fold repeats, by the incident's source module (the same
 * source IP + URI, the same address on the same protocol); `undefined` when
 * too broad to call a repeat. A finding is folded by its id (re-emitted
 * findings update their incident), never by a pattern.
 */
export function patternKey(incident: Incident): string | undefined {
  // Each request is its own question: never folded.
  if (incident.kind === 'request') return undefined;
  return eventPatternKey(incident);
}

/**
 * Turns a validated raw event into an {@link Incident} with the given tier, by its source module.
 * @param receivedAt used when the event carries no usable timestamp
 */
export function normalizeIncident(event: RawIncidentEvent, tier: RiskTier, receivedAt: Date): AgentIncident {
  return eventIncident(event, tier, receivedAt);
}
