/**
 * Making untrusted text safe for Slack. Everything the agent or an event
 * supplies goes through here before it reaches a text object: escaping `&`, `<`
 * and `>` is what makes `<!channel>`, `<@U123>` or `<http://evil|bank.com>`
 * display as text instead of pinging people or disguising a link.
 */

import { INVISIBLE_CLASS_BODY } from '../domain/invisibleCharacters';

/**
 * Emoji sequences that legitimately carry invisible parts, kept whole. Tried
 * before {@link INVISIBLE} at each position, so their ZWJ (U+200D), VS16
 * (U+FE0F), keycap (U+20E3) and tag characters survive only inside them:
 * - a ZWJ sequence by its shape (UTS #51: pictographs, each with an optional
 *   skin tone and VS16, joined by ZWJ), so emoji newer than our Unicode data
 *   keep their joins too; a ZWJ can only sit between two pictographs;
 * - any other RGI emoji (keycaps `1️⃣`, `❤️`, flags, the subdivision flags
 *   🏴 + tags + U+E007F). Tag characters are kept only in the RGI tag
 *   sequences (England, Scotland, Wales): they are legitimate flags, and the
 *   list leaves no room to smuggle hidden text in tag characters, which a
 *   well-formed-but-unlisted sequence of any length would.
 * Built with `RegExp` from the parts below, so each part can be read (and documented) on its own.
 */
const EMOJI_ELEMENT = String.raw`\p{Extended_Pictographic}\p{Emoji_Modifier}?\uFE0F?`;
/**
 * A single emoji: VS16 is kept only after a pictograph that is an emoji and text by default (`❤️`, `©️`), as
 * RGI lists. Not after a code point merely reserved for future pictographs (`Extended_Pictographic` without
 * `Emoji`, e.g. U+1FC00): there the VS16 would be an invisible character riding on a visible one.
 */
const LONE_EMOJI = String.raw`\p{Emoji_Presentation}\p{Emoji_Modifier}?|(?=\p{Emoji})${EMOJI_ELEMENT}`;
/** The three RGI subdivision flags (England, Scotland, Wales): 🏴, `gb` + `eng` / `sct` / `wls` in tags, cancel tag. */
const SUBDIVISION_FLAG = String.raw`\u{1F3F4}\u{E0067}\u{E0062}(?:\u{E0065}\u{E006E}\u{E0067}|\u{E0073}\u{E0063}\u{E0074}|\u{E0077}\u{E006C}\u{E0073})\u{E007F}`;
/**
 * Emoji whose invisible parts are kept, by shape: subdivision flags, ZWJ sequences, keycaps (`1️⃣`), flags
 * (two regional indicators) and a pictograph with its skin tone and VS16 (`❤️`). Written with plain `u`-mode
 * properties rather than `\p{RGI_Emoji}` (a property of strings, `v` mode): that one took ~50 ms to compile
 * and first run, on every cold click that renders a card.
 */
const KEPT_EMOJI = String.raw`${SUBDIVISION_FLAG}|${EMOJI_ELEMENT}(?:\u200D${EMOJI_ELEMENT})+|[0-9#*]\uFE0F?\u20E3|\p{Regional_Indicator}{2}|${LONE_EMOJI}`;

/** Characters nobody sees (see `INVISIBLE_CLASS_BODY`). */
const INVISIBLE = `[${INVISIBLE_CLASS_BODY}]`;

/** One pass: keep an emoji sequence (group 1) or drop an invisible character. */
const KEEP_OR_DROP = new RegExp(`(${KEPT_EMOJI})|${INVISIBLE}`, 'gu');

/** A surrogate half without its partner (in `u` mode a lone half is its own code point, category Cs). */
const LONE_SURROGATE = /\p{Cs}/gu;

