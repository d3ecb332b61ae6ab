import {
  DECISION_WINDOW_CHOICES_SECONDS,
  WORKFLOW_TIMEOUT_GRACE_SECONDS,
  approvalStateTimeoutSeconds,
  approvalsNeeded,
  decisionDeadline,
  defaultApprovalPolicy,
  expiryFallback,
  isDecisionWindowChoice,
  onTimeoutOf,
  tierPolicy,
} from '../../../src/domain/policy';

describe('Function: defaultApprovalPolicy', () => {
  const inputs = { approverUserIds: ['U0APPROVER1', 'U0APPROVER2'], approvalsChannel: 'C0APPROVALS' };

  it('makes high need 1 approver, expire after 1 h to deny, and page after a 15 min SLA', () => {
    // Prepare / Act
    const { high } = defaultApprovalPolicy(inputs);

    // Assess
    expect(high).toMatchObject({
      approvalsNeeded: 1,
      decisionWindowSeconds: 3600,
      ackSlaSeconds: 900,
      dmPrimaryImmediately: false,
      onTimeout: 'deny',
    });
  });

  it('makes critical need 2 approvers, expire after 4 h to rollback, page at once with a 5 min SLA', () => {
    // Prepare / Act
    const { critical } = defaultApprovalPolicy(inputs);

    // Assess
    expect(critical).toMatchObject({
      approvalsNeeded: 2,
      decisionWindowSeconds: 4 * 3600,
      ackSlaSeconds: 300,
      dmPrimaryImmediately: true,
      onTimeout: 'rollback',
    });
  });

  it('gives both tiers the approvers, the approvals channel and App Home', () => {
    // Prepare / Act
    const policy = defaultApprovalPolicy({ ...inputs, approverUsergroupId: 'S0SECOPS' });

    // Assess
    for (const tier of [policy.high, policy.critical]) {
      expect(tier.approverUserIds).toEqual(['U0APPROVER1', 'U0APPROVER2']);
      expect(tier.approverUsergroupId).toBe('S0SECOPS');
      expect(tier.decisionChannels).toEqual(['C0APPROVALS']);
      expect(tier.allowAppHome).toBe(true);
    }
  });

  it('leaves approverUsergroupId out when none is given', () => {
    // Prepare / Act
    const policy = defaultApprovalPolicy(inputs);

    // Assess
    expect('approverUsergroupId' in policy.high).toBe(false);
  });

  it('keeps a positive grace period for the workflow backstop', () => {
    // Assess
    expect(WORKFLOW_TIMEOUT_GRACE_SECONDS).toBeGreaterThan(0);
  });
});

describe('Policy rules (one home per rule)', () => {
  const policy = defaultApprovalPolicy({ approverUserIds: ['U0APPROVER1'], approvalsChannel: 'C0APPROVALS' });

  describe('Function: approvalsNeeded', () => {
    it.each([
      ['high', 1],
      ['critical', 2],
      ['medium', 0],
      ['low', 0],
    ] as const)('%s needs %i', (tier, expected) => {
      // Act
      const needed = approvalsNeeded(policy, tier);

      // Assess
      expect(needed).toBe(expected);
    });

    it('follows an override', () => {
      // Prepare
      const overridden = { ...policy, critical: { ...policy.critical, approvalsNeeded: 3 } };

      // Act
      const needed = approvalsNeeded(overridden, 'critical');

      // Assess
      expect(needed).toBe(3);
    });
  });

  describe('Function: tierPolicy', () => {
    it("gives approval tiers their own rules and low / medium high's", () => {
      // Act
      const rules = (['low', 'medium', 'high', 'critical'] as const).map((t) => tierPolicy(policy, t));

      // Assess
      expect(rules).toEqual([policy.high, policy.high, policy.high, policy.critical]);
    });
  });

  describe('Function: onTimeoutOf / expiryFallback', () => {
    it('reads the configured fallback; nothing to decide means deny', () => {
      // Prepare
      const overridden = { ...policy, high: { ...policy.high, onTimeout: 'rollback' as const } };

      // Act
      const fallbacks = (['low', 'medium', 'high', 'critical'] as const).map((t) => onTimeoutOf(overridden, t));

      // Assess
      expect(fallbacks).toEqual(['deny', 'deny', 'rollback', 'rollback']);
    });

    it.each([
      ['rollback', true, 'rollback'],
      ['rollback', false, 'deny'],
      ['deny', true, 'deny'],
      ['deny', false, 'deny'],
    ] as const)('onTimeout %s with containment %s takes %s', (onTimeout, hasContainment, expected) => {
      // Act
      const taken = expiryFallback(onTimeout, hasContainment);

      // Assess
      expect(taken).toBe(expected);
    });
  });

  describe('Function: decisionDeadline / approvalStateTimeoutSeconds', () => {
    it('expires a request its window after it was made', () => {
      // Prepare
      const requestedAt = new Date('2026-01-01T00:00:00.000Z');

      // Act
      const deadline = decisionDeadline({ decisionWindowSeconds: 1800 }, requestedAt);

      // Assess
      expect(deadline.toISOString()).toBe('2026-01-01T00:30:00.000Z');
    });

    it('lets the approval state wait the window plus the grace', () => {
      // Act
      const timeouts = DECISION_WINDOW_CHOICES_SECONDS.map(approvalStateTimeoutSeconds);

      // Assess
      expect(timeouts).toEqual(DECISION_WINDOW_CHOICES_SECONDS.map((w) => w + WORKFLOW_TIMEOUT_GRACE_SECONDS));
    });

    it("offers the default policy's windows among the choices", () => {
      // Act
      const offered = [policy.high, policy.critical].map((t) => isDecisionWindowChoice(t.decisionWindowSeconds));

      // Assess
      expect(offered).toEqual([true, true]);
      expect(isDecisionWindowChoice(3601)).toBe(false);
    });
  });
});
