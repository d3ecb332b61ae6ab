import type { KnownBlock } from '@slack/types';

/**
 * Block Kit limits (Slack's documented maxima, lengths in UTF-16 units as Slack
 * counts them). Slack rejects a whole message that breaks one, so a card that
 * is too long would not be shown at all; every builder bounds to these.
 */

/** `text` of a section block. */
export const SECTION_TEXT_MAX = 3000;
/** `text` of a header block (plain_text). */
export const HEADER_TEXT_MAX = 150;
/** A button's label. */
export const BUTTON_TEXT_MAX = 75;
/** A button's `value`. */
export const BUTTON_VALUE_MAX = 2000;
/** Fields in one section block. */
export const FIELDS_MAX = 10;
/** Length of each section field. */
export const FIELD_TEXT_MAX = 2000;
/** Elements in one context block. */
export const CONTEXT_ELEMENTS_MAX = 10;
/** Length of a context block's text element. */
export const CONTEXT_TEXT_MAX = 3000;
/** Elements in one actions block. */
export const ACTIONS_ELEMENTS_MAX = 25;
/** `block_id` and `action_id`. */
export const ID_MAX = 255;
/** Confirm dialog title. */
export const CONFIRM_TITLE_MAX = 100;
/** Confirm dialog body. */
export const CONFIRM_TEXT_MAX = 300;
/** Confirm dialog button labels ("Approve", "Cancel"). */
export const CONFIRM_BUTTON_MAX = 30;
/** Blocks in one message. */
export const MESSAGE_BLOCKS_MAX = 50;
/** Blocks in an App Home view. */
export const HOME_BLOCKS_MAX = 100;
/** Our own bound for the `text` fallback: it is a notification line, not the card. */
export const MESSAGE_TEXT_MAX = 3000;
/**
 * Bound on the JSON of `{ text, blocks }` in UTF-8 bytes. Slack's payload limit
 * is around 40 KB; staying well below leaves room for the other arguments of
 * `chat.postMessage` / `chat.update` and for JSON escaping on the wire.
 */
export const MAX_MESSAGE_JSON_BYTES = 35_000;

/** A message as the builders return it. */
export interface BlockMessage {
  text: string;
  blocks: KnownBlock[];
}

const encoder = new TextEncoder();

/** UTF-8 size of the message's JSON, the measure {@link MAX_MESSAGE_JSON_BYTES} bounds. */
export function messageJsonBytes(message: BlockMessage): number {
  return encoder.encode(JSON.stringify({ text: message.text, blocks: message.blocks })).length;
}

interface TextLike {
  type?: string;
  text?: unknown;
}

function textOf(value: unknown): string | undefined {
  const t = value as TextLike | undefined;
  return typeof t?.text === 'string' ? t.text : undefined;
}

/**
 * Every Block Kit limit the message breaks, as readable strings (empty when it
 * is valid). Checks what chainsec's builders use: header, section (text and
 * fields), context, actions with buttons and confirm dialogs; also empty texts
 * and repeated `block_id`s, which Slack rejects too.
 */
export function limitViolations(message: BlockMessage, maxBlocks: number = MESSAGE_BLOCKS_MAX): string[] {
  const out: string[] = [];
  const over = (what: string, value: string | undefined, max: number): void => {
    if (value !== undefined && value.length > max) out.push(`${what} is ${value.length} > ${max}`);
  };
  const empty = (what: string, value: string | undefined): void => {
    if (value !== undefined && value.length === 0) out.push(`${what} is empty`);
  };
  const ids = new Set<string>();
  if (message.blocks.length > maxBlocks) out.push(`${message.blocks.length} blocks > ${maxBlocks}`);
  over('text', message.text, MESSAGE_TEXT_MAX);
  const bytes = messageJsonBytes(message);
  if (bytes > MAX_MESSAGE_JSON_BYTES) out.push(`JSON is ${bytes} bytes > ${MAX_MESSAGE_JSON_BYTES}`);
  message.blocks.forEach((block, i) => {
    const at = `block ${i} (${block.type})`;
    if ('block_id' in block && block.block_id !== undefined) {
      over(`${at} block_id`, block.block_id, ID_MAX);
      if (ids.has(block.block_id)) out.push(`${at} repeats block_id ${block.block_id}`);
      ids.add(block.block_id);
    }
    switch (block.type) {
      case 'header':
        over(`${at} text`, block.text.text, HEADER_TEXT_MAX);
        empty(`${at} text`, block.text.text);
        break;
      case 'section':
        over(`${at} text`, textOf(block.text), SECTION_TEXT_MAX);
        empty(`${at} text`, textOf(block.text));
        if (block.fields) {
          if (block.fields.length > FIELDS_MAX) out.push(`${at} has ${block.fields.length} fields > ${FIELDS_MAX}`);
          block.fields.forEach((f, j) => {
            over(`${at} field ${j}`, f.text, FIELD_TEXT_MAX);
            empty(`${at} field ${j}`, f.text);
          });
        }
        break;
      case 'context':
        if (block.elements.length > CONTEXT_ELEMENTS_MAX)
          out.push(`${at} has ${block.elements.length} elements > ${CONTEXT_ELEMENTS_MAX}`);
        block.elements.forEach((e, j) => {
          over(`${at} element ${j}`, textOf(e), CONTEXT_TEXT_MAX);
          empty(`${at} element ${j}`, textOf(e));
        });
        break;
      case 'actions':
        if (block.elements.length > ACTIONS_ELEMENTS_MAX)
          out.push(`${at} has ${block.elements.length} elements > ${ACTIONS_ELEMENTS_MAX}`);
        block.elements.forEach((e, j) => {
          if (e.type !== 'button') return;
          over(`${at} button ${j} text`, e.text.text, BUTTON_TEXT_MAX);
          over(`${at} button ${j} value`, e.value, BUTTON_VALUE_MAX);
          over(`${at} button ${j} action_id`, e.action_id, ID_MAX);
          if (e.confirm) {
            over(`${at} button ${j} confirm title`, e.confirm.title?.text, CONFIRM_TITLE_MAX);
            over(`${at} button ${j} confirm text`, e.confirm.text.text, CONFIRM_TEXT_MAX);
            over(`${at} button ${j} confirm button`, e.confirm.confirm?.text, CONFIRM_BUTTON_MAX);
            over(`${at} button ${j} deny button`, e.confirm.deny?.text, CONFIRM_BUTTON_MAX);
          }
        });
        break;
      default:
        break;
    }
  });
  return out;
}

/** Whether Slack takes the message as it is: {@link MESSAGE_BLOCKS_MAX} blocks, {@link MAX_MESSAGE_JSON_BYTES}. */
export function withinMessageLimits(message: BlockMessage): boolean {
  return messageJsonBytes(message) <= MAX_MESSAGE_JSON_BYTES && message.blocks.length <= MESSAGE_BLOCKS_MAX;
}