/**
 * What each mrkdwn formatting marker in untrusted text becomes: a visible
 * look-alike that Slack does not format. Slack mrkdwn has no escape for `*`,
 * `_`, `~` or a backtick, and the usual zero-width trick is exactly what
 * {@link stripInvisible} removes. `plain_text` would show the text literally
 * but also strip the bot's own bold, which is what tells its words (the
 * confirm dialog's `*action* on *target*`, "Decided by …: *approved*") from
 * the agent's; replacing the markers instead keeps formatting a channel only
 * the bot can use. The look-alikes never appear in the bot's own text and
 * mean nothing to Slack, so they cannot imitate it either: `*APPROVED*` shows
 * as `∗APPROVED∗`, visibly marks, never bold.
 * `_` inside a word (`freeze_address`, `SQLi_BODY`, `/api/user_login`) is
 * kept: Slack only formats `_` at a word edge, and identifiers stay exact
 * there, so people and checks can still find them.
 */
const MARKER_LOOKALIKE: Readonly<Record<string, string>> = {
  '*': '\u2217', // ∗ ASTERISK OPERATOR
  _: '\uFF3F', // ＿ FULLWIDTH LOW LINE
  '~': '\u223C', // ∼ TILDE OPERATOR
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT
};

/**
 * The markers that can format: every `*` (with the VS16 of a `*️⃣` keycap, which
 * would dangle after ∗), `~` and backtick, and an `_` not inside a word.
 */
