import type { KnownBlock } from '@slack/types';
import { truncate } from './escape';
import {
  MAX_MESSAGE_JSON_BYTES,
  MESSAGE_BLOCKS_MAX,
  MESSAGE_TEXT_MAX,
  messageJsonBytes,
  type BlockMessage,
} from './limits';

/** Options of {@link fitMessage}. */
export interface FitOptions {
  /** `block_id`s to shorten, then drop, before anything else; first listed goes first. */
  shrinkFirst?: readonly string[];
  maxBlocks?: number;
  maxBytes?: number;
}

/** Below this many units a block is dropped rather than halved again. */
const MIN_USEFUL_TEXT = 120;

/** Blocks that carry the card's meaning (title, buttons) and go last. */
const isEssential = (b: KnownBlock): boolean => b.type === 'header' || b.type === 'actions';

function blockId(b: KnownBlock): string | undefined {
  return 'block_id' in b ? b.block_id : undefined;
}

/** Total length of the texts {@link halve} can shorten. */
function textLength(b: KnownBlock): number {
  if (b.type === 'section') return (b.text?.text.length ?? 0) + (b.fields ?? []).reduce((n, f) => n + f.text.length, 0);
  if (b.type === 'context')
    return b.elements.reduce((n, e) => n + ('text' in e && typeof e.text === 'string' ? e.text.length : 0), 0);
  return 0;
}

/** The block with each of its texts cut to about half (entity- and token-safe). */
function halve(b: KnownBlock): KnownBlock {
  // Short texts stay whole: Slack rejects empty text objects, and a cut label helps nobody.
  const half = (t: string): string => (t.length <= MIN_USEFUL_TEXT / 2 ? t : truncate(t, Math.floor(t.length / 2)));
  if (b.type === 'section') {
    return {
      ...b,
      ...(b.text && { text: { ...b.text, text: half(b.text.text) } }),
      ...(b.fields && { fields: b.fields.map((f) => ({ ...f, text: half(f.text) })) }),
    };
  }
  if (b.type === 'context') {
    return {
      ...b,
      elements: b.elements.map((e) => ('text' in e && typeof e.text === 'string' ? { ...e, text: half(e.text) } : e)),
    };
  }
  return b;
}

/** A strictly shorter version of the block, or `undefined` when it cannot usefully shrink. */
function shrink(b: KnownBlock): KnownBlock | undefined {
  const before = textLength(b);
  if (before <= MIN_USEFUL_TEXT) return undefined;
  const after = halve(b);
  return textLength(after) < before ? after : undefined;
}

/** Index of the block to drop next: a listed one, else the last non-essential, else the last. */
function dropCandidate(blocks: KnownBlock[], shrinkFirst: readonly string[]): number {
  for (const id of shrinkFirst) {
    const i = blocks.findIndex((b) => blockId(b) === id);
    if (i >= 0) return i;
  }
  for (let i = blocks.length - 1; i >= 0; i--) if (!isEssential(blocks[i]!)) return i;
  return blocks.length - 1;
}

/**
 * Guarantees a message fits Slack: `text` ≤ {@link MESSAGE_TEXT_MAX}, at most
 * `maxBlocks` blocks and at most `maxBytes` of JSON. It shortens the
 * `shrinkFirst` blocks (the agent's reasoning and evidence) before touching
 * anything else, then the longest other texts, and drops blocks only as a
 * last resort, header and buttons last. Builders bound each text already; this
 * is the net for pathological input (e.g. every character 4 bytes of UTF-8).
 */
export function fitMessage(message: BlockMessage, options: FitOptions = {}): BlockMessage {
  const shrinkFirst = options.shrinkFirst ?? [];
  const maxBlocks = options.maxBlocks ?? MESSAGE_BLOCKS_MAX;
  const maxBytes = options.maxBytes ?? MAX_MESSAGE_JSON_BYTES;
  const text = truncate(message.text, MESSAGE_TEXT_MAX);
  const blocks = [...message.blocks];
  const size = (): number => messageJsonBytes({ text, blocks });

  while (blocks.length > maxBlocks) blocks.splice(dropCandidate(blocks, shrinkFirst), 1);

  // The listed blocks first, halving each until it fits or is too short to keep.
  for (const id of shrinkFirst) {
    let i = blocks.findIndex((b) => blockId(b) === id);
    while (i >= 0 && size() > maxBytes) {
      const shorter = shrink(blocks[i]!);
      if (shorter) blocks[i] = shorter;
      else {
        blocks.splice(i, 1);
        i = -1;
      }
    }
  }
  // Then the longest remaining text, then whole blocks. Each step shrinks the message, so this ends.
  while (size() > maxBytes && blocks.length > 0) {
    const byLength = blocks.map((b, i) => ({ i, n: textLength(b) })).sort((a, b) => b.n - a.n);
    let shrunk = false;
    for (const { i } of byLength) {
      const shorter = shrink(blocks[i]!);
      if (shorter) {
        blocks[i] = shorter;
        shrunk = true;
        break;
      }
    }
    if (!shrunk) blocks.splice(dropCandidate(blocks, []), 1);
  }
  return { text, blocks };
}
