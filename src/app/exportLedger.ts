import { CHECKPOINT_CHAIN, checkpointDraft, type ChainHead } from '../domain/checkpoint';
import { GENESIS_HASH, type LedgerEntry } from '../domain/ledger';
import { ledgerLine } from '../domain/ledgerLines';
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

/**
 * The decision ledger as JSON Lines (the format `chainsec verify` reads), each
 * line the RFC 8785 canonical JSON of its entry: every chain in order, then one
 * signed `ledger_checkpoint` naming each chain's head, so an export cut short at
 * the end of a chain fails verification too.
 *
 * Checkpoints are linked: each one takes the next number after the last one
 * issued and names its hash (see src/domain/checkpoint.ts), remembered in the
 * side document {@link LAST_CHECKPOINT_DOC}. Taking a number is a write
 * conditioned on the version read, so two concurrent exports never share one;
 * the loser signs again after the winner. The document is read before the
 * entries, so a higher number never names fewer entries (the ledger only grows).
 * @throws ConcurrentUpdateError when other exports kept winning the race
 */
export async function exportLedger(deps: Pick<AppDeps, 'sideDocs' | 'ledger' | 'signer' | 'clock'>): Promise<string> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const last = await deps.sideDocs.get<LastCheckpoint>(LAST_CHECKPOINT_DOC);
    const previous: ChainHead = last ? { seq: last.value.seq, hash: last.value.hash } : { seq: 0, hash: GENESIS_HASH };
    const entries = await deps.ledger.all();
    const now = deps.clock.now();
    const draft = checkpointDraft(entries, now.toISOString());
    const [checkpoint] = await sealEntries(deps.signer, CHECKPOINT_CHAIN, previous, [draft]);
    const issued: LastCheckpoint = { seq: checkpoint!.seq, hash: checkpoint!.hash, at: String(checkpoint!.at) };
    const taken = await deps.sideDocs.put(LAST_CHECKPOINT_DOC, issued, last?.version ?? 0, {
      now,
      ttlSeconds: LAST_CHECKPOINT_TTL_SECONDS,
      open: false,
    });
    if (taken) return [...entries, checkpoint as LedgerEntry].map(ledgerLine).join('\n') + '\n';
  }
  throw new ConcurrentUpdateError(`another export took the next checkpoint number ${MAX_ATTEMPTS} times in a row`, {
    doc: LAST_CHECKPOINT_DOC,
  });
}
