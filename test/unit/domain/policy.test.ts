import { defaultApprovalPolicy, WORKFLOW_TIMEOUT_GRACE_SECONDS } from '../../../src/domain/policy';

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
