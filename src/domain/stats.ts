import type { IncidentRecord } from './incidentRecord';
import { RISK_TIERS, type RiskTier } from './tiers';

/** Nearest-rank percentile of `values` (p in 0..100); `null` for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Spread {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface Stats {
  from: string;
  to: string;
  incidents: number;
  byTier: Record<RiskTier, number>;
  timeToAcknowledge: Spread;
  timeToDecide: Spread;
  /** Outcomes of approval requests by tier. */
  outcomes: Record<'high' | 'critical', Record<'approve' | 'deny' | 'rollback' | 'expired' | 'pending', number>>;
  autoActions: { executed: number; failed: number; skipped: number; successRate: number | null };
  falsePositives: { marked: number; rate: number | null };
}

function spread(seconds: number[]): Spread {
  return { count: seconds.length, p50Seconds: percentile(seconds, 50), p90Seconds: percentile(seconds, 90) };
}

const since = (record: IncidentRecord, at: string | undefined): number | undefined =>
  at === undefined ? undefined : (Date.parse(at) - Date.parse(record.requestedAt)) / 1000;

/**
 * The numbers a security lead asks for, over incidents requested in [from, to).
 * Time to decide counts people's decisions only (expiries are outcomes, not speed).
 */
export function computeStats(records: readonly IncidentRecord[], from: Date, to: Date): Stats {
  const inRange = records.filter((r) => {
    const t = Date.parse(r.requestedAt);
    return t >= from.getTime() && t < to.getTime();
  });
  const byTier = Object.fromEntries(RISK_TIERS.map((t) => [t, 0])) as Record<RiskTier, number>;
  const empty = () => ({ approve: 0, deny: 0, rollback: 0, expired: 0, pending: 0 });
  const outcomes = { high: empty(), critical: empty() };
  const ack: number[] = [];
  const decide: number[] = [];
  const auto = { executed: 0, failed: 0, skipped: 0 };
  let falsePositives = 0;
  for (const r of inRange) {
    byTier[r.tier]++;
    if (r.falsePositive) falsePositives++;
    if (r.kind === 'approval' && (r.tier === 'high' || r.tier === 'critical')) {
      outcomes[r.tier][r.decision ?? 'pending']++;
      const a = since(r, r.acknowledgedAt);
      if (a !== undefined) ack.push(a);
      if (r.decision && r.decision !== 'expired') {
        const d = since(r, r.decidedAt);
        if (d !== undefined) decide.push(d);
      }
    }
    for (const action of r.actions) {
      if (action.operation !== 'contain') continue;
      auto[action.status]++;
    }
  }
  const attempted = auto.executed + auto.failed;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    incidents: inRange.length,
    byTier,
    timeToAcknowledge: spread(ack),
    timeToDecide: spread(decide),
    outcomes,
    autoActions: { ...auto, successRate: attempted === 0 ? null : auto.executed / attempted },
    falsePositives: { marked: falsePositives, rate: inRange.length === 0 ? null : falsePositives / inRange.length },
  };
}
