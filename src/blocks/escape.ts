/**
 * Making untrusted text safe for Slack. Everything the agent or an event
 * supplies goes through here before it reaches a text object: escaping `&`, `<`
 * and `>` is what makes `<!channel>`, `<@U123>` or `<http://evil|bank.com>`
 * display as text instead of pinging people or disguising a link.
 */

/** C0 (except tab and newline), DEL and C1 control characters. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Invisible characters that can reorder or hide what a reader sees: bidi
 * embeddings / overrides / isolates (and the LRM, RLM, ALM marks), zero-width
 * characters and the BOM.
 */
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** A surrogate half without its partner; Slack would show garbage, so it becomes U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The entities {@link escapeMrkdwn} produces; truncation must not cut one in half. */
const ENTITY_AT = /^&(?:amp|lt|gt);/;
const LONGEST_ENTITY = '&amp;'.length;

/** What {@link truncate} appends when it cuts. */
export const ELLIPSIS = '…';

/**
 * Removes control, bidi and zero-width characters and normalises line breaks
 * (`\r\n`, `\r`, U+2028, U+2029 all become `\n`), without escaping anything.
 * Normalising U+2028/9 matters for quoting: each line must get its own `>`.
 */
export function stripInvisible(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Escapes untrusted text for a `mrkdwn` text object (or a message `text`):
 * `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, after {@link stripInvisible}.
 * The result contains no `<`, so it can never form a Slack mention or link.
 */
export function escapeMrkdwn(text: string): string {
  return stripInvisible(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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

function cutWithEllipsis(text: string, max: number, tokens: boolean): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const kept = text.slice(0, safeCut(text, max - ELLIPSIS.length, tokens)).trimEnd();
  return kept + ELLIPSIS;
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
