import { ANCHOR_CHAIN, anchorDraft, chainHeads, headsDigest, readAnchor } from '../domain/anchor';
import type { ChainHead } from '../domain/checkpoint';
import { entryHash, GENESIS_HASH, type LedgerEntry } from '../domain/ledger';
import { AnchorTakenError } from '../errors';
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
  | { written: false; reason: 'unchanged' | 'empty' }
  /** The storage held this number already, written by an earlier sweep that stopped before remembering it. */
  | { written: false; reason: 'found'; seq: number };

/** Must outlive every export a verifier may hold, or anchor numbers would start again (as the checkpoints'). */
const LAST_ANCHOR_TTL_SECONDS = 100 * 365 * 24 * 3600;

/**
 * Writes an anchor (src/domain/anchor.ts) when the ledger changed since the last
 * one: every chain's head, signed, chained after the previous anchor, stored
 * write-once. The side document {@link LAST_ANCHOR_DOC} moves on only after the
 * storage took the anchor, so an anchor that could not be written is written by
 * the next call (the ledger still differs from the last anchor). Each number
 * is stored once: when the storage holds it already (an earlier sweep stored it
 * and stopped before the side document moved on, or a concurrent sweep won),
 * the stored anchor is taken as the last one if it follows the last one
 * remembered, and the next call anchors after it.
 * @throws AnchorUnavailableError when the storage refuses; SigningFailedError when the key cannot sign;
 *   AnchorTakenError when the stored anchor of that number does not follow the last one (loud: nothing is overwritten)
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
  const remember = (value: LastAnchor) =>
    deps.sideDocs.put(LAST_ANCHOR_DOC, value, last?.version ?? 0, {
      now,
      ttlSeconds: LAST_ANCHOR_TTL_SECONDS,
      open: false,
    });
  try {
    await deps.anchors.put(anchor!);
  } catch (e) {
    if (!(e instanceof AnchorTakenError)) throw e;
    const found = following(await deps.anchors.get(anchor!.seq), previous);
    if (!found) {
      throw new AnchorTakenError(
        `anchor ${anchor!.seq} in storage does not follow anchor ${previous.seq} (the last this stack remembers)`,
        { seq: anchor!.seq },
        { cause: e },
      );
    }
    await remember(found);
    return { written: false, reason: 'found', seq: found.seq };
  }
  await remember({ seq: anchor!.seq, hash: anchor!.hash, at: String(anchor!.at), headsDigest: digest });
  return { written: true, seq: anchor!.seq, chains: heads.size };
}

/**
 * The stored anchor as the last anchor, when it is a well-formed anchor (its
 * hash matches) that links `previous`; undefined otherwise. Its signature is
 * for the verifier to check, as every anchor's.
 */
function following(stored: LedgerEntry | undefined, previous: ChainHead): LastAnchor | undefined {
  if (!stored || stored.seq !== previous.seq + 1 || stored.prevHash !== previous.hash) return undefined;
  if (typeof stored.hash !== 'string' || entryHash(stored) !== stored.hash) return undefined;
  const facts = readAnchor(stored);
  if ('error' in facts) return undefined;
  return { seq: facts.seq, hash: facts.hash, at: facts.at, headsDigest: headsDigest(facts.heads) };
}
