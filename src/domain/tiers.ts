/** Risk tiers, lowest first. */
export const RISK_TIERS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** Tiers that need a human decision before the proposed action runs. */
export const APPROVAL_TIERS = ['high', 'critical'] as const satisfies readonly RiskTier[];
export type ApprovalTier = (typeof APPROVAL_TIERS)[number];

/** Higher is more urgent; used to order queued posts (critical first). */
export function tierRank(tier: RiskTier): number {
  return RISK_TIERS.indexOf(tier);
}

export function isApprovalTier(tier: RiskTier): tier is ApprovalTier {
  return (APPROVAL_TIERS as readonly RiskTier[]).includes(tier);
}
