import { incidentIdForKey, validTimestamp } from '../incidentId';
import type { RiskTier } from '../tiers';
import type { AgentEventSource, IncidentBase } from './types';

/**
 * What the agent-event sources (`./onchain`, `./waf`) share beside their
 * schemas (`./schemaParts`): how an event is told apart, and the base of its
 * normalised incident.
 */

/**
 * `resembles` and `owns` of a source whose events carry a distinctive key:
 * an object resembles the shape when the key is present, and a validated
 * event is the source's when the key holds a string.
 */
export function toldApartBy<E extends object>(key: string): Pick<AgentEventSource<E>, 'resembles' | 'owns'> {
  return {
    resembles: (value) => key in value,
    owns: (event): event is E => typeof (event as Record<string, unknown>)[key] === 'string',
  };
}

/**
 * The {@link IncidentBase} of an event's incident: its id from the source's
 * natural key, its time from the event's `timestamp` (`receivedAt` when it
 * has no usable one), its title from the source's.
 */
export function incidentBase<E extends { timestamp?: string | undefined }, K extends string>(
  source: Pick<AgentEventSource<E, { kind: K }>, 'kind' | 'naturalKey' | 'title'>,
  event: E,
  tier: RiskTier,
  receivedAt: Date,
): IncidentBase<K> {
  return {
    id: incidentIdForKey(source.naturalKey(event)),
    kind: source.kind,
    tier,
    observedAt: validTimestamp(event.timestamp, receivedAt),
    title: source.title(event),
  };
}
