import type { LedgerEntry } from '../domain/ledger';

/**
 * Where the governing proxy writes the ledger entries of tool calls: each
 * call is its own short chain (no incident, no card), written straight to the
 * ledger table so `chainsec verify` and the export see it like any chain.
 */
export interface ToolCallLedger {
  /**
   * Writes one signed entry where its place (chain, seq) is free.
   * @throws LedgerConflictError when the place holds another entry
   */
  append(entry: LedgerEntry): Promise<void>;
}
