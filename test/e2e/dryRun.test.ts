// One sandbox per file: handlers keep per-container state (config, clients), as on Lambda.
import { useHarness, unique, incidentIdOf, textOf } from '../support/sandboxHarness';
import { APPROVALS_CHANNEL } from '../../sandbox/identities';

describe('E2E: dry run', () => {
  const h = useHarness({ dryRun: true });

  it('marks cards DRY RUN and runs no action, even when approved', async () => {
    // Prepare
    const tx = `0x${unique()}d7`;
    const arn = await h.startIncident({ tx_hash: tx, amount_usd: 1000, protocol: 'Lido', anomaly_score: 0.8 });
    const card = await h.waitForMessage(tx, { channel: APPROVALS_CHANNEL, kind: 'message' });

    // Act
    await h.click({ user: 'U0APPROVER1', actionId: 'chainsec_approve', value: incidentIdOf(card), messageTs: card.ts });
    const execution = await h.waitForExecution(arn);
    const actions = await h.json<unknown[]>('GET', '/sandbox/actions');

    // Assess
    expect(textOf(card)).toContain('DRY RUN');
    expect(execution.output.approval.decision).toBe('approve');
    // Its receipt is expired at issue: it proves who decided, and allows nothing.
    expect(execution.output.approval.receipt.expiresAt).toBe(execution.output.approval.receipt.decidedAt);
    expect(execution.output.actionResult).toMatchObject({ operation: 'execute', status: 'skipped', dryRun: true });
    expect(actions.body).toHaveLength(0);
  });
});
