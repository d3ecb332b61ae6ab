import type { LedgerEntry } from '../domain/ledger';

/**
 * Where ledger entries are copied for a SIEM (EventBridge in AWS, a recording
 * stand-in in the sandbox and the tests). At-least-once: an entry may be sent
 * again after a failure, so consumers deduplicate on the entry's `hash`.
 */
export interface LedgerFeed {
  /**
   * Sends one event per entry.
   * @throws LedgerFeedError when some were not taken (the caller retries them all)
   */
  emit(entries: readonly LedgerEntry[]): Promise<void>;
}
