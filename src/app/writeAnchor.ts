import { ANCHOR_CHAIN, anchorDraft, chainHeads, headsDigest } from '../domain/anchor';
import type { ChainHead } from '../domain/checkpoint';
import { GENESIS_HASH } from '../domain/ledger';
import type { AnchorStore } from '../services/AnchorStore';
import type { AppDeps } from './deps';
import { sealEntries } from './ledgerWriter';

/** The side document remembering the last anchor written (see {@link writeAnchor}). */
export const LAST_ANCHOR_DOC = 'ledger-anchor';

/** What {@link LAST_ANCHOR_DOC} holds: the last anchor's place in the anchors' chain, and what it named. */
export interface LastAnchor extends ChainHead {
  at: string;
  /** {@link headsDigest} of the heads it named: the ledger changed when today's differs. */
  headsDigest: string;
}

/** What {@link writeAnchor} did. */
export type AnchorOutcome =
  | { written: true; seq: number; chains: number }
  | { written: false; reason: 'unchanged' | 'empty' };

/** Must outlive every export a verifier may hold, or anchor numbers would start again (as the checkpoints'). */
const LAST_ANCHOR_TTL_SECONDS = 100 * 365 * 24 * 3600;

/**
 * Writes an anchor (src/domain/anchor.ts) when the ledger changed since the last
 * one: every chain's head, signed, chained after the previous anchor, stored
 * write-once. The side document {@link LAST_ANCHOR_DOC} moves on only after the
 * storage took the anchor, so an anchor that could not be written is written by
 * the next call (the ledger still differs from the last anchor). Two concurrent
 * callers may both store one: each names real heads, so a duplicate is harmless
 * (the sweep runs one at a time anyway).
 * @throws AnchorUnavailableError when the storage refuses; SigningFailedError when the key cannot sign
 */
export async function writeAnchor(
  deps: Pick<AppDeps, 'sideDocs' | 'ledger' | 'signer' | 'clock'> & { anchors: AnchorStore },
): Promise<AnchorOutcome> {
  const last = await deps.sideDocs.get<LastAnchor>(LAST_ANCHOR_DOC);
  const heads = chainHeads(await deps.ledger.all());
  if (heads.size === 0) return { written: false, reason: 'empty' };
  const digest = headsDigest(heads);
  if (last?.value.headsDigest === digest) return { written: false, reason: 'unchanged' };

  const now = deps.clock.now();
  const previous: ChainHead = last ? { seq: last.value.seq, hash: last.value.hash } : { seq: 0, hash: GENESIS_HASH };
  const [anchor] = await sealEntries(deps.signer, ANCHOR_CHAIN, previous, [anchorDraft(heads, now.toISOString())]);
  await deps.anchors.put(anchor!);
  const written: LastAnchor = { seq: anchor!.seq, hash: anchor!.hash, at: String(anchor!.at), headsDigest: digest };
  await deps.sideDocs.put(LAST_ANCHOR_DOC, written, last?.version ?? 0, {
    now,
    ttlSeconds: LAST_ANCHOR_TTL_SECONDS,
    open: false,
  });
  return { written: true, seq: anchor!.seq, chains: heads.size };
}
