import { GENESIS_HASH, LedgerEntryType, type LedgerEntry } from '../domain/ledger';
import type { AppDeps } from './deps';
import { sealEntries } from './ledgerWriter';

/**
 * The decision ledger as JSON Lines (the format `chainsec verify` reads): every
 * chain in order, then one signed `ledger_checkpoint` entry naming each chain's
 * head, so an export cut short at the end of a chain fails verification too.
 */
export async function exportLedger(deps: Pick<AppDeps, 'store' | 'signer' | 'clock'>): Promise<string> {
  const entries = await deps.store.allLedgerEntries();
  const heads: Record<string, { seq: number; hash: string }> = {};
  for (const e of entries) heads[e.incidentId] = { seq: e.seq, hash: e.hash };
  const [checkpoint] = await sealEntries(deps.signer, '*', { seq: 0, hash: GENESIS_HASH }, [
    { type: LedgerEntryType.Checkpoint, actor: 'chainsec', at: deps.clock.now().toISOString(), chains: Object.keys(heads).length, entries: entries.length, heads },
  ]);
  return [...entries, checkpoint as LedgerEntry].map((e) => JSON.stringify(e)).join('\n') + '\n';
}
