import fc from 'fast-check';
import {
  escapeMrkdwn,
  quoteUntrusted,
  splitText,
  stripInvisible,
  truncate,
  untrusted,
} from '../../../src/blocks/escape';
import { strayInvisibles } from './fixtures';

/** One code point of each category that hides or joins text, and the emoji that legitimately use some of them. */
const CATEGORY_SAMPLES = [
  // Cf: bidi, zero-width, word joiner, soft hyphen, BOM, invisible operators, tags, Mongolian vowel separator...
  '\u00AD',
  '\u0600',
  '\u061C',
  '\u06DD',
  '\u070F',
  '\u180E',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u200E',
  '\u200F',
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2060',
  '\u2061',
  '\u2064',
  '\u2066',
  '\u2069',
  '\u206F',
  '\uFEFF',
  '\uFFF9',
  '\uFFFB',
  '\u{110BD}',
  '\u{1D173}',
  '\u{E0001}',
  '\u{E0020}',
  '\u{E0041}',
  '\u{E007F}',
  // Cc, line and paragraph separators.
  '\u0000',
  '\u0007',
  '\u000B',
  '\u000C',
  '\r',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u009F',
  '\u2028',
  '\u2029',
  // Variation selectors, Hangul fillers, combining grapheme joiner, braille blank, noncharacters, lone surrogates.
  '\uFE0E',
  '\uFE0F',
  '\uFE00',
  '\u{E0100}',
  '\u{E01EF}',
  '\u115F',
  '\u1160',
  '\u3164',
  '\uFFA0',
  '\u034F',
  '\u2800',
  '\uFDD0',
  '\uFFFE',
  '\uFFFF',
  '\u{1FFFE}',
  '\u{10FFFF}',
  '\uD800',
  '\uDFFF',
  // Emoji sequences that need some of the above, and their pieces.
  '👩‍💻',
  '👩🏽‍💻',
  '🏳️‍🌈',
  '❤️',
  '1️⃣',
  '#️⃣',
  '*️⃣',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '🏴',
  '👩',
  '💻',
  '🏽',
  '\u20E3',
  '🇳🇱',
  // Formatting markers and neighbours.
  '*',
  '_',
  '~',
  '`',
  '>',
  '&gt;',
  '\n',
  '\t',
  ' ',
  'a',
  'é',
  '1',
  '<@U1>',
  '<!here>',
  '&',
];

/** Any string, weighted toward the characters above and mixed with arbitrary code points and graphemes. */
const hostile = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...CATEGORY_SAMPLES) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Formatting markers left in untrusted mrkdwn: any `*` `~` backtick, `_` at a word edge, or a line opening a quote. */
function formattingMarkers(mrkdwn: string): string[] {
  const markers = mrkdwn.match(/[*~`]|(?<![\p{L}\p{M}\p{N}])_|_(?![\p{L}\p{M}\p{N}])/gu) ?? [];
  const quotes = mrkdwn.match(/^[ \t]*(?:>|&gt;)/gm) ?? [];
  return [...markers, ...quotes];
}

describe('Function: stripInvisible (properties)', () => {
  it('leaves no Cf, Cc (but tab and newline) or other invisible character outside an allowed emoji sequence', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        // Act
        const out = stripInvisible(text);

        // Assess
        expect(strayInvisibles(out)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('changes nothing in text that has nothing invisible', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        // Prepare
        fc.pre(strayInvisibles(text).length === 0 && !/[\r\u2028\u2029]/.test(text));

        // Act
        const out = stripInvisible(text);

        // Assess
        expect(out).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Function: escapeMrkdwn (properties)', () => {
  it('leaves nothing invisible, no formatting marker and no `<`, however the text is bounded, quoted or split', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 80 }), (text, max) => {
        // Act
        const outs = [
          escapeMrkdwn(text),
          untrusted(text, max),
          truncate(escapeMrkdwn(text), max),
          ...splitText(escapeMrkdwn(text), Math.max(8, max)),
        ];
        const quoted = quoteUntrusted(text, 10_000);

        // Assess
        for (const out of [...outs, quoted]) {
          expect(strayInvisibles(out)).toEqual([]);
          expect(out).not.toContain('<');
        }
        for (const out of outs) expect(formattingMarkers(out)).toEqual([]);
        // Quoted: our own `>` opens each line, and nothing after it is a marker.
        expect(
          formattingMarkers(
            quoted
              .split('\n')
              .map((l) => l.replace(/^> ?/, ''))
              .join('\n'),
          ),
        ).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
