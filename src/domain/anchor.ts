import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { readHeads, type ChainHead } from './checkpoint';
import { GENESIS_HASH, LedgerEntryType, type JsonValue, type LedgerEntry } from './ledger';

/**
 * Anchors (docs/AUDIT.md): signed checkpoints of every chain's head,
 * written by the sweep to write-once storage (S3 with Object Lock) whenever the
 * ledger changed since the last one. An export verifies on its own; a whole
 * export rolled back to an earlier, genuinely signed state does too. An anchor
 * written before the roll-back names an entry (incident, `seq`, `hash`) that
 * the rolled-back export lacks or contradicts, and storage that nobody in the
 * stack can delete or rewrite keeps that anchor. No I/O here.
 */

/** `incidentId` of anchors: their own chain, apart from the incidents' and the checkpoints' (`*`). */
export const ANCHOR_CHAIN = '#anchors';

/**
 * Every incident chain's head among `entries` (checkpoints and anchors left out).
 * Entries of a chain come in seq order, as the store and exports give them.
 */
export function chainHeads(entries: readonly LedgerEntry[]): Map<string, ChainHead> {
  const heads = new Map<string, ChainHead>();
  for (const e of entries) {
    if (e.type === LedgerEntryType.Checkpoint || e.type === LedgerEntryType.Anchor) continue;
    const known = heads.get(e.incidentId);
    if (!known || e.seq > known.seq) heads.set(e.incidentId, { seq: e.seq, hash: e.hash });
  }
  return heads;
}

/** Lowercase hex SHA-256 of the heads' canonical JSON: equal digests, unchanged ledger. */
export function headsDigest(heads: ReadonlyMap<string, ChainHead>): string {
  return createHash('sha256')
    .update(canonicalize(Object.fromEntries(heads)) ?? '{}')
    .digest('hex');
}

/** The unsigned fields of an anchor naming `heads` (sealed on {@link ANCHOR_CHAIN} after the previous anchor). */
export function anchorDraft(heads: ReadonlyMap<string, ChainHead>, at: string) {
  return {
    type: LedgerEntryType.Anchor,
    actor: 'chainsec',
    at,
    chains: heads.size,
    heads: Object.fromEntries(heads) as unknown as JsonValue,
  };
}

/**
 * The object key of anchor number `seq` under `prefix`: the number alone,
 * zero-padded so keys sort by number. One key per number, written once
 * (a conditional put), so a second anchor with the same number can never be
 * stored beside or over the first.
 */
export function anchorKey(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(12, '0')}.jsonl`;
}

/**
 * The anchor number an object key names (see {@link anchorKey}), and the hash
 * it names too for keys written before keys held the number alone
 * (`<number>-<hash>.jsonl`); undefined when the key names no anchor.
 */
export function anchorNumberOfKey(prefix: string, key: string): { seq: number; hash?: string } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const m = /^(\d{12})(?:-([0-9a-f]{64}))?\.jsonl$/.exec(key.slice(prefix.length));
  if (!m) return undefined;
  return { seq: Number(m[1]), ...(m[2] !== undefined && { hash: m[2] }) };
}

/** What an anchor entry says. */
export interface AnchorFacts {
  hash: string;
  /** The hash of the anchor before it (the genesis hash for the first). */
  prevHash: string;
  seq: number;
  at: string;
  heads: Map<string, ChainHead>;
}

/**
 * Reads an anchor entry whose hash and signature were checked.
 * @returns its facts, or why it cannot be an anchor
 */
export function readAnchor(entry: LedgerEntry): AnchorFacts | { error: string } {
  if (entry.type !== LedgerEntryType.Anchor || entry.incidentId !== ANCHOR_CHAIN) {
    return { error: `not a ledger_anchor entry (type ${String(entry.type)})` };
  }
  const heads = readHeads(entry.heads, 'anchor');
  if ('error' in heads) return heads;
  return { hash: entry.hash, prevHash: String(entry.prevHash), seq: entry.seq, at: String(entry.at), heads };
}

/**
 * Checks that anchors form one unbroken chain: numbered 1, 2, 3, ... with
 * none missing and none twice, each linking the one before it (`prevHash`),
 * the first linking the genesis hash.
 * @returns the first anchor out of place and why; undefined when they form one chain
 */
export function anchorChainBreak(anchors: readonly AnchorFacts[]): { seq: number; reason: string } | undefined {
  const sorted = [...anchors].sort((a, b) => a.seq - b.seq);
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  for (const a of sorted) {
    const at = (reason: string) => ({ seq: a.seq, reason });
    if (a.seq === previous.seq) return at(`two anchors numbered ${a.seq} (a fork: anchors were written again)`);
    if (a.seq !== previous.seq + 1)
      return at(`anchor seq ${a.seq} follows anchor seq ${previous.seq}: ${a.seq - previous.seq - 1} missing (a gap)`);
    if (a.prevHash !== previous.hash)
      return at(
        `anchor seq ${a.seq} does not link anchor seq ${previous.seq} (prevHash differs: the chain was rewritten)`,
      );
    previous = a;
  }
  return undefined;
}

/** An entry an anchor names that the export lacks or contradicts. */
export interface AnchorMismatch {
  incidentId: string;
  seq: number;
  reason: string;
}

/**
 * Checks that the export holds every entry the anchor names, unchanged.
 * @param entries the export's entries (verified)
 * @returns the first entry the export lacks or contradicts; undefined when it holds them all
 */
export function anchorMismatch(entries: readonly LedgerEntry[], anchor: AnchorFacts): AnchorMismatch | undefined {
  const hashes = new Map<string, Map<number, string>>();
  for (const e of entries) {
    if (e.type === LedgerEntryType.Checkpoint || e.type === LedgerEntryType.Anchor) continue;
    const chain = hashes.get(e.incidentId) ?? new Map<number, string>();
    chain.set(e.seq, e.hash);
    hashes.set(e.incidentId, chain);
  }
  const which = `anchor seq ${anchor.seq} of ${anchor.at}`;
  for (const [incidentId, head] of anchor.heads) {
    const found = hashes.get(incidentId)?.get(head.seq);
    if (found === undefined) {
      const has = hashes.get(incidentId)?.size ?? 0;
      const what = has === 0 ? 'has no entry of this chain' : `ends this chain at seq ${has}`;
      const reason = `${which} names seq ${head.seq} but the export ${what} (rolled back to an earlier state?)`;
      return { incidentId, seq: head.seq, reason };
    }
    if (found !== head.hash) {
      return { incidentId, seq: head.seq, reason: `${which} names another entry at seq ${head.seq} (hash differs)` };
    }
  }
  return undefined;
}
