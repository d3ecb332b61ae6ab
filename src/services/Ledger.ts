import type { LedgerEntry } from '../domain/ledger';

/**
 * Reads of the decision ledger: the ledger table plus the entries still in
 * their incident's outbox (see {@link LedgerOutbox}), so the ledger is
 * complete from the commit on, published or not.
 */
export interface Ledger {
  /** One incident's chain, in seq order. */
  chain(incidentId: string): Promise<LedgerEntry[]>;
  /** Every entry, grouped by incident, each chain in seq order (the export). */
  all(): Promise<LedgerEntry[]>;
}
