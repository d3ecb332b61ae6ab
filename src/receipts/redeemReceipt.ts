import type { Receipt } from '../domain/receipt';
import { ErrorCode, ReceiptRejectedError } from '../errors';

/**
 * Single use: a receipt runs its action once. The executor redeems a verified
 * receipt just before it acts; the store records the redemption with a
 * conditional write (DynamoDB: `attribute_not_exists`, see
 * `DynamoDbRedemptionStore`), so of any number of concurrent redemptions
 * exactly one wins.
 */
export interface RedemptionStore {
  /**
   * Records `key` as redeemed, unless it already is.
   * @param keepUntil how long the record must last (the receipt's expiry: after it the receipt is refused anyway)
   * @returns false when the key was redeemed before
   */
  redeemOnce(key: string, keepUntil: Date, facts: { incidentId: string; redeemedBy: string }): Promise<boolean>;
}

/** The redemption key of a receipt: its decision (one ledger entry allows one run), whatever it was re-signed as. */
export function redemptionKey(receipt: Pick<Receipt, 'incidentId' | 'ledgerHash'>): string {
  return `${receipt.incidentId}#${receipt.ledgerHash}`;
}

/**
 * Redeems a verified receipt (verify it first: see `verifyReceipt`).
 * @param redeemedBy who redeems it (the executor's name), kept with the redemption
 * @throws ReceiptRejectedError `chainsec_receipt_replayed` when it was redeemed before
 */
export async function redeemReceipt(store: RedemptionStore, receipt: Receipt, redeemedBy: string): Promise<void> {
  const first = await store.redeemOnce(redemptionKey(receipt), new Date(receipt.expiresAt), {
    incidentId: receipt.incidentId,
    redeemedBy,
  });
  if (!first) {
    throw new ReceiptRejectedError(
      ErrorCode.ReceiptReplayed,
      `the receipt of ${receipt.incidentId} was redeemed before`,
      {
        incidentId: receipt.incidentId,
        ledgerHash: receipt.ledgerHash,
      },
    );
  }
}
