import type { StoredIncident } from './IncidentRepository';

/** What {@link LedgerOutbox.publishAll} did. */
export interface PublishReport {
  /** Entries copied to the ledger table. */
  published: number;
  /** Incidents whose entries stay unpublished, and why (e.g. LedgerConflictError). */
  failures: Array<{ incidentId: string; error: Error & { code?: string } }>;
}

/**
 * The transactional outbox of the ledger: signed entries committed inside
 * their incident (see {@link IncidentRepository.commit}) are copied from there
 * to the ledger table, one item per entry, each put only where its place
 * (incident, seq) is free, so a repeat is harmless and a different entry is
 * never overwritten. Off the decision path; the sweep publishes what a crash
 * or an outage left behind.
 */
export interface LedgerOutbox {
  /**
   * Publishes one incident's unpublished entries, then drops them from the
   * incident (unless someone wrote since: that writer carried them along, and
   * a later publication drops them).
   * @param known the incident as last read or written; read when omitted
   * @returns how many entries were published
   * @throws LedgerConflictError when the ledger table holds a different entry at an entry's place
   */
  publish(incidentId: string, known?: StoredIncident): Promise<number>;
  /** Publishes every incident's unpublished entries (the sweep), one incident's failure not stopping the others. */
  publishAll(): Promise<PublishReport>;
}
