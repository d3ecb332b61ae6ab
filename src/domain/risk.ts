import type { RawIncidentEvent } from './incident';
import { eventTier } from './sources';
import type { RiskTier } from './tiers';
import { DEFAULT_FINDING_TIERS, type FindingTierRules } from './sources/types';
import { DEFAULT_FINDING_RESPONSES, type FindingResponse } from './sources/actions';

/**
 * The seed's risk rules (docs/INTERFACES.md#incident-inputs), every threshold held in one `RiskThresholds` value.
 * Comparisons are strict (`>`), exactly as the seed's classifier.
 */
export interface RiskThresholds {
  onchain: {
    /** anomaly_score above this is critical */
    critical: number;
    /** amount_usd above this is critical whatever the score */
    criticalAmountUsd: number;
    high: number;
    medium: number;
  };
  /** Tier for each WAF severity_rating 0..5 */
  wafSeverity: readonly [RiskTier, RiskTier, RiskTier, RiskTier, RiskTier, RiskTier];
  /** Tier of a WAF event the agent has not rated yet: reported to people, not acted on. */
  wafUnrated: RiskTier;
  /** Tier rules of the detectors' findings (GuardDuty, Security Hub ASFF and OCSF; docs/SOURCES.md). */
  findings: FindingTierRules;
  /** The response catalogue of findings, first match wins (`./sources/actions`). */
  findingResponses: readonly FindingResponse[];
}

export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = {
  onchain: { critical: 0.9, criticalAmountUsd: 100_000, high: 0.7, medium: 0.4 },
  wafSeverity: ['low', 'low', 'low', 'medium', 'high', 'critical'],
  wafUnrated: 'medium',
  findings: DEFAULT_FINDING_TIERS,
  findingResponses: DEFAULT_FINDING_RESPONSES,
};

/** Classifies a raw event into a risk tier, by its source module's rule (`./sources`). Pure. */
export function classify(event: RawIncidentEvent, t: RiskThresholds = DEFAULT_RISK_THRESHOLDS): RiskTier {
  return eventTier(event, t);
}
