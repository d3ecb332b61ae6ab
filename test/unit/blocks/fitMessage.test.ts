import type { KnownBlock } from '@slack/types';
import { ELLIPSIS } from '../../../src/blocks/escape';
import { fitMessage } from '../../../src/blocks/fitMessage';
import {
  limitViolations,
  MAX_MESSAGE_JSON_BYTES,
  MESSAGE_TEXT_MAX,
  messageJsonBytes,
} from '../../../src/blocks/limits';

const section = (text: string, blockId?: string): KnownBlock => ({
  type: 'section',
  ...(blockId && { block_id: blockId }),
  text: { type: 'mrkdwn', text },
});
const header: KnownBlock = { type: 'header', text: { type: 'plain_text', text: 'Title' } };
const buttons: KnownBlock = {
  type: 'actions',
  block_id: 'vote',
  elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, value: 'INC-1' }],
};

describe('Function: fitMessage', () => {
  it('leaves a message that fits unchanged', () => {
    // Prepare
    const message = { text: 'hi', blocks: [header, section('body'), buttons] };

    // Act
    const out = fitMessage(message);

    // Assess
    expect(out).toEqual(message);
  });

  it('keeps at most 50 blocks, header and buttons included', () => {
    // Prepare
    const blocks = [header, ...Array.from({ length: 80 }, (_, i) => section(`line ${i}`)), buttons];

    // Act
    const out = fitMessage({ text: 'hi', blocks });

    // Assess
    expect(out.blocks).toHaveLength(50);
    expect(out.blocks[0]).toBe(header);
    expect(out.blocks.at(-1)).toBe(buttons);
  });

  it('shortens the listed blocks before any other', () => {
    // Prepare
    const other = section('o'.repeat(2900), 'other');
    const reasoning = section('&lt;'.repeat(700), 'reasoning');
    const message = { text: 'hi', blocks: [header, other, reasoning, buttons] };

    // Act
    const out = fitMessage(message, { shrinkFirst: ['reasoning'], maxBytes: messageJsonBytes(message) - 1000 });

    // Assess
    expect(out.blocks[1]).toEqual(other);
    const text = (out.blocks[2] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThan(2800);
    expect(text.endsWith(`&lt;${ELLIPSIS}`)).toBe(true);
  });

  it('guarantees the byte bound for text of 4-byte characters', () => {
    // Prepare
    const wide = '😀'.repeat(1490);
    const blocks = [header, ...Array.from({ length: 20 }, (_, i) => section(wide, `b${i}`)), buttons];

    // Act
    const out = fitMessage({ text: wide.repeat(3), blocks });

    // Assess
    expect(messageJsonBytes(out)).toBeLessThanOrEqual(MAX_MESSAGE_JSON_BYTES);
    expect(out.text.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(out.blocks).toContain(buttons);
    expect(limitViolations(out)).toEqual([]);
  });
});

describe('Function: limitViolations', () => {
  it('reports each broken limit', () => {
    // Prepare
    const message = {
      text: 'x'.repeat(MESSAGE_TEXT_MAX + 1),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 's' },
          fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2001) })),
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'a',
              text: { type: 'plain_text', text: 'b'.repeat(76) },
              value: 'v'.repeat(2001),
            },
          ],
        },
      ] as KnownBlock[],
    };

    // Act
    const out = limitViolations(message);

    // Assess
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^text is 3001/),
        expect.stringMatching(/header.*text is 151/),
        expect.stringMatching(/has 11 fields/),
        expect.stringMatching(/field 0 is 2001/),
        expect.stringMatching(/button 0 text is 76/),
        expect.stringMatching(/button 0 value is 2001/),
      ]),
    );
  });

  it('reports empty texts and repeated block ids', () => {
    // Prepare
    const message = { text: 'hi', blocks: [section('', 'x'), section('ok', 'x')] };

    // Act
    const out = limitViolations(message);

    // Assess
    expect(out).toEqual(['block 0 (section) text is empty', 'block 1 (section) repeats block_id x']);
  });
});
