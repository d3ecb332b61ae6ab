import type { FindingOutcome } from '../domain/sources';
import type { AppDeps } from './deps';

/**
 * Counts a finding whose resource type its source does not read (the card
 * shows the most specific identifier found): a metric per source says which
 * detector grew a type chainsec should learn.
 */
export function countUnknownResource(
  deps: Pick<AppDeps, 'telemetry'>,
  finding: Extract<FindingOutcome, { kind: 'finding' }>,
): void {
  if (!finding.facts.resourceUnknown) return;
  deps.telemetry.info('finding resource type not read', {
    source: finding.facts.source,
    resourceType: finding.facts.resourceType,
  });
  deps.telemetry.metric(`FindingResourceUnknown_${finding.facts.source}`);
}
