import { CHECKPOINT_CHAIN, checkpointDraft, type ChainHead, type ExportScope } from '../domain/checkpoint';
import { GENESIS_HASH, type LedgerEntry } from '../domain/ledger';
import { ledgerLine } from '../domain/ledgerLines';
import { splitConflicts, type LedgerConflict } from '../domain/ledgerMerge';
import { ConcurrentUpdateError } from '../errors';
import type { AppDeps } from './deps';
import { sealEntries } from './ledgerWriter';

/** The side document remembering the last checkpoint issued (see {@link exportLedger}). */
export const LAST_CHECKPOINT_DOC = 'ledger-checkpoint';

/** What {@link LAST_CHECKPOINT_DOC} holds. */
export interface LastCheckpoint extends ChainHead {
  at: string;
}

/**
 * Side documents expire; this one must outlive every export a verifier may
 * hold, or the numbering would start again at 1. A century is "never" here.
 */
const LAST_CHECKPOINT_TTL_SECONDS = 100 * 365 * 24 * 3600;

/** Exports racing for the next checkpoint number retry this often before giving up. */
const MAX_ATTEMPTS = 5;

/** An export built by {@link buildLedgerExport}. */
export interface LedgerExport {
  /** The JSON Lines lines (no newline), the signed checkpoint last. */
  lines: string[];
  /** Entries before the checkpoint (conflicting outbox entries included). */
  entries: number;
  chains: number;
  /** Places where the ledger table and an outbox hold different entries (both are in `lines`). */
  conflicts: LedgerConflict[];
  /** The checkpoint's number among the checkpoints issued. */
  checkpointSeq: number;
}

/**
 * The decision ledger as JSON Lines (the format `chainsec verify` reads), each
 * line the RFC 8785 canonical JSON of its entry: every chain in order, then one
 * signed `ledger_checkpoint` naming each chain's head, so an export cut short at
 * the end of a chain fails verification too. `GET /sandbox/ledger` and
 * `chainsec export` both come here.
 *
 * With a scope (`incidentId`, `since`) the export is partial: whole chains of
 * that incident, or of every incident with an entry at or after `since`; its
 * checkpoint says so (`partial`) and names only those chains.
 *
 * A place (incident, seq) where an outbox holds another entry than the ledger
 * table is a conflict: both entries are exported, the table's first (so
 * `chainsec verify` fails there, naming both lines), and the checkpoint lists
 * the conflicts with both hashes.
 *
 * Checkpoints are linked: each one takes the next number after the last one
 * issued and names its hash (see src/domain/checkpoint.ts), remembered in the
 * side document {@link LAST_CHECKPOINT_DOC}. Taking a number is a write
 * conditioned on the version read, so two concurrent exports never share one;
 * the loser signs again after the winner. The document is read before the
 * entries, so a higher number never names fewer entries (the ledger only grows).
 * @throws ConcurrentUpdateError when other exports kept winning the race
 */
export async function buildLedgerExport(
  deps: Pick<AppDeps, 'sideDocs' | 'ledger' | 'signer' | 'clock'>,
  scope: ExportScope = {},
): Promise<LedgerExport> {
  const partial = scope.incidentId !== undefined || scope.since !== undefined ? scope : undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const last = await deps.sideDocs.get<LastCheckpoint>(LAST_CHECKPOINT_DOC);
    const previous: ChainHead = last ? { seq: last.value.seq, hash: last.value.hash } : { seq: 0, hash: GENESIS_HASH };
    const merged = inScope(
      await deps.ledger.all(scope.incidentId === undefined ? {} : { incidentId: scope.incidentId }),
      scope.since,
    );
    const { chains, conflicts } = splitConflicts(merged);
    const now = deps.clock.now();
    const draft = checkpointDraft(chains, now.toISOString(), { ...(partial && { partial }), conflicts });
    const [checkpoint] = await sealEntries(deps.signer, CHECKPOINT_CHAIN, previous, [draft]);
    const issued: LastCheckpoint = { seq: checkpoint!.seq, hash: checkpoint!.hash, at: String(checkpoint!.at) };
    const taken = await deps.sideDocs.put(LAST_CHECKPOINT_DOC, issued, last?.version ?? 0, {
      now,
      ttlSeconds: LAST_CHECKPOINT_TTL_SECONDS,
      open: false,
    });
    if (taken) {
      return {
        lines: [...merged, checkpoint as LedgerEntry].map(ledgerLine),
        entries: merged.length,
        chains: new Set(chains.map((e) => e.incidentId)).size,
        conflicts,
        checkpointSeq: checkpoint!.seq,
      };
    }
  }
  throw new ConcurrentUpdateError(`another export took the next checkpoint number ${MAX_ATTEMPTS} times in a row`, {
    doc: LAST_CHECKPOINT_DOC,
  });
}

/**
 * The whole ledger as one JSON Lines text (`GET /sandbox/ledger`): {@link buildLedgerExport} unscoped.
 * @throws ConcurrentUpdateError when other exports kept winning the race
 */
export async function exportLedger(deps: Pick<AppDeps, 'sideDocs' | 'ledger' | 'signer' | 'clock'>): Promise<string> {
  return `${(await buildLedgerExport(deps)).lines.join('\n')}\n`;
}

/** Whole chains with an entry at or after `since` (every chain without it). */
function inScope(merged: LedgerEntry[], since: string | undefined): LedgerEntry[] {
  if (since === undefined) return merged;
  const from = Date.parse(since);
  const touched = new Set(merged.filter((e) => Date.parse(String(e.at)) >= from).map((e) => e.incidentId));
  return merged.filter((e) => touched.has(e.incidentId));
}
