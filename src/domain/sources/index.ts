import { InvalidInputError } from '../../errors';
import type { RiskThresholds } from '../risk';
import type { RiskTier } from '../tiers';
import { guardDutySource } from './guardduty';
import { onChainSource } from './onchain';
import { wafSource } from './waf';
import { securityHubAsffSource } from './securityHubAsff';
import { securityHubOcsfSource } from './securityHubOcsf';
import { isObj } from './read';
import { refusedFinding } from './refusedFinding';
import type {
  AgentEventSource,
  DefaultProposal,
  EventEnvelope,
  FindingOutcome,
  FindingSource,
  FindingTierRules,
  CardField,
} from './types';

/*
 * The registry of every incident source, in two lists: the agent's own raw
 * events and the detectors chainsec reads from EventBridge. From a module in
 * one of these lists follow the `Incident` union, the schemas, the natural
 * keys, tiers, titles, proposals and card fields; what else a new source
 * needs (thresholds, the views that still switch on an incident's kind, an
 * EventBridge rule) is listed in docs/SOURCES.md, "Adding a source".
 */

/**
 * The agent's raw event shapes (docs/INTERFACES.md#incident-inputs), tried in this order
 * (on-chain first: its required keys are distinctive).
 */
export const EVENT_SOURCES = [onChainSource, wafSource] as const;

type EventSourceEntry = (typeof EVENT_SOURCES)[number];
/** A validated raw event of any source in {@link EVENT_SOURCES}. */
export type AgentEvent = EventSourceEntry extends infer S ? (S extends AgentEventSource<infer E> ? E : never) : never;
/** The normalised incident of any source in {@link EVENT_SOURCES}. */
export type AgentIncident = EventSourceEntry extends infer S
  ? S extends AgentEventSource<object, infer I>
    ? I
    : never
  : never;

/** One entry of {@link EVENT_SOURCES}, seen through the union of every event and incident. */
type AnyEventSource = AgentEventSource<AgentEvent, AgentIncident>;
const ENTRIES = EVENT_SOURCES as unknown as readonly AnyEventSource[];

/**
 * The source of a validated raw event.
 * @throws InvalidInputError when no source owns it (it was not validated by {@link EVENT_SOURCES}' schemas)
 */
function sourceOfEvent(event: AgentEvent): AnyEventSource {
  const source = ENTRIES.find((s) => s.owns(event));
  if (!source) throw new InvalidInputError('not an event of a known source');
  return source;
}

/** The source whose incidents carry `kind`, if it is one of {@link EVENT_SOURCES}. */
function sourceOfKind(kind: string): AnyEventSource | undefined {
  return ENTRIES.find((s) => s.kind === kind);
}

/** The natural key of a raw event (its source's): the same event delivered twice gets the same key. */
export function eventNaturalKey(event: AgentEvent): string {
  return sourceOfEvent(event).naturalKey(event);
}

/** The default tier of a raw event, by its source's rule. */
export function eventTier(event: AgentEvent, thresholds: RiskThresholds): RiskTier {
  return sourceOfEvent(event).tier(event, thresholds);
}

/** The normalised incident of a raw event, by its source. */
export function eventIncident(event: AgentEvent, tier: RiskTier, receivedAt: Date): AgentIncident {
  return sourceOfEvent(event).normalize(event, tier, receivedAt);
}

/** The proposal its source draws from an incident's facts. */
export function eventProposal(incident: AgentIncident): DefaultProposal {
  return sourceOfIncident(incident).proposal(incident);
}

/** The pattern key of an agent incident (by its source), `undefined` for other kinds. */
export function eventPatternKey(incident: { kind: string }): string | undefined {
  return sourceOfKind(incident.kind)?.patternKey(incident as AgentIncident);
}

/** The card fields of an agent incident (by its source); `undefined` for other kinds (findings carry theirs). */
export function eventCardFields(incident: { kind: string }): CardField[] | undefined {
  return sourceOfKind(incident.kind)?.cardFields(incident as AgentIncident);
}

/**
 * The identifying fields of an agent incident (by its source), unescaped: a
 * trusted prefix (`tx`) and the untrusted parts, each escaped on its own by
 * whoever shows them, space-separated.
 */
export function eventIdentity(incident: AgentIncident): { prefix?: string; parts: string[] } {
  return sourceOfIncident(incident).identity(incident);
}

/** The deterministic summary of an agent incident (by its source). */
export function eventSummary(incident: AgentIncident): string {
  return sourceOfIncident(incident).summary(incident);
}

function sourceOfIncident(incident: AgentIncident): AnyEventSource {
  const source = sourceOfKind(incident.kind);
  if (!source) throw new InvalidInputError(`not an incident of a known source: ${incident.kind}`);
  return source;
}

/**
 * The detectors chainsec reads from EventBridge. Adding one is a module
 * implementing {@link FindingSource} and one line here.
 */
export const FINDING_SOURCES: readonly FindingSource[] = [
  guardDutySource,
  securityHubAsffSource,
  securityHubOcsfSource,
];

/** True when `value` looks like an EventBridge event from a source in the registry. */
export function isFindingEnvelope(value: unknown): value is EventEnvelope {
  return (
    isObj(value) &&
    typeof value.source === 'string' &&
    typeof value['detail-type'] === 'string' &&
    'detail' in value &&
    FINDING_SOURCES.some((s) => s.eventSource === value.source)
  );
}

/**
 * Reads every finding of an event from a known source. A detail-type the
 * source's modules do not read is ignored (one `ignored` outcome), not rejected.
 */
export function readFindings(event: EventEnvelope, rules: FindingTierRules): FindingOutcome[] {
  const source = FINDING_SOURCES.find(
    (s) => s.eventSource === event.source && s.detailTypes.includes(event['detail-type']),
  );
  if (!source)
    return [
      {
        kind: 'ignored',
        reason: `detail-type ${JSON.stringify(event['detail-type'].slice(0, 100))} of ${event.source} is not read`,
        metric: 'FindingsIgnored_detailType',
      },
    ];
  // A finding that could not be read still says who needed to hear of it (its tier by severity, its id).
  return source
    .read(event, rules)
    .map((o) =>
      o.kind === 'rejected' ? { ...o, source: source.name, ...refusedFinding(source.name, o.subject, rules) } : o,
    );
}

export type { EventEnvelope, FindingFacts, FindingOutcome, FindingTierRules } from './types';
export { DEFAULT_FINDING_TIERS } from './types';
