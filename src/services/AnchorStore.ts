import type { LedgerEntry } from '../domain/ledger';

/**
 * Write-once storage for anchors (src/domain/anchor.ts): in AWS an S3 bucket with
 * Object Lock in compliance mode ({@link S3AnchorStore}). Written by the sweep only.
 */
export interface AnchorStore {
  /**
   * Stores one signed anchor for good: never overwritten, never deleted.
   * @throws AnchorUnavailableError when the storage does not take it (the next sweep retries)
   */
  put(anchor: LedgerEntry): Promise<void>;
}
