import type { OnChainEvent, WafEvent } from '../../../src/domain/incident';

/**
 * Raw events in the seed documents' shapes (docs/INTERFACES.md#incident-inputs), shared by the
 * domain tests. Each call returns a fresh object so a test may mutate it.
 */

/** An on-chain event; `over` replaces any field. */
export function onChainEvent(over: Partial<OnChainEvent> = {}): OnChainEvent {
  return {
    tx_hash: '0xabc123def456',
    amount_usd: 25_000,
    protocol: 'Uniswap',
    anomaly_score: 0.5,
    chain: 'ethereum',
    from: '0xfrom',
    to: '0xto',
    timestamp: '2025-03-01T12:00:00Z',
    ...over,
  };
}

/** A WAF event with the agent's analysis at `severity` (omit the analysis with `null`). */
export function wafEvent(severity: number | null = 3, over: Partial<WafEvent> = {}): WafEvent {
  return {
    id: 'waf-0001',
    timestamp: '2025-03-01T12:00:00Z',
    action: 'BLOCK',
    source_ip: '203.0.113.7',
    uri: '/api/login',
    http_method: 'POST',
    rule_name: 'SQLi_BODY',
    country: 'NL',
    ...(severity !== null && {
      analysis: {
        severity_rating: severity,
        security_analysis: 'Looks like SQL injection.',
        follow_up_suggestion: 'Block the IP.',
      },
    }),
    ...over,
  };
}
