import { DeliveryStatus, IncidentStatus } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { expiryMayRollBack } from '../domain/origin';
import { expiryFallback } from '../domain/policy';
import { commitWithRetry } from './commitWithRetry';
import { deliverDecision } from './deliverDecision';
import type { AppDeps, IncidentChangeDeps } from './deps';
import { recordPolicy } from './routing';

/** What expiring a request needs (it delivers the expiry as a decision). */
type ExpireDeps = IncidentChangeDeps & Pick<AppDeps, 'ledger' | 'workflow'>;

/** Expires a pending request: signed expiry + `expired` decision, then the workflow takes its fallback. */
export async function expire(deps: ExpireDeps, incidentId: string): Promise<boolean> {
  const expired = await commitWithRetry(deps, incidentId, ({ record }) => {
    if (record.status !== IncidentStatus.Pending) return { kind: 'stop', result: false };
    const at = deps.clock.now().toISOString();
    const policy = recordPolicy(deps, record);
    const fallback = expiryFallback(policy.onTimeout, expiryMayRollBack(record));
    const effective = fallback === 'rollback' ? 'rollback containment' : 'deny (fail closed)';
    return {
      kind: 'commit',
      result: true,
      next: {
        ...record,
        status: IncidentStatus.Expired,
        decision: 'expired',
        decidedBy: [],
        decidedAt: at,
        delivery: DeliveryStatus.Pending,
      },
      drafts: [
        { type: LedgerEntryType.Expiry, actor: 'chainsec', at, deadline: record.deadline ?? null, fallback: effective },
        {
          type: LedgerEntryType.Decision,
          actor: 'chainsec',
          at,
          decision: 'expired',
          decidedBy: [],
          tier: record.tier,
          rule: policy.rule,
          actionDigest: record.actionDigest ?? null,
          ...(fallback === 'rollback' && { rollbackActionDigest: record.containmentDigest ?? null }),
        },
      ],
    };
  });
  if (expired) {
    deps.telemetry.metric('Expiries');
    await deliverDecision(deps, incidentId);
  }
  return expired;
}
