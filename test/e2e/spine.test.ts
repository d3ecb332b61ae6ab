import { useHarness, actionIds, criticalOnChain, unique, incidentIdOf } from '../support/sandboxHarness';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';

describe('E2E: the spine, through the sandbox', () => {
  const h = useHarness();

  it('critical on-chain: card, two approvals, workflow SUCCEEDED with the approval, card decided in place', async () => {
    // Prepare
    const tx = `0x${unique()}c1`;
    const arn = await h.startIncident(criticalOnChain(tx));

    // Act
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });
    const id = incidentIdOf(card);
    const first = await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const progress = await h.waitForMessage('1 of 2', { kind: 'ephemeral', user: 'U0APPROVER1' });
    const second = await h.click({ user: 'U0APPROVER2', actionId: 'chainsec_approve', value: id, messageTs: card.ts });
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(card.text).toMatch(/critical/i);
    expect(actionIds(card)).toEqual(expect.arrayContaining(['chainsec_approve', 'chainsec_deny', 'chainsec_rollback']));
    expect(JSON.stringify(card.blocks)).not.toMatch(/taskToken|"value":"[^"]{40,}"/);
    expect(first.status).toBe(200);
    expect(progress).toBeDefined();
    expect(second.status).toBe(200);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval.decision).toBe('approve');
    expect(execution.output.approval.decidedBy.sort()).toEqual(['U0APPROVER1', 'U0APPROVER2']);
    expect(execution.output.actionResult.operation).toBe('execute');
    const updated = (await h.messages()).find((m) => m.ts === card.ts && m.channel === APPROVALS_CHANNEL)!;
    expect(updated.updates).toBeGreaterThan(0);
    expect(actionIds(updated)).not.toEqual(expect.arrayContaining(['chainsec_approve']));
    expect(JSON.stringify(updated.blocks)).toContain('U0APPROVER2');
  });

  it('high WAF: one deny ends the request and the workflow takes the deny path', async () => {
    // Prepare
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const arn = await h.startIncident({
      id: `waf-${unique()}`,
      timestamp: new Date().toISOString(),
      action: 'BLOCK',
      source_ip: ip,
      uri: '/api/users',
      http_method: 'POST',
      rule_name: 'SQLi_BODY',
      country: 'US',
      analysis: {
        severity_rating: 4,
        security_analysis: 'SQL injection attempt against the users API.',
        follow_up_suggestion: 'Block the IP.',
      },
    });
    const card = await h.waitForMessage(ip, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act
    await h.click({ user: 'U0APPROVER3', actionId: 'chainsec_deny', value: incidentIdOf(card), messageTs: card.ts });
    const execution = await h.waitForExecution(arn);

    // Assess
    expect(card.text).toMatch(/high/i);
    expect(actionIds(card)).not.toContain('chainsec_rollback');
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output.approval).toMatchObject({ decision: 'deny', decidedBy: ['U0APPROVER3'] });
    expect(execution.output.actionResult.operation).toBe('close');
  });

  it('low and medium: information cards without vote buttons; low is contained automatically', async () => {
    // Prepare
    const low = `0x${unique()}10`;
    const medium = `0x${unique()}20`;

    // Act
    const lowArn = await h.startIncident({ tx_hash: low, amount_usd: 500, protocol: 'Aave', anomaly_score: 0.2 });
    const mediumArn = await h.startIncident({ tx_hash: medium, amount_usd: 900, protocol: 'Aave', anomaly_score: 0.5 });
    const [lowExec, mediumExec] = [await h.waitForExecution(lowArn), await h.waitForExecution(mediumArn)];
    const lowCard = await h.waitForMessage(low, { channel: APPROVALS_CHANNEL });
    const mediumCard = await h.waitForMessage(medium, { channel: APPROVALS_CHANNEL });

    // Assess
    expect(lowExec.status).toBe('SUCCEEDED');
    expect(mediumExec.status).toBe('SUCCEEDED');
    expect(lowCard.text).toMatch(/low/i);
    expect(mediumCard.text).toMatch(/medium/i);
    for (const card of [lowCard, mediumCard]) {
      expect(actionIds(card)).not.toEqual(expect.arrayContaining(['chainsec_approve']));
      expect(actionIds(card)).not.toEqual(expect.arrayContaining(['chainsec_deny']));
    }
  });
});
