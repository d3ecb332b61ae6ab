import type { Receipt } from '../domain/receipt';
import { verifyReceipt } from '../receipts/verifyReceipt';
import type { AppDeps } from './deps';

/**
 * Checks a receipt as chainsec itself relies on one (before it forwards an
 * approved call, or when an agent asks): signed with the stack's own key,
 * unexpired by chainsec's clock, and, when `action` is given, bound to it.
 * @throws ReceiptRejectedError naming why it does not hold
 */
export async function checkOwnReceipt(
  deps: Pick<AppDeps, 'signer' | 'clock'>,
  receipt: unknown,
  action?: unknown,
): Promise<Receipt> {
  return verifyReceipt(receipt, {
    publicKey: await deps.signer.publicKeyPem(),
    trustedKeyIds: [deps.signer.keyId],
    now: deps.clock.now(),
    ...(action !== undefined && { action }),
  });
}
