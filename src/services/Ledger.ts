import type { LedgerEntry } from '../domain/ledger';

/**
 * Reads of the decision ledger: the ledger table plus the entries still in
 * their incident's outbox (see {@link LedgerOutbox}), so the ledger is
 * complete from the commit on, published or not.
 */
export interface Ledger {
  /** One incident's chain, in seq order. */
  chain(incidentId: string): Promise<LedgerEntry[]>;
  /**
   * Every entry (or, with `scope.incidentId`, that incident's), grouped by
   * incident, each chain in seq order, read consistently (the export). An
   * outbox entry that differs from the ledger table's entry at its place is
   * kept right after it (see src/domain/ledgerMerge.ts), so the export can name both.
   */
  all(scope?: { incidentId?: string }): Promise<LedgerEntry[]>;
}