const MARKER = /\*\uFE0F?|[~`]|(?<![\p{L}\p{M}\p{N}])_|_(?![\p{L}\p{M}\p{N}])/gu;

/**
 * A `>` starting a line (after spaces or tabs) makes a blockquote, escaped as
 * `&gt;` or not; it becomes ＞ (FULLWIDTH GREATER-THAN SIGN). The start of
 * the text counts, since callers put it after a line break of their own.
 */
const QUOTE_MARKER = /^([ \t]*)>/gm;

/**
 * Makes mrkdwn formatting markers in untrusted text inert (see
 * {@link MARKER_LOOKALIKE}): bold, italic, strikethrough, code and quotes
 * cannot be formed, so untrusted text cannot dress up as the bot's words.
 * Does not strip or escape; {@link escapeMrkdwn} does all three.
 */
export function neutraliseFormatting(text: string): string {
  return text.replace(QUOTE_MARKER, '$1\uFF1E').replace(MARKER, (m) => MARKER_LOOKALIKE[m[0]!] ?? m);
}

/** The entities {@link escapeMrkdwn} produces; truncation must not cut one in half. */
const ENTITY_AT = /^&(?:amp|lt|gt);/;
const LONGEST_ENTITY = '&amp;'.length;

/** What {@link truncate} appends when it cuts. */
export const ELLIPSIS = '…';

/**
 * Removes every invisible character (see {@link INVISIBLE}) except the parts of
 * emoji sequences ({@link KEPT_EMOJI}), replaces a lone surrogate with U+FFFD
 * and normalises line breaks (`\r\n`, `\r`, U+2028, U+2029 all become `\n`),
 * without escaping anything. Normalising U+2028/9 matters for quoting: each
 * line must get its own `>`.
 */
export function stripInvisible(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(KEEP_OR_DROP, (_char, emoji: string | undefined) => emoji ?? '');
}

/**
 * Escapes untrusted text for a `mrkdwn` text object (or a message `text`):
 * {@link stripInvisible}, then {@link neutraliseFormatting}, then `&` → `&amp;`,
 * `<` → `&lt;`, `>` → `&gt;`. The result contains no `<`, so it can never form
 * a Slack mention or link, and no marker that could format it. This is the
 * one rule for untrusted mrkdwn; every builder reaches it through
 * {@link untrusted}, {@link quoteUntrusted} or this function.
 */
export function escapeMrkdwn(text: string): string {
  return neutraliseFormatting(stripInvisible(text)).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Where to cut `text` so that at most `max` UTF-16 units are kept, backing up
 * so the cut never splits a surrogate pair, one of our entities, or (when
 * `tokens`) a `<…>` Slack token we generated.
 */
function safeCut(text: string, max: number, tokens: boolean): number {
  let cut = Math.max(0, Math.min(max, text.length));
  if (cut > 0 && cut < text.length) {
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  }
  if (!tokens) return cut;
  // An entity starting within the last few kept units and ending after the cut.
  for (let i = Math.max(0, cut - LONGEST_ENTITY + 1); i < cut; i++) {
    if (text.charCodeAt(i) === 0x26 /* & */) {
      const m = ENTITY_AT.exec(text.slice(i, i + LONGEST_ENTITY));
      if (m && i + m[0].length > cut) {
        cut = i;
        break;
      }
    }
  }
  // Escaped text holds no raw `<`, so an unclosed one is a mention/link of ours.
  const open = text.lastIndexOf('<', cut - 1);
  if (open >= 0 && text.lastIndexOf('>', cut - 1) < open) cut = open;
  return cut;
}

/**
 * An `_` that was inside a word is at a word edge once the text is cut there
 * (before the ellipsis, or at either end of a split part), where Slack would
 * format it: it becomes the look-alike too.
 */
function cutEdges(piece: string, start: boolean): string {
  return piece.replace(start ? /^_|_$/g : /_$/, MARKER_LOOKALIKE._!);
}

function cutWithEllipsis(text: string, max: number, tokens: boolean): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  // A cut inside an emoji sequence would leave its ZWJ or tags dangling: strip them again.
  const kept = stripInvisible(text.slice(0, safeCut(text, max - ELLIPSIS.length, tokens))).trimEnd();
  return cutEdges(kept, false) + ELLIPSIS;
}

/**
 * Splits already-escaped mrkdwn into parts of at most `size` UTF-16 units,
 * each cut where {@link truncate} would cut (never inside a surrogate pair or
 * an entity), and, when one is near, at a grapheme boundary, so an emoji
 * sequence is not split across two messages. Nothing is lost but the
 * invisible joins of a sequence longer than the window, which are stripped.
 * Each part may be shown at the start of a line, so a part that would begin
 * with `&gt;` begins with ＞ instead (see {@link QUOTE_MARKER}).
 */
export function splitText(text: string, size: number): string[] {
  const parts: string[] = [];
  const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let rest = text;
  while (rest.length > size) {
    let cut = safeCut(rest, size, true);
    // The last grapheme boundary at or before the cut, within a window of 64 units.
    const from = Math.max(0, cut - 64);
    let boundary = from;
    for (const g of graphemes.segment(rest.slice(from, cut + 64))) {
      if (from + g.index > cut) break;
      boundary = from + g.index;
    }
    if (boundary > 0 && safeCut(rest, boundary, true) === boundary) cut = boundary;
    if (cut <= 0) cut = Math.min(size, rest.length);
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts.map((p) => cutEdges(stripInvisible(p), true).replace(/^([ \t]*)&gt;/, '$1\uFF1E'));
}

/**
 * Bounds already-escaped mrkdwn to `max` UTF-16 units (how Slack counts),
 * adding "…" when it cuts. Never splits a surrogate pair, an `&amp;`/`&lt;`/
 * `&gt;` entity, or a `<@U…>` / `<url|label>` token, so bound AFTER escaping.
 */
export function truncate(text: string, max: number): string {
  return cutWithEllipsis(text, max, true);
}

/** Untrusted text as safe, bounded mrkdwn: {@link escapeMrkdwn} then {@link truncate}. */
export function untrusted(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
}

/**
 * Untrusted multi-line text as a mrkdwn blockquote: every line prefixed with
 * `>`, escaped and bounded to `max`. Shown quoted, the agent's words read as
 * content someone said, never as part of the bot's own instructions; and
 * because `>` inside the text is escaped, a line cannot leave the quote.
 */
export function quoteUntrusted(text: string, max: number): string {
  const quoted = escapeMrkdwn(text)
    .split('\n')
    .map((line) => (line.length > 0 ? `> ${line}` : '>'))
    .join('\n');
  return truncate(quoted, max);
}

/**
 * Text for a `plain_text` object: Slack shows it literally (no mentions or
 * links), so only invisible characters are removed and the length bounded.
 */
export function plain(text: string, max: number): string {
  return cutWithEllipsis(stripInvisible(text), max, false);
}

/** Collapses all whitespace (newlines included) to single spaces, for one-line items. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
