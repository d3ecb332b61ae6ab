import { GENESIS_HASH, LedgerEntryType, type JsonValue, type LedgerEntry } from './ledger';
import type { LedgerConflict } from './ledgerMerge';

/**
 * The signed `ledger_checkpoint` an export ends with. It names every chain's
 * head (so a chain cut short at its end is caught) and, since checkpoints are
 * linked, it is itself an entry of the checkpoints' chain (`incidentId` `*`):
 * `seq` numbers it among every checkpoint the exporter issued and `prevHash` is
 * the previous checkpoint's `hash` (64 zeros for the first), so of two exports
 * a verifier can tell which is later and whether one follows the other.
 * Checkpoints written before the link (no `linked: true`) are unnumbered: their
 * `seq` is always 1 and means nothing.
 */

/** `incidentId` of checkpoints: the chain of checkpoints. */
export const CHECKPOINT_CHAIN = '*';

/** A chain's last entry as a checkpoint names it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The chain heads a checkpoint or anchor entry names in `heads`
 * (`incidentId → { seq, hash }`), or why they are malformed.
 * A head's `seq` is a safe integer, as every entry's is: a fractional or
 * huge one is malformed (it could never name an entry anyway).
 * @param what the entry in the errors (`checkpoint`, `anchor`)
 */
export function readHeads(named: unknown, what: string): Map<string, ChainHead> | { error: string } {
  if (typeof named !== 'object' || named === null || Array.isArray(named)) return { error: `${what} has no heads` };
  const heads = new Map<string, ChainHead>();
  for (const [incidentId, head] of Object.entries(named)) {
    const h = head as { seq?: unknown; hash?: unknown } | null;
    if (!Number.isSafeInteger(h?.seq) || typeof h?.hash !== 'string')
      return { error: `${what} head of ${incidentId} is malformed` };
    heads.set(incidentId, { seq: h.seq as number, hash: h.hash });
  }
  return heads;
}

/**
 * What a partial export holds (`partial` in its checkpoint): one incident's
 * chain, or every chain with an entry at or after `since`. Chains are whole
 * either way (they verify from their first entry); the others are left out.
 */
export interface ExportScope {
  incidentId?: string;
  /** ISO-8601. */
  since?: string;
}

/** What a checkpoint entry says. */
export interface CheckpointFacts {
  /** Set when the export is partial: the checkpoint names only the chains in scope. */
  partial: ExportScope | undefined;
  hash: string;
  at: string;
  /** Its number among the checkpoints issued; undefined for an unnumbered (pre-link) checkpoint. */
  seq: number | undefined;
  /** The previous checkpoint's hash ({@link GENESIS_HASH} for the first); undefined when unnumbered. */
  prevHash: string | undefined;
  /** Each chain's head, by incident id. */
  heads: Map<string, ChainHead>;
}

/**
 * The unsigned fields of the next checkpoint over `entries` (sealed by the
 * caller after the previous checkpoint, which gives it `seq` and `prevHash`).
 */
export function checkpointDraft(
  entries: readonly LedgerEntry[],
  at: string,
  extra: { partial?: ExportScope; conflicts?: readonly LedgerConflict[] } = {},
) {
  const heads: Record<string, ChainHead> = {};
  for (const e of entries) heads[e.incidentId] = { seq: e.seq, hash: e.hash };
  const { partial, conflicts } = extra;
  return {
    ...(partial && { partial: { ...partial } as unknown as JsonValue }),
    ...(conflicts && conflicts.length > 0 && { conflicts: conflicts.map((c) => ({ ...c })) as unknown as JsonValue }),
    type: LedgerEntryType.Checkpoint,
    actor: 'chainsec',
    at,
    chains: Object.keys(heads).length,
    entries: entries.length,
    heads: heads as unknown as JsonValue,
    linked: true,
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads a checkpoint entry whose hash and signature were checked.
 * @returns its facts, or why it cannot be a checkpoint
 */
export function readCheckpoint(entry: LedgerEntry): CheckpointFacts | { error: string } {
  if (entry.type !== LedgerEntryType.Checkpoint) {
    return { error: `not a ledger_checkpoint entry (type ${String(entry.type)})` };
  }
  const heads = readHeads(entry.heads, 'checkpoint');
  if ('error' in heads) return heads;
  const partial = readScope(entry.partial);
  if (partial === null) return { error: 'checkpoint has a malformed partial scope' };
  const base = { hash: entry.hash, at: String(entry.at), heads, partial };
  if (entry.linked !== true) return { ...base, seq: undefined, prevHash: undefined };
  const { seq, prevHash } = entry;
  if (!Number.isSafeInteger(seq) || seq < 1 || !HEX64.test(prevHash) || (seq === 1) !== (prevHash === GENESIS_HASH)) {
    return { error: `linked checkpoint has a malformed seq ${String(seq)} or prevHash` };
  }
  return { ...base, seq, prevHash };
}

/** A checkpoint's `partial`: undefined when absent, null when malformed. */
function readScope(value: unknown): ExportScope | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { incidentId, since, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (incidentId !== undefined && typeof incidentId !== 'string') return null;
  if (since !== undefined && typeof since !== 'string') return null;
  if (incidentId === undefined && since === undefined) return null;
  return { ...(incidentId !== undefined && { incidentId }), ...(since !== undefined && { since }) };
}

/** How to name a partial export's scope to a person. */
export function describeScope(scope: ExportScope): string {
  const parts = [
    ...(scope.incidentId === undefined ? [] : [`incident ${scope.incidentId}`]),
    ...(scope.since === undefined ? [] : [`chains with entries since ${scope.since}`]),
  ];
  return parts.join(', ');
}
