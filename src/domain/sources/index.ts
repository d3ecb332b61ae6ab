import { guardDutySource } from './guardduty';
import { securityHubAsffSource } from './securityHubAsff';
import { securityHubOcsfSource } from './securityHubOcsf';
import { isObj } from './read';
import type { EventEnvelope, FindingOutcome, FindingSource, FindingTierRules } from './types';

/**
 * The registry of detectors chainsec reads from EventBridge. Adding one is
 * a module implementing {@link FindingSource} and one line here. (The agent's
 * own on-chain and WAF events are read by `../incident` and `../incidentSchemas`.)
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
  return source.read(event, rules);
}

export type { EventEnvelope, FindingFacts, FindingOutcome, FindingTierRules } from './types';
export { DEFAULT_FINDING_TIERS } from './types';
