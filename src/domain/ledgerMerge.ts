import type { LedgerEntry } from './ledger';

/**
 * Merging the ledger table with the incidents' outboxes (entries committed
 * with their incident, not yet published). An outbox entry whose place
 * (incident, seq) the table already holds is normally the same entry (a
 * publish that has not dropped it yet); when it is a different entry the
 * ledger is forked at that place, and readers must say so rather than pick one.
 */

/** Two different entries at one place: the ledger table's and an outbox's. */
export interface LedgerConflict {
  incidentId: string;
  seq: number;
  /** `hash` of the entry in the ledger table. */
  ledgerTable: string;
  /** `hash` of the entry in the incident's outbox. */
  outbox: string;
}

/** An entry's place in the ledger (`incidentId#seq`). */
const placeOf = (entry: Pick<LedgerEntry, 'incidentId' | 'seq'>): string => `${entry.incidentId}#${entry.seq}`;

const byPlace = (a: LedgerEntry, b: LedgerEntry): number =>
  a.incidentId === b.incidentId ? a.seq - b.seq : a.incidentId < b.incidentId ? -1 : 1;

/**
 * The table's entries plus the outbox entries whose place it lacks, grouped by
 * incident, each chain in seq order. An outbox entry that differs from the
 * table's entry at its place is kept too, right after it: see {@link splitConflicts}.
 */
export function mergeOutbox(fromTable: readonly LedgerEntry[], unpublished: readonly LedgerEntry[]): LedgerEntry[] {
  const hashes = new Map(fromTable.map((e) => [placeOf(e), e.hash]));
  const extra = unpublished.filter((e) => hashes.get(placeOf(e)) !== e.hash);
  // Array.prototype.sort is stable: at one place, the table's entry (first in the input) stays first.
  return [...fromTable, ...extra].sort(byPlace);
}

/**
 * Splits a merged ledger ({@link mergeOutbox}) into its chains and the conflicts:
 * the first entry at each place is the table's, a later different one the outbox's.
 */
export function splitConflicts(merged: readonly LedgerEntry[]): { chains: LedgerEntry[]; conflicts: LedgerConflict[] } {
  const chains: LedgerEntry[] = [];
  const conflicts: LedgerConflict[] = [];
  const first = new Map<string, LedgerEntry>();
  for (const e of merged) {
    const held = first.get(placeOf(e));
    if (!held) {
      first.set(placeOf(e), e);
      chains.push(e);
    } else if (held.hash !== e.hash) {
      conflicts.push({ incidentId: e.incidentId, seq: e.seq, ledgerTable: held.hash, outbox: e.hash });
    }
  }
  return { chains, conflicts };
}
