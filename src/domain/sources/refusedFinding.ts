import type { RiskTier } from '../tiers';
import { guardDutyTier } from './guardduty';
import { at, isObj, optText } from './read';
import type { FindingTierRules } from './types';

/**
 * What a finding that could not be read would have been: the tier its
 * severity alone gives (when that can be read) and its id, so that a
 * rejected finding that needed people is announced, once per id. Read
 * leniently, from the few fields each format keeps its severity and id in.
 */
export interface RefusedFinding {
  /** How chainsec names the finding (`GuardDuty finding`). */
  what: string;
  /** The tier by the detector's severity; `undefined` when the severity itself is unreadable. */
  tier?: RiskTier;
  findingId?: string;
}

type Reader = (finding: unknown, rules: FindingTierRules) => RefusedFinding;

const withId = (what: string, tier: RiskTier | undefined, id: string | undefined): RefusedFinding => ({
  what,
  ...(tier !== undefined && { tier }),
  ...(id !== undefined && { findingId: id }),
});

/** By the registry name of the finding's source module. */
const READERS: Record<string, Reader> = {
  guardduty: (f, rules) => {
    const severity = at(f, 'severity');
    const ok = typeof severity === 'number' && Number.isFinite(severity) && severity >= 0 && severity <= 10;
    return withId(
      'GuardDuty finding',
      ok ? guardDutyTier(severity, rules.guardduty) : undefined,
      optText(f, 'id', 300),
    );
  },
  'securityhub-asff': (f, rules) => {
    const label = at(f, 'Severity.Label');
    const labels = rules.securityHubLabel as Record<string, RiskTier>;
    const tier = typeof label === 'string' && Object.hasOwn(labels, label) ? labels[label] : undefined;
    return withId('Security Hub finding', tier, optText(f, 'Id', 1000));
  },
  'securityhub-ocsf': (f, rules) => {
    const id = at(f, 'severity_id');
    const tier =
      typeof id === 'number' && Number.isInteger(id) && id >= 0 ? (rules.ocsfSeverity[id] ?? 'medium') : undefined;
    return withId('Security Hub (OCSF) finding', tier, optText(f, 'finding_info.uid', 1000));
  },
};

/** What the rejected `finding` of the source named `source` would have been (nothing when it is not an object). */
export function refusedFinding(source: string, finding: unknown, rules: FindingTierRules): RefusedFinding {
  const read = READERS[source];
  return read && isObj(finding) ? read(finding, rules) : { what: 'finding' };
}
