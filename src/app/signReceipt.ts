import { actionDigest } from '../domain/actionDigest';
import type { IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType } from '../domain/ledger';
import { expiryFallback, receiptExpiry } from '../domain/policy';
import { receiptDigest, type Receipt, type UnsignedReceipt } from '../domain/receipt';
import { isApprovalTier } from '../domain/tiers';
import { expiryMayRollBack } from '../domain/origin';
import type { AppDeps } from './deps';
import { recordPolicy } from './routing';

/** Who decides an expiry. */
const EXPIRY_DECIDER = 'chainsec';

/**
 * Signs the receipt of a stored decision that allows an action
 * (docs/RECEIPTS.md): an approve (bound to the proposed action's digest), a
 * rollback (bound to the digest of the containment's action it undoes), or an
 * expiry whose fallback rolls back a containment the stack's own workflow
 * recorded (then decided by `chainsec`, and `ledgerHash` is the expiry
 * entry's). Signed with the ledger's key, as its entries are.
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
    // No person decided: only the containment the stack's own workflow carried out, as chainsec recorded it.
    const fallback = expiryFallback(policy.onTimeout, expiryMayRollBack(record));
    if (fallback !== 'rollback') return undefined;
    decidedBy = [EXPIRY_DECIDER];
    ledgerHash = await expiryEntryHash(deps, incidentId, decisionHash);
  } else if (decision !== 'approve' && decision !== 'rollback') {
    return undefined;
  }
  // A rollback's receipt binds the rollback's action (the containment it undoes), never the proposed action.
  const digest =
    decision === 'approve' ? (record.actionDigest ?? actionDigest(record.proposedAction)) : record.containmentDigest;
  if (digest === undefined) return undefined;
  const unsigned: UnsignedReceipt = {
    incidentId,
    actionDigest: digest,
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
