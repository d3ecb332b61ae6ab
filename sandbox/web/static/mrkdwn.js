// Slack mrkdwn → DOM, safely: only createElement / textContent, never HTML
// parsing. Text the bot escaped (&lt; &gt; &amp;) is decoded for display and
// stays inert text: `&lt;!channel&gt;` shows as the literal `<!channel>`.
// Only the bot's own, unescaped `<…>` tokens become mentions or links, and a
// link is made only for http(s) URLs.

/** A few of Slack's emoji short codes (the rest are shown as typed). */
const EMOJI = {
  warning: '⚠️',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  no_entry: '⛔',
  rotating_light: '🚨',
  eyes: '👀',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  hourglass: '⌛',
  triangular_flag_on_post: '🚩',
  repeat: '🔁',
  lock: '🔒',
  information_source: 'ℹ️',
  bell: '🔔',
  arrow_right: '➡️',
  leftwards_arrow_with_hook: '↩️',
  fast_forward: '⏩',
  tada: '🎉',
};

/** Decodes the three entities Slack escapes, in one pass (`&amp;lt;` stays `&lt;`). */
export function decodeEntities(text) {
  return String(text).replace(/&(lt|gt|amp);/g, (_, e) => (e === 'lt' ? '<' : e === 'gt' ? '>' : '&'));
}

/** `:warning:` → ⚠️ for the codes we know. */
export function emojify(text) {
  return String(text).replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function appendText(parent, raw) {
  if (raw) parent.append(document.createTextNode(emojify(decodeEntities(raw))));
}

const MARKS = { '*': 'strong', _: 'em', '~': 'del', '`': 'code' };
const WORD = /[\p{L}\p{N}]/u;
const isWord = (c) => c !== undefined && WORD.test(c);

/** Index of the closing `mark` for an opening one at `start`, or -1 (same line, word boundary after). */
function findCloser(s, start, mark) {
  for (let k = start + 1; k < s.length; k++) {
    const ch = s[k];
    if (ch === '\n') return -1;
    if (ch === '<' && mark !== '`') {
      const end = s.indexOf('>', k + 1);
      if (end > k) {
        k = end;
        continue;
      }
    }
    if (ch === mark && k > start + 1 && s[k - 1] !== ' ' && !isWord(s[k + 1])) return k;
  }
  return -1;
}

/** Slack's display name for a user id (the page passes its identities). */
function userLabel(id, ctx) {
  return ctx?.users?.get(id)?.realName ?? id;
}

/** One `<…>` token the bot wrote: mention, channel, special mention or link. */
function renderToken(inner, parent, ctx) {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const chip = el('span', 'mention', `@${label ? decodeEntities(label) : userLabel(id, ctx)}`);
    chip.dataset.user = id;
    if (ctx?.currentUser === id) chip.classList.add('mention-me');
    parent.append(chip);
    return;
  }
  if (target.startsWith('#')) {
    parent.append(el('span', 'mention mention-channel', `#${label ? decodeEntities(label) : target.slice(1)}`));
    return;
  }
  if (target.startsWith('!')) {
    const word = target.slice(1);
    if (word === 'here' || word === 'channel' || word === 'everyone') {
      // A real broadcast written by the bot itself (never from escaped text).
      parent.append(el('span', 'mention mention-broadcast', `@${word}`));
    } else if (word.startsWith('subteam^')) {
      parent.append(el('span', 'mention', label ? decodeEntities(label) : `@${word.slice('subteam^'.length)}`));
    } else {
      // `<!date^…|fallback>` and anything else: its fallback text.
      appendText(parent, label ?? word);
    }
    return;
  }
  const url = decodeEntities(target);
  if (/^https?:\/\//i.test(url)) {
    const a = el('a', 'md-link', emojify(decodeEntities(label ?? target)));
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    a.title = url;
    parent.append(a);
    return;
  }
  // mailto:, javascript:, anything else: the text only, never a link.
  appendText(parent, label ?? target);
}

/** Inline mrkdwn of one line (or the inside of a mark) into `parent`. */
function renderInline(s, parent, ctx) {
  let buf = '';
  const flush = () => {
    appendText(parent, buf);
    buf = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '<') {
      const end = s.indexOf('>', i + 1);
      if (end > i + 1) {
        flush();
        renderToken(s.slice(i + 1, end), parent, ctx);
        i = end + 1;
        continue;
      }
    }
    const tag = MARKS[c];
    if (tag && !isWord(s[i - 1]) && s[i + 1] !== undefined && s[i + 1] !== ' ' && s[i + 1] !== c) {
      const close = findCloser(s, i, c);
      if (close > 0) {
        flush();
        const node = el(tag, c === '`' ? 'md-code' : '');
        const inner = s.slice(i + 1, close);
        if (c === '`') node.textContent = decodeEntities(inner);
        else renderInline(inner, node, ctx);
        parent.append(node);
        i = close + 1;
        continue;
      }
    }
    buf += c;
    i += 1;
  }
  flush();
}

/** Lines into `parent`: runs of `>` lines become one blockquote, other lines are separated by <br>. */
function renderLines(text, parent, ctx) {
  const lines = text.split('\n');
  let run = null;
  let runIsQuote = false;
  for (const line of lines) {
    // A raw `>` is the bot's quote marker; escaped text holds `&gt;` instead.
    const quote = line.startsWith('>');
    if (run === null || quote !== runIsQuote) {
      run = el(quote ? 'blockquote' : 'div', quote ? 'md-quote' : 'md-para');
      runIsQuote = quote;
      parent.append(run);
    } else {
      run.append(document.createElement('br'));
    }
    const content = quote ? line.replace(/^> ?/, '') : line;
    if (content === '') run.append(document.createTextNode('\u200b'));
    else renderInline(content, run, ctx);
  }
}

/**
 * Renders Slack mrkdwn as DOM nodes.
 * @param {string} text mrkdwn as Slack receives it
 * @param {{users?: Map<string, {realName: string}>, currentUser?: string}} [ctx]
 * @returns {HTMLElement} a `div.mrkdwn`
 */
export function renderMrkdwn(text, ctx) {
  const root = el('div', 'mrkdwn');
  const parts = String(text ?? '').split('```');
  parts.forEach((part, index) => {
    const isCode = index % 2 === 1 && index < parts.length - 1;
    if (isCode) {
      root.append(el('pre', 'md-pre', decodeEntities(part.replace(/^\n/, ''))));
      return;
    }
    const body = index % 2 === 1 ? '```' + part : part; // an unclosed fence is text
    const trimmed = body.replace(/^\n/, '').replace(/\n$/, '');
    if (trimmed !== '' || parts.length === 1) renderLines(trimmed, root, ctx);
  });
  return root;
}

/** Plain text (`plain_text` objects): shown literally, only emoji codes replaced. */
export function renderPlain(text, emoji = true) {
  const span = el('span', 'plain');
  span.textContent = emoji ? emojify(String(text ?? '')) : String(text ?? '');
  return span;
}

/** A text object of either type. */
export function renderTextObject(obj, ctx) {
  if (!obj || typeof obj !== 'object') return renderPlain('');
  return obj.type === 'mrkdwn' ? renderMrkdwn(obj.text, ctx) : renderPlain(obj.text, obj.emoji !== false);
}
