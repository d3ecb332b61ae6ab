import { classify, DEFAULT_RISK_THRESHOLDS, type RiskThresholds } from '../../../src/domain/risk';
import { onChainEvent, wafEvent } from './fixtures';

describe('Function: classify', () => {
  describe('on-chain events', () => {
    it.each([
      [0.9000001, 'critical'],
      [0.9, 'high'],
      [0.71, 'high'],
      [0.7, 'medium'],
      [0.41, 'medium'],
      [0.4, 'low'],
      [0, 'low'],
      [1, 'critical'],
    ] as const)('rates anomaly_score %p as %s (strict > at each threshold)', (score, tier) => {
      // Prepare
      const event = onChainEvent({ anomaly_score: score, amount_usd: 10 });

      // Act
      const result = classify(event);

      // Assess
      expect(result).toBe(tier);
    });

    it.each([
      [100_000, 'low'],
      [100_000.01, 'critical'],
    ] as const)('rates amount_usd %p with a low score as %s', (amount, tier) => {
      // Prepare
      const event = onChainEvent({ anomaly_score: 0.1, amount_usd: amount });

      // Act
      const result = classify(event);

      // Assess
      expect(result).toBe(tier);
    });

    it('keeps the score tier when the amount is exactly at the critical amount', () => {
      // Prepare
      const event = onChainEvent({ anomaly_score: 0.8, amount_usd: 100_000 });

      // Act
      const result = classify(event);

      // Assess
      expect(result).toBe('high');
    });

    it('uses configured thresholds instead of the defaults', () => {
      // Prepare
      const thresholds: RiskThresholds = {
        ...DEFAULT_RISK_THRESHOLDS,
        onchain: { critical: 0.5, criticalAmountUsd: 1_000, high: 0.3, medium: 0.1 },
      };

      // Act
      const tiers = [
        classify(onChainEvent({ anomaly_score: 0.6, amount_usd: 1 }), thresholds),
        classify(onChainEvent({ anomaly_score: 0.05, amount_usd: 1_001 }), thresholds),
        classify(onChainEvent({ anomaly_score: 0.4, amount_usd: 1 }), thresholds),
        classify(onChainEvent({ anomaly_score: 0.2, amount_usd: 1 }), thresholds),
      ];

      // Assess
      expect(tiers).toEqual(['critical', 'critical', 'high', 'medium']);
    });
  });

  describe('WAF events', () => {
    it.each([
      [0, 'low'],
      [1, 'low'],
      [2, 'low'],
      [3, 'medium'],
      [4, 'high'],
      [5, 'critical'],
    ] as const)('rates severity_rating %p as %s', (severity, tier) => {
      // Prepare
      const event = wafEvent(severity);

      // Act
      const result = classify(event);

      // Assess
      expect(result).toBe(tier);
    });

    it('rates an event without analysis as medium (reported to people, not acted on)', () => {
      // Prepare
      const event = wafEvent(null);

      // Act
      const result = classify(event);

      // Assess
      expect(result).toBe('medium');
      expect(DEFAULT_RISK_THRESHOLDS.wafUnrated).toBe('medium');
    });

    it('uses the configured tier for unrated events', () => {
      // Prepare
      const thresholds: RiskThresholds = { ...DEFAULT_RISK_THRESHOLDS, wafUnrated: 'high' };

      // Act
      const result = classify(wafEvent(null), thresholds);

      // Assess
      expect(result).toBe('high');
    });
  });
});
