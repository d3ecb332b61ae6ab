import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  Overflow,
  SectionBlock,
} from '@slack/types';
import { plain, truncate } from './escape';
import {
  BUTTON_TEXT_MAX,
  BUTTON_VALUE_MAX,
  CONFIRM_BUTTON_MAX,
  CONFIRM_TEXT_MAX,
  CONFIRM_TITLE_MAX,
  CONTEXT_ELEMENTS_MAX,
  CONTEXT_TEXT_MAX,
  FIELDS_MAX,
  FIELD_TEXT_MAX,
  HEADER_TEXT_MAX,
  SECTION_TEXT_MAX,
} from './limits';

/**
 * Block constructors that enforce each element's own limit. Their mrkdwn
 * arguments must already be escaped (see `escape.ts`); they only bound length,
 * with the entity-safe {@link truncate}.
 */

const mrkdwn = (text: string, max: number): MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text, max) });

/** A header block (plain_text, emoji allowed). */
export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: plain(text, HEADER_TEXT_MAX), emoji: true } };
}

/** A section with mrkdwn text and optional `[label, value]` fields (both mrkdwn, escaped). */
export function section(
  text: string,
  options: { blockId?: string; fields?: ReadonlyArray<string> } = {},
): SectionBlock {
  return {
    type: 'section',
    ...(options.blockId !== undefined && { block_id: options.blockId }),
    text: mrkdwn(text, SECTION_TEXT_MAX),
    ...(options.fields &&
      options.fields.length > 0 && {
        fields: options.fields.slice(0, FIELDS_MAX).map((f) => mrkdwn(f, FIELD_TEXT_MAX)),
      }),
  };
}

/** A context block of mrkdwn lines (at most ten). */
export function context(lines: ReadonlyArray<string>, blockId?: string): ContextBlock {
  return {
    type: 'context',
    ...(blockId !== undefined && { block_id: blockId }),
    elements: lines.slice(0, CONTEXT_ELEMENTS_MAX).map((l) => mrkdwn(l, CONTEXT_TEXT_MAX)),
  };
}

/** A confirm dialog: plain title and buttons, mrkdwn body (so untrusted parts stay escaped). */
export interface ConfirmSpec {
  title: string;
  /** Escaped mrkdwn. */
  text: string;
  confirm: string;
  deny?: string;
  danger?: boolean;
}

/** A button whose `value` is a short opaque reference (an incident id), never a secret. */
export function button(spec: {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmSpec;
}): Button {
  const c = spec.confirm;
  return {
    type: 'button',
    action_id: spec.actionId,
    text: { type: 'plain_text', text: plain(spec.text, BUTTON_TEXT_MAX), emoji: true },
    value: spec.value.slice(0, BUTTON_VALUE_MAX),
    ...(spec.style && { style: spec.style }),
    ...(c && {
      confirm: {
        title: { type: 'plain_text', text: plain(c.title, CONFIRM_TITLE_MAX) },
        text: mrkdwn(c.text, CONFIRM_TEXT_MAX),
        confirm: { type: 'plain_text', text: plain(c.confirm, CONFIRM_BUTTON_MAX) },
        deny: { type: 'plain_text', text: plain(c.deny ?? 'Cancel', CONFIRM_BUTTON_MAX) },
        ...(c.danger && { style: 'danger' as const }),
      },
    }),
  };
}

/** An actions block. */
export function actions(blockId: string, elements: ReadonlyArray<Button | Overflow>): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: [...elements] };
}

/** Drops `undefined` / `false` entries, so builders can write optional blocks inline. */
export function compact(blocks: ReadonlyArray<KnownBlock | undefined | false>): KnownBlock[] {
  return blocks.filter((b): b is KnownBlock => Boolean(b));
}
