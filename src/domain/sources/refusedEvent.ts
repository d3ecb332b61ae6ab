import type { RiskThresholds } from '../risk';
import type { RiskTier } from '../tiers';
import { at, isObj, optText } from './read';

/**
 * What an agent event that could not be accepted would have been: the tier
 * its source's rule gives from the few numbers it reads (when they are
 * numbers), how it is named, and what identifies it, so that a refused event
 * that needed people is announced. Read leniently; nothing here is trusted.
 */
export interface RefusedEvent {
  /** How chainsec names the shape (`on-chain event`), `incident event` when it resembles none. */
  what: string;
  /** The tier by the source's rule; `undefined` when what it reads is not there. */
  tier?: RiskTier;
  /** What identifies it, as sent (a transaction hash; a source IP and URI). */
  identity?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The on-chain rule (strict `>`), from whichever of its two numbers are numbers. */
function onChainTier(value: unknown, t: RiskThresholds['onchain']): RiskTier | undefined {
  const amount = num(at(value, 'amount_usd'));
  const score = num(at(value, 'anomaly_score'));
  if (amount === undefined && score === undefined) return undefined;
  if ((score ?? 0) > t.critical || (amount ?? 0) > t.criticalAmountUsd) return 'critical';
  if ((score ?? 0) > t.high) return 'high';
  if ((score ?? 0) > t.medium) return 'medium';
  return 'low';
}

/** What a refused agent event would have been (see {@link RefusedEvent}). */
export function refusedEvent(value: unknown, thresholds: RiskThresholds): RefusedEvent {
  if (!isObj(value)) return { what: 'incident event' };
  if ('tx_hash' in value) {
    const tier = onChainTier(value, thresholds.onchain);
    const tx = optText(value, 'tx_hash', 200);
    return { what: 'on-chain event', ...(tier && { tier }), ...(tx && { identity: `tx ${tx}` }) };
  }
  if ('source_ip' in value) {
    const rating = at(value, 'analysis.severity_rating');
    const tier = typeof rating === 'number' && Number.isInteger(rating) ? thresholds.wafSeverity[rating] : undefined;
    const identity = [optText(value, 'source_ip'), optText(value, 'uri', 500)].filter(Boolean).join(' ');
    return { what: 'WAF event', ...(tier && { tier }), ...(identity && { identity }) };
  }
  return { what: 'incident event' };
}
