import type { LedgerEntry } from '../domain/ledger';

/**
 * Write-once storage for anchors (src/domain/anchor.ts): in AWS an S3 bucket with
 * Object Lock in compliance mode ({@link S3AnchorStore}). Written by the sweep only.
 * Each anchor is stored under its number, once: a second anchor with a number
 * already stored is refused, never written over the first.
 */
export interface AnchorStore {
  /**
   * Stores one signed anchor for good under its number: never overwritten, never deleted.
   * @throws AnchorTakenError when the storage already holds an anchor with this number
   * @throws AnchorUnavailableError when the storage does not take it (the next sweep retries)
   */
  put(anchor: LedgerEntry): Promise<void>;
  /**
   * The anchor stored under number `seq`, as stored (unchecked); undefined when none is.
   * @throws AnchorUnavailableError when the storage cannot be read
   */
  get(seq: number): Promise<LedgerEntry | undefined>;
}
