import type { AppDeps } from '../../../src/app/deps';
import { classifyInput, type ClassifiedState } from '../../../src/app/classifyEvent';
import { ingestMessage } from '../../../src/app/ingestMessage';
import { parseInbound } from '../../../src/app/parseInbound';
import { recordVote } from '../../../src/app/recordVote';
import { signReceipt } from '../../../src/app/signReceipt';
import { expire } from '../../../src/app/expire';
import { LedgerEntryType } from '../../../src/domain/ledger';
import { APPROVALS, fakeAppDeps, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { CARD_TS, seedApproval } from '../../support/fakes/seeds';

/**
 * The rules of a request are fixed when it arrives: a container built from a
 * later configuration (fewer approvals, another fallback, longer receipts)
 * judges it by the rules it arrived under. Records stored before rules were
 * kept are judged by the configuration as read, and their rule says so.
 */

/** `f`'s ports with another configuration: what a redeployed container sees. */
function redeployed(f: FakeAppDeps, critical: Partial<AppDeps['config']['policy']['critical']>): AppDeps {
  const { config } = f.deps;
  return {
    ...f.deps,
    config: { ...config, policy: { ...config.policy, critical: { ...config.policy.critical, ...critical } } },
  };
}

const criticalEvent = { tx_hash: '0xfeed01', amount_usd: 500_000, protocol: 'Curve', anomaly_score: 0.97 };

async function ingestCritical(f: FakeAppDeps, now: Date): Promise<string> {
  const state = (await classifyInput(f.deps, { event: criticalEvent, executionArn: 'arn:exec' })) as ClassifiedState;
  const outcome = await ingestMessage(
    f.deps,
    parseInbound(
      JSON.stringify({
        kind: 'approval_request',
        taskToken: 'token-1',
        executionArn: 'arn:exec',
        incident: state.incident,
        tier: state.tier,
        proposedAction: state.proposedAction,
        containment: { ...state.containmentAction, at: now.toISOString() },
        reasoning: state.reasoning,
        evidence: state.evidence,
        requestedBy: state.requestedBy,
        dryRun: false,
      }),
    ),
    // The stack's own workflow: its own topic.
    'own_workflow',
  );
  return outcome.incidentId;
}

const fromCard = (f: FakeAppDeps, incidentId: string) => {
  const card = f.storage.table.peek(incidentId)!.record;
  return { kind: 'message' as const, channelId: card.channel ?? APPROVALS, messageTs: card.ts ?? CARD_TS };
};

describe('A request keeps the policy it arrived under', () => {
  const now = new Date('2026-11-23T10:00:00Z');

  it('stores the policy on the record and signs it, with the rule, into incident_received', async () => {
    // Prepare
    const f = fakeAppDeps({ now });

    // Act
    const id = await ingestCritical(f, now);

    // Assess
    const record = f.storage.table.peek(id)!.record;
    expect(record.policy).toMatchObject({ rule: 'default:critical', approvalsNeeded: 2, onTimeout: 'rollback' });
    const [received] = await f.deps.ledger.chain(id);
    expect(received).toMatchObject({ type: LedgerEntryType.IncidentReceived, rule: 'default:critical' });
    expect(received!.policy).toEqual(JSON.parse(JSON.stringify(record.policy)));
  });

  it('a critical created under 2 approvals is not decided by one vote after the configuration says 1', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const id = await ingestCritical(f, now);
    const later = redeployed(f, { approvalsNeeded: 1 });

    // Act
    const first = await recordVote(later, {
      incidentId: id,
      userId: 'U0APPROVER1',
      choice: 'approve',
      surface: fromCard(f, id),
    });
    const second = await recordVote(later, {
      incidentId: id,
      userId: 'U0APPROVER2',
      choice: 'approve',
      surface: fromCard(f, id),
    });

    // Assess
    expect(first).toMatchObject({ kind: 'recorded', tally: { needed: 2 } });
    expect(first.kind === 'recorded' && first.decided).toBeFalsy();
    expect(second).toMatchObject({ kind: 'recorded', decided: { decision: 'approve' } });
    const decision = (await f.deps.ledger.chain(id)).find((e) => e.type === LedgerEntryType.Decision);
    expect(decision).toMatchObject({ rule: 'default:critical', approvalsNeeded: 2 });
  });

  it('expiry and receipts follow the stored fallback and receipt lifetime, not the new ones', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const id = await ingestCritical(f, now);
    const later = redeployed(f, { onTimeout: 'deny', receiptTtlSeconds: 24 * 60 * 60 });

    // Act
    await expire(later, id);
    const record = f.storage.table.peek(id)!.record;
    const receipt = await signReceipt(later, id, record);

    // Assess
    const expiry = (await f.deps.ledger.chain(id)).find((e) => e.type === LedgerEntryType.Expiry);
    expect(expiry?.fallback).toBe('rollback containment');
    expect(receipt).toBeDefined();
    expect(Date.parse(receipt!.expiresAt) - Date.parse(receipt!.decidedAt)).toBe(15 * 60 * 1000);
  });

  it('a record stored before policies were kept is judged by the configuration as read, and says so', async () => {
    // Prepare
    const f = fakeAppDeps({ now });
    const { record } = seedApproval(f.storage, now, {}, 'critical');
    const id = record.incident.id;
    const later = redeployed(f, { approvalsNeeded: 1 });

    // Act
    const result = await recordVote(later, {
      incidentId: id,
      userId: 'U0APPROVER1',
      choice: 'approve',
      surface: { kind: 'message', channelId: APPROVALS, messageTs: CARD_TS },
    });

    // Assess
    expect(record.policy).toBeUndefined();
    expect(result).toMatchObject({ kind: 'recorded', decided: { decision: 'approve' } });
    const decision = (await f.deps.ledger.chain(id)).find((e) => e.type === LedgerEntryType.Decision);
    expect(decision).toMatchObject({ rule: 'live:default:critical', approvalsNeeded: 1 });
  });
});
