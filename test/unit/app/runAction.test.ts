import type { AppDeps } from '../../../src/app/deps';
import { actionDigest, containmentActionDigest } from '../../../src/domain/actionDigest';
import { runAction, type ActionInput } from '../../../src/app/runAction';
import { IncidentStatus, type IncidentRecord } from '../../../src/domain/incidentRecord';
import type { LedgerEntry } from '../../../src/domain/ledger';
import { fakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { seedApproval } from '../../support/fakes/seeds';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const DECISION_HASH = 'cd'.repeat(32);
const EXPIRY_HASH = 'ee'.repeat(32);
const CONTAINMENT = {
  type: 'pause_contract',
  target: '0xcontract',
  reversible: true,
  at: NOW.toISOString(),
  status: 'executed' as const,
};

/** Deps on the fakes with a recording actions topic, one seeded critical incident, and a ledger ending expiry → decision. */
function setup(over: Partial<IncidentRecord>) {
  const f = fakeAppDeps({ now: NOW });
  const stored = seedApproval(f.storage, NOW, over, 'critical');
  const published: Record<string, unknown>[] = [];
  const chain = [
    { type: 'expiry', hash: EXPIRY_HASH },
    { type: 'decision', hash: DECISION_HASH },
  ] as LedgerEntry[];
  const deps: AppDeps = {
    ...f.deps,
    ledger: Object.assign(Object.create(f.deps.ledger), { chain: async () => chain }),
    notifier: { publishAction: async (m) => void published.push(m) },
  };
  const input = (operation: ActionInput['operation'], approval?: ActionInput['approval']): ActionInput => ({
    operation,
    incident: stored.record.incident,
    // A rollback carries the containment's action (what it undoes); the rest carry the proposed action.
    action:
      operation === 'rollback'
        ? { type: CONTAINMENT.type, target: CONTAINMENT.target, reversible: CONTAINMENT.reversible }
        : stored.record.proposedAction!,
    ...(approval && { approval }),
    dryRun: false,
  });
  return { deps, published, input, signer: f.signer };
}

const decided = (decision: IncidentRecord['decision'], decidedBy: string[] = ['U0APPROVER1', 'U0APPROVER2']) => ({
  status: decision === 'expired' ? IncidentStatus.Expired : IncidentStatus.Decided,
  decision,
  decidedBy,
  decidedAt: NOW.toISOString(),
  decisionHash: DECISION_HASH,
  containment: CONTAINMENT,
  // Recorded at ingest from the stack's own workflow: an expiry may roll it back.
  containmentDigest: containmentActionDigest(CONTAINMENT),
  origin: 'workflow' as const,
});

describe('runAction: no execute or rollback command leaves without a receipt', () => {
  it("the workflow's own timeout fired before chainsec decided: the rollback is not sent (fail closed)", async () => {
    // Prepare
    const { deps, published, input } = setup({});

    // Act
    const result = await runAction(deps, input('rollback', { decision: 'expired', decidedBy: [] }));

    // Assess
    expect(result).toMatchObject({ operation: 'rollback', status: 'failed' });
    expect(result.detail).toContain('no receipt');
    expect(published).toHaveLength(0);
  });

  it("the workflow's own timeout fired after the sweep's expiry: the rollback carries chainsec's receipt citing the expiry entry", async () => {
    // Prepare
    const { deps, published, input, signer } = setup(decided('expired', []));

    // Act
    const result = await runAction(deps, input('rollback', { decision: 'expired', decidedBy: [] }));

    // Assess
    expect(result.status).toBe('executed');
    expect(published).toHaveLength(1);
    expect(published[0]!.receipt).toMatchObject({
      decision: 'expired',
      decidedBy: ['chainsec'],
      ledgerHash: EXPIRY_HASH,
      keyId: signer.keyId,
      signature: expect.any(String),
    });
    const signature = (published[0]!.receipt as { signature: string }).signature;
    expect(signer.signed).toContain(Buffer.from(signature, 'base64').toString('utf8').slice('fake:'.length));
  });

  it('an approval that reached the task without its receipt: signed from the recorded decision', async () => {
    // Prepare
    const { deps, published, input } = setup(decided('approve'));

    // Act
    const result = await runAction(deps, input('execute', { decision: 'approve' }));

    // Assess
    expect(result.status).toBe('executed');
    expect(published[0]!.receipt).toMatchObject({ decision: 'approve', ledgerHash: DECISION_HASH });
  });

  it('an execute whose recorded decision is a rollback is not sent: that receipt does not allow it', async () => {
    // Prepare
    const { deps, published, input } = setup(decided('rollback'));

    // Act
    const result = await runAction(deps, input('execute', { decision: 'approve' }));

    // Assess
    expect(result.status).toBe('failed');
    expect(published).toHaveLength(0);
  });

  it('a rollback of another action than the containment its receipt binds is not sent', async () => {
    // Prepare
    const { deps, published, input } = setup(decided('rollback'));
    const widened = { ...input('rollback'), action: { type: 'unfreeze_all_accounts', target: '*', reversible: true } };

    // Act
    const result = await runAction(deps, widened);

    // Assess
    expect(result).toMatchObject({ operation: 'rollback', status: 'failed' });
    expect(result.detail).toContain('does not cover this action');
    expect(published).toHaveLength(0);
  });

  it('passes the receipt the decision resumed the workflow with, unchanged, and signs nothing more', async () => {
    // Prepare
    const { deps, published, input, signer } = setup(decided('approve'));
    const receipt = { incidentId: 'x', signature: 'given', actionDigest: actionDigest(input('execute').action) };

    // Act
    await runAction(deps, input('execute', { decision: 'approve', receipt }));

    // Assess
    expect(published[0]!.receipt).toEqual(receipt);
    expect(signer.signed).toHaveLength(1); // the action_executed ledger entry only
  });

  it('a containment (before anyone decides) still goes out, with a null receipt the executor must not honour as an approval', async () => {
    // Prepare
    const { deps, published, input } = setup({});

    // Act
    const result = await runAction(deps, input('contain'));

    // Assess
    expect(result.status).toBe('executed');
    expect(published[0]!.receipt).toBeNull();
  });
});
