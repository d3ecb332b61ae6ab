import { actionDigest } from '../domain/actionDigest';
import type { IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { expiryFallback, receiptExpiry } from '../domain/policy';
import { receiptDigest, type Receipt, type UnsignedReceipt } from '../domain/receipt';
import { isApprovalTier } from '../domain/tiers';
import type { AppDeps } from './deps';
import { recordPolicy } from './routing';

/** Who decides an expiry. */
const EXPIRY_DECIDER = 'chainsec';

/**
 * Signs the receipt of a stored decision that allows an action
 * (docs/RECEIPTS.md): an approve, a rollback, or an expiry whose fallback rolls the
 * containment back (then decided by `chainsec`, and `ledgerHash` is the
 * expiry entry's). Signed with the ledger's key, as its entries are.
 * In dry run the receipt is issued already expired (`expiresAt` = `decidedAt`): the workflow's output carries
 * it as docs/INTERFACES.md#approval-requests-from-any-workflow says, and it proves who decided, but no executor's check (`verifyReceipt`,
 * `verify-receipt`) lets it run anything: people approved knowing nothing would run.
 * @returns undefined when the decision allows nothing (deny, an expiry that denies)
 * @throws SigningFailedError when the key cannot sign: the caller must not resume the workflow
 */
export async function signReceipt(
  deps: Pick<AppDeps, 'config' | 'signer' | 'ledger'>,
  incidentId: string,
  record: IncidentRecord,
): Promise<Receipt | undefined> {
  const { decision, decisionHash, decidedAt } = record;
  if (!decision || !decisionHash || !decidedAt || !isApprovalTier(record.tier) || !record.proposedAction)
    return undefined;
  // The incident's own rules (its fallback, its receipts' lifetime), not the configuration's now.
  const policy = recordPolicy(deps, record);
  let decidedBy = record.decidedBy ?? [];
  let ledgerHash = decisionHash;
  if (decision === 'expired') {
    const fallback = expiryFallback(policy.onTimeout, record.containment !== undefined);
    if (fallback !== 'rollback') return undefined;
    decidedBy = [EXPIRY_DECIDER];
    ledgerHash = await expiryEntryHash(deps, incidentId, decisionHash);
  } else if (decision !== 'approve' && decision !== 'rollback') {
    return undefined;
  }
  const unsigned: UnsignedReceipt = {
    incidentId,
    actionDigest: record.actionDigest ?? actionDigest(record.proposedAction),
    decision,
    decidedBy,
    decidedAt,
    // Dry run: expired at issue, so it can never allow the action (a receipt has no dry-run mark to honour).
    expiresAt: record.dryRun ? decidedAt : receiptExpiry(policy, new Date(decidedAt)).toISOString(),
    ledgerHash,
    keyId: deps.signer.keyId,
  };
  return { ...unsigned, signature: await deps.signer.signDigest(receiptDigest(unsigned)) };
}

/** The hash of the expiry entry written with the `expired` decision (the entry just before it). */
async function expiryEntryHash(
  deps: Pick<AppDeps, 'ledger'>,
  incidentId: string,
  decisionHash: string,
): Promise<string> {
  const chain = await deps.ledger.chain(incidentId);
  const at = chain.findIndex((e) => e.hash === decisionHash);
  const expiry = at > 0 ? chain[at - 1] : undefined;
  if (expiry?.type !== LedgerEntryType.Expiry)
    throw new Error(`no expiry entry before the expired decision of ${incidentId}`);
  return expiry.hash;
}
