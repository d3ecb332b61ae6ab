// The sandbox page: a small Slack-like client for the local sandbox.
// No framework, no build step; every string from the server is rendered with
// textContent or the safe mrkdwn renderer (see mrkdwn.js).

import { renderBlocks } from './blockkit.js';
import { renderTextObject } from './mrkdwn.js';
import { verifyLedger } from './ledger.js';
import { SAMPLES } from './samples.js';

const APPROVALS = 'C0APPROVALS';
const APPROVALS_NAME = 'chainsec-approvals';
const CHANNEL_NAMES = { [APPROVALS]: APPROVALS_NAME, C0CRITICAL: 'chainsec-critical' };

/** The sandbox identities (docs/SANDBOX.md). */
const USERS = [
  { id: 'U0APPROVER1', name: 'approver1', realName: 'Ada Approver', role: 'approver' },
  { id: 'U0APPROVER2', name: 'approver2', realName: 'Bo Approver', role: 'approver' },
  { id: 'U0APPROVER3', name: 'approver3', realName: 'Cy Approver', role: 'approver' },
  { id: 'U0ONCALL1', name: 'oncall1', realName: 'Dee On-call', role: 'primary on-call · approver' },
  { id: 'U0ONCALL2', name: 'oncall2', realName: 'Eli On-call', role: 'secondary on-call · approver' },
  { id: 'U0VIEWER', name: 'viewer', realName: 'Fay Viewer', role: 'member, may not approve' },
];
const USERS_BY_ID = new Map(USERS.map((u) => [u.id, u]));
const FINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const state = {
  user: USERS_BY_ID.has(localStorage.getItem('chainsec.user') ?? '')
    ? localStorage.getItem('chainsec.user')
    : 'U0APPROVER1',
  view: 'channel:' + APPROVALS,
  messages: [],
  messagesKey: '',
  /** Answers a slash command gave in its HTTP body (shown like ephemerals). */
  localAnswers: [],
  home: null,
  homeKey: '',
  executions: [],
  seen: new Map(),
  renderedKey: '',
};

// ---- HTTP --------------------------------------------------------------------

async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  const data = /^application\/json\b/.test(type) ? await res.json() : await res.text();
  if (!res.ok) {
    const detail =
      typeof data === 'object' && data ? [data.error, ...(data.issues ?? [])].filter(Boolean).join('; ') : String(data);
    throw new Error(`${method} ${path}: ${res.status} ${detail}`);
  }
  return data;
}

function toast(text, kind = 'info') {
  const t = el('div', `toast toast-${kind}`, text);
  $('toasts').append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 9000 : 5000);
}

// ---- who sees what -----------------------------------------------------------

/** The sidebar view a message belongs to: `channel:C…` or `dm:U…`. */
function conversationOf(m) {
  const ch = m.channel ?? '';
  if (ch.startsWith('D')) return `dm:${USERS_BY_ID.has(ch.slice(1)) ? ch.slice(1) : (m.user ?? ch)}`;
  if (ch === '') return `channel:${APPROVALS}`;
  return `channel:${ch}`;
}

/** Ephemeral messages and response_url answers are seen only by their user. */
const isPrivate = (m) => m.kind === 'ephemeral' || m.kind === 'response_url' || m.kind === 'response_body';
const visibleTo = (m, user) => !isPrivate(m) || m.user === user;

function allMessages() {
  return [...state.messages, ...state.localAnswers];
}

function messagesFor(view, user) {
  return allMessages()
    .filter((m) => conversationOf(m) === view && visibleTo(m, user))
    .sort((a, b) => Number(a.ts) - Number(b.ts));
}

function channelOfView(view) {
  if (view.startsWith('channel:')) return view.slice('channel:'.length);
  if (view.startsWith('dm:')) return `D${view.slice('dm:'.length)}`;
  return undefined;
}

// ---- rendering messages ----------------------------------------------------------

const timeOf = (ts) =>
  new Date(Number(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The tier a card shows (for its colour), from its header or fallback text. */
function tierOf(m) {
  const header = Array.isArray(m.blocks) ? m.blocks.find((b) => b && b.type === 'header') : undefined;
  const source = `${header?.text?.text ?? ''} ${m.text ?? ''}`;
  const match = /\b(CRITICAL|HIGH|MEDIUM|LOW)\b/.exec(source);
  return match ? match[1].toLowerCase() : undefined;
}

function cardStateOf(m) {
  const blocks = Array.isArray(m.blocks) ? m.blocks : [];
  const live = blocks.some(
    (b) => b?.type === 'actions' && (b.elements ?? []).some((e) => e?.action_id === 'chainsec_approve'),
  );
  if (live) return 'pending';
  const header = blocks.find((b) => b?.type === 'header')?.text?.text ?? '';
  if (/Approved|Rolled back/.test(header)) return 'approved';
  if (/Denied/.test(header)) return 'denied';
  if (/Expired/.test(header)) return 'expired';
  return undefined;
}

function mdCtx() {
  return { users: USERS_BY_ID, currentUser: state.user };
}

function renderMessage(m, replies = []) {
  const node = el('div', 'msg');
  node.dataset.channel = m.channel ?? '';
  node.dataset.ts = m.ts;
  node.dataset.kind = m.kind;
  if (isPrivate(m)) node.classList.add('msg-private');

  node.append(el('div', 'avatar', 'CS'));
  const main = el('div', 'msg-main');
  const meta = el('div', 'msg-meta');
  meta.append(el('span', 'author', 'chainsec'), el('span', 'app-badge', 'APP'), el('span', 'time', timeOf(m.ts)));
  if (m.updates > 0) {
    const edited = el('span', 'edited', m.updates > 1 ? `(edited ×${m.updates})` : '(edited)');
    edited.title = `updated ${m.updates} time${m.updates === 1 ? '' : 's'} with chat.update`;
    meta.append(edited);
  }
  main.append(meta);
  if (isPrivate(m)) {
    const only = el('div', 'only-you', '👁 Only visible to you');
    if (m.kind !== 'ephemeral')
      only.title = m.kind === 'response_url' ? 'posted to the response_url' : 'the HTTP answer of the slash command';
    main.append(only);
  }

  const card = el('div', 'card');
  const tier = tierOf(m);
  const cardState = cardStateOf(m);
  if (tier && Array.isArray(m.blocks) && m.blocks.some((b) => b?.type === 'header')) {
    card.classList.add('card-tiered', `tier-${tier}`);
    node.dataset.tier = tier;
  }
  if (cardState) {
    card.classList.add(`state-${cardState}`);
    node.dataset.state = cardState;
  }
  card.append(
    renderBlocks(m.blocks, m.text, {
      ...mdCtx(),
      onButton: (button, blockId, element) => onMessageButton(m, button, blockId, element),
      onOverflow: (menu, value, blockId, element) => onMessageOverflow(m, menu, value, blockId, element),
    }),
  );
  main.append(card);

  if (replies.length > 0) {
    const thread = el('div', 'thread');
    thread.append(el('div', 'thread-count', `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`));
    for (const r of replies) thread.append(renderMessage(r));
    main.append(thread);
  }
  node.append(main);
  return node;
}

function renderConversation(view) {
  const list = messagesFor(view, state.user);
  const body = el('div', 'messages');
  const byTs = new Map();
  const top = [];
  for (const m of list) {
    if (m.thread_ts && m.thread_ts !== m.ts) continue;
    top.push(m);
    byTs.set(m.ts, []);
  }
  for (const m of list) {
    if (!m.thread_ts || m.thread_ts === m.ts) continue;
    const bucket = byTs.get(m.thread_ts);
    if (bucket) bucket.push(m);
    else top.push(m); // a reply whose parent this user cannot see
  }
  top.sort((a, b) => Number(a.ts) - Number(b.ts));
  if (top.length === 0) {
    const empty = el('div', 'empty');
    empty.append(el('div', 'empty-title', 'No messages yet'));
    empty.append(
      el(
        'div',
        'muted',
        view.startsWith('dm:')
          ? 'Escalation DMs and App Home answers land here.'
          : 'Send a sample incident (right) — high and critical ones post an approval card here.',
      ),
    );
    body.append(empty);
  }
  let lastDay = '';
  for (const m of top) {
    const day = new Date(Number(m.ts) * 1000).toDateString();
    if (day !== lastDay) {
      const sep = el('div', 'day-sep');
      sep.append(el('span', '', day));
      body.append(sep);
      lastDay = day;
    }
    body.append(renderMessage(m, byTs.get(m.ts) ?? []));
  }
  return { node: body, count: list.length };
}

// ---- clicks, confirm dialogs, commands ------------------------------------------

let confirmResolve;

/** Shows a Block Kit `confirm` dialog; resolves true when its confirm button is pressed. */
function openConfirm(confirm) {
  $('confirm-title').textContent = confirm?.title?.text ?? 'Are you sure?';
  $('confirm-text').replaceChildren(confirm?.text ? renderTextObject(confirm.text, mdCtx()) : el('span', '', ''));
  const ok = $('confirm-ok');
  ok.textContent = confirm?.confirm?.text ?? 'Yes';
  ok.className = confirm?.style === 'danger' ? 'btn btn-danger' : 'btn btn-primary';
  $('confirm-cancel').textContent = confirm?.deny?.text ?? 'Cancel';
  $('confirm-modal').hidden = false;
  ok.focus();
  return new Promise((resolve) => {
    confirmResolve = resolve;
  });
}

function closeConfirm(result) {
  $('confirm-modal').hidden = true;
  const resolve = confirmResolve;
  confirmResolve = undefined;
  resolve?.(result);
}

async function pressButton(button, element, send) {
  if (button.confirm && !(await openConfirm(button.confirm))) return;
  element.classList.add('bk-busy');
  element.disabled = true;
  try {
    const answer = await send();
    if (answer.status !== 200)
      toast(`Slack request answered ${answer.status}${answer.body ? `: ${answer.body}` : ''}`, 'error');
  } catch (e) {
    toast(e.message, 'error');
  } finally {
    element.classList.remove('bk-busy');
    element.disabled = false;
    void pollMessages();
  }
}

function onMessageButton(m, button, blockId, element) {
  return pressButton(button, element, () =>
    api('/sandbox/ui/click', {
      method: 'POST',
      body: {
        user: state.user,
        channel: m.channel,
        messageTs: m.ts,
        actionId: String(button.action_id ?? ''),
        ...(button.value !== undefined && { value: String(button.value) }),
        ...(blockId !== undefined && { blockId: String(blockId) }),
        ...(button.text?.text && { buttonText: String(button.text.text).slice(0, 200) }),
      },
    }),
  );
}

/**
 * A menu choice on a message (the card's "… with reason"): a signed click;
 * when it opens a modal, the reason is asked for and the modal submitted,
 * signed, as Slack would; a refusal shown in the modal is shown as a toast.
 */
async function onMessageOverflow(m, menu, value, blockId, element) {
  element.disabled = true;
  try {
    const answer = await api('/sandbox/ui/click', {
      method: 'POST',
      body: {
        user: state.user,
        channel: m.channel,
        messageTs: m.ts,
        actionId: String(menu.action_id ?? ''),
        selectedOption: value,
        blockId: String(blockId),
      },
    });
    if (answer.status !== 200) return toast(`Slack request answered ${answer.status}`, 'error');
    if (!answer.modal) return;
    const title = answer.modal.view?.title?.text ?? 'Reason';
    const reason = window.prompt(`${title}: why? (up to 500 characters)`, '');
    if (reason === null) return;
    const submitted = await api('/sandbox/ui/submit-view', {
      method: 'POST',
      body: { user: state.user, viewId: answer.modal.id, reason },
    });
    const refused = /"response_action":"errors"/.test(String(submitted.body))
      ? Object.values(JSON.parse(submitted.body).errors ?? {})[0]
      : undefined;
    if (submitted.status !== 200 || refused)
      toast(String(refused ?? `Slack request answered ${submitted.status}`), 'error');
  } catch (e) {
    toast(e.message, 'error');
  } finally {
    element.disabled = false;
    void pollMessages();
  }
}

function onHomeButton(button, blockId, element) {
  return pressButton(button, element, async () => {
    const answer = await api('/sandbox/ui/click', {
      method: 'POST',
      body: {
        user: state.user,
        view: true,
        actionId: String(button.action_id ?? ''),
        ...(button.value !== undefined && { value: String(button.value) }),
        ...(blockId !== undefined && { blockId: String(blockId) }),
      },
    });
    await openHome();
    return answer;
  });
}

async function sendCommand(event) {
  event.preventDefault();
  const input = $('command-input');
  const text = input.value.trim();
  const channel = channelOfView(state.view);
  if (!channel) return;
  if (!/^\/chainsec(\s|$)/.test(text)) {
    toast('Only the /chainsec command exists here, e.g. /chainsec help', 'error');
    return;
  }
  try {
    const answer = await api('/sandbox/ui/command', {
      method: 'POST',
      body: { user: state.user, channel, text: text.replace(/^\/chainsec\s*/, '') },
    });
    if (answer.status !== 200) {
      toast(`/chainsec answered ${answer.status}${answer.body ? `: ${answer.body}` : ''}`, 'error');
      return;
    }
    input.value = '/chainsec ';
    // An answer in the HTTP body is shown to the sender only, like Slack does.
    if (answer.body) {
      let parsed;
      try {
        parsed = JSON.parse(answer.body);
      } catch {
        parsed = { text: answer.body };
      }
      state.localAnswers.push({
        channel,
        user: state.user,
        ts: (Date.now() / 1000).toFixed(6),
        text: String(parsed.text ?? ''),
        blocks: Array.isArray(parsed.blocks) ? parsed.blocks : [],
        kind: 'response_body',
        updates: 0,
      });
    }
    render();
    void pollMessages();
  } catch (e) {
    toast(e.message, 'error');
  }
}

// ---- App Home ------------------------------------------------------------------

async function openHome() {
  try {
    const answer = await api('/sandbox/ui/home-opened', { method: 'POST', body: { user: state.user } });
    if (answer.status !== 200) toast(`app_home_opened answered ${answer.status}`, 'error');
  } catch (e) {
    toast(e.message, 'error');
  }
  await pollHome();
}

async function pollHome() {
  if (state.view !== 'home') return;
  try {
    const data = await api(`/sandbox/ui/home?user=${encodeURIComponent(state.user)}`);
    const key = JSON.stringify(data);
    if (key !== state.homeKey) {
      state.homeKey = key;
      state.home = data;
      render();
    }
  } catch (e) {
    setConn(false, e.message);
  }
}

function renderHome() {
  const body = el('div', 'home');
  const view = state.home?.user === state.user ? state.home.view : null;
  if (!view) {
    body.append(el('div', 'empty', 'Opening the Home tab… (the bot publishes it on app_home_opened)'));
    return body;
  }
  body.append(renderBlocks(view.blocks, '', { ...mdCtx(), onButton: onHomeButton }));
  return body;
}

// ---- Ledger --------------------------------------------------------------------

async function renderLedger(container) {
  const verdict = el('div', 'ledger-verdict pending', 'Verifying the ledger in your browser…');
  verdict.id = 'ledger-verdict';
  container.replaceChildren(verdict);
  let jsonl;
  let pem;
  try {
    [jsonl, pem] = await Promise.all([api('/sandbox/ledger'), api('/sandbox/public-key')]);
  } catch (e) {
    verdict.className = 'ledger-verdict fail';
    verdict.textContent = `Could not load the ledger: ${e.message}`;
    return;
  }
  if (String(jsonl).trim() === '') {
    verdict.className = 'ledger-verdict';
    verdict.textContent = 'The ledger is empty: send an incident first.';
    return;
  }
  let result;
  try {
    result = await verifyLedger(String(jsonl), String(pem));
  } catch (e) {
    verdict.className = 'ledger-verdict fail';
    verdict.textContent = `FAIL: ${e.message}`;
    return;
  }
  if (result.ok) {
    verdict.className = 'ledger-verdict ok';
    verdict.textContent = `Ledger verified OK: ${result.entries} entries in ${result.chains} chain${result.chains === 1 ? '' : 's'}${result.checkpoint ? ', checkpoint signed' : ''}`;
  } else {
    verdict.className = 'ledger-verdict fail';
    verdict.textContent = `FAIL at line ${result.line} (incident ${result.incidentId}${result.seq !== null ? `, seq ${result.seq}` : ''}): ${result.reason}`;
  }
  const note = el(
    'p',
    'muted small',
    'Checked here with WebCrypto: SHA-256 of each entry’s RFC 8785 canonical JSON, the prevHash links of each incident’s chain, and the ECDSA P-256 signature against the public key.',
  );
  const fingerprint = el('p', 'muted small mono');
  void fingerprintOf(String(pem)).then((f) => (fingerprint.textContent = `public key SHA-256 ${f}`));

  const table = el('table', 'ledger-table');
  const head = el('tr');
  for (const h of ['#', 'type', 'incident', 'seq', 'actor', 'at', 'decision', 'hash', '']) head.append(el('th', '', h));
  table.append(el('thead'), el('tbody'));
  table.tHead.append(head);
  for (const row of result.rows) {
    const e = row.entry;
    const tr = el('tr', row.ok ? '' : 'bad');
    tr.dataset.type = String(e.type ?? '');
    const cells = [
      String(row.line),
      String(e.type ?? ''),
      String(e.incidentId ?? ''),
      String(e.seq ?? ''),
      USERS_BY_ID.get(e.actor)?.realName ?? String(e.actor ?? ''),
      String(e.at ?? '')
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z'),
      String(e.decision ?? ''),
      `${String(e.hash ?? '').slice(0, 12)}…`,
      row.ok ? '✓' : `✗ ${row.reason}`,
    ];
    cells.forEach((text, i) => {
      const td = el('td', i === 7 ? 'mono' : i === 8 ? (row.ok ? 'ok' : 'fail') : '', text);
      if (i === 7) td.title = String(e.hash ?? '');
      if (i === 1) td.className = `type type-${String(e.type ?? '').replace(/[^a-z_]/g, '')}`;
      tr.append(td);
    });
    table.tBodies[0].append(tr);
  }
  container.append(note, fingerprint, table);
}

async function fingerprintOf(pem) {
  const b64 = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem)?.[1]?.replace(/\s+/g, '') ?? '';
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---- views & sidebar --------------------------------------------------------------

function setConn(ok, detail) {
  const c = $('conn');
  c.textContent = ok ? 'live' : 'offline';
  c.className = ok ? 'conn conn-ok' : 'conn conn-bad';
  c.title = ok ? 'Polling the sandbox every second' : (detail ?? 'The sandbox does not answer');
}

function userLabel(id) {
  return USERS_BY_ID.get(id)?.realName ?? id;
}

function renderSidebar() {
  const dms = $('dm-list');
  if (dms.childElementCount !== USERS.length) {
    dms.replaceChildren(
      ...USERS.map((u) => {
        const b = el('button', 'nav-item');
        b.type = 'button';
        b.dataset.view = `dm:${u.id}`;
        b.append(
          el('span', 'nav-icon dm-icon', u.realName.slice(0, 1)),
          el('span', 'nav-label', u.realName),
          el('span', 'badge'),
        );
        return b;
      }),
    );
  }
  // Channels other than the approvals one, as the bot uses them.
  const channels = new Set(
    allMessages()
      .map(conversationOf)
      .filter((v) => v.startsWith('channel:')),
  );
  const channelSection = document.querySelector('[data-view="channel:' + APPROVALS + '"]').parentElement;
  for (const view of channels) {
    if (!channelSection.querySelector(`[data-view="${CSS.escape(view)}"]`)) {
      const b = el('button', 'nav-item');
      b.type = 'button';
      b.dataset.view = view;
      b.append(
        el('span', 'nav-icon', '#'),
        el('span', 'nav-label', view.slice('channel:'.length)),
        el('span', 'badge'),
      );
      channelSection.append(b);
    }
  }
  for (const item of document.querySelectorAll('.nav-item')) {
    const view = item.dataset.view;
    item.classList.toggle('active', view === state.view);
    if (view.startsWith('dm:')) {
      item.classList.toggle('is-me', view === `dm:${state.user}`);
      item.querySelector('.nav-label').textContent =
        `${userLabel(view.slice(3))}${view === `dm:${state.user}` ? ' (you)' : ''}`;
    }
    const badge = item.querySelector('.badge');
    if (!badge) continue;
    if (view.startsWith('channel:') || view.startsWith('dm:')) {
      const count = messagesFor(view, state.user).length;
      const seen = state.seen.get(`${state.user}|${view}`) ?? 0;
      const unread = view === state.view ? 0 : Math.max(0, count - seen);
      badge.hidden = unread === 0;
      badge.textContent = String(unread);
    } else badge.hidden = true;
  }
}

function renderHeader() {
  const title = $('view-title');
  const subtitle = $('view-subtitle');
  const actions = $('view-actions');
  actions.replaceChildren();
  const composer = $('command-form');
  composer.hidden = !channelOfView(state.view);
  if (state.view.startsWith('channel:')) {
    const id = state.view.slice('channel:'.length);
    title.textContent = `#${CHANNEL_NAMES[id] ?? id}`;
    subtitle.textContent = `${id} · approval cards and notifications · you are ${userLabel(state.user)}`;
  } else if (state.view.startsWith('dm:')) {
    const id = state.view.slice(3);
    title.textContent = `chainsec ↔ ${userLabel(id)}`;
    subtitle.textContent =
      id === state.user
        ? `Your direct messages with the bot (D${id})`
        : `D${id} · ${userLabel(id)}’s DM, shown to you as an observer; clicks are made as ${userLabel(state.user)}`;
  } else if (state.view === 'home') {
    title.textContent = 'chainsec · Home';
    subtitle.textContent = `The App Home tab as ${userLabel(state.user)} sees it (views.publish)`;
    const refresh = el('button', 'btn btn-small', 'Refresh');
    refresh.type = 'button';
    refresh.addEventListener('click', () => void openHome());
    actions.append(refresh);
  } else if (state.view === 'ledger') {
    title.textContent = 'Decision ledger';
    subtitle.textContent = 'Every vote and decision, hash-chained per incident and signed (KMS, P-256)';
    const again = el('button', 'btn btn-small', 'Verify again');
    again.type = 'button';
    again.id = 'ledger-verify';
    again.addEventListener('click', () => void renderLedger($('view-body')));
    const download = el('a', 'btn btn-small', 'Download .jsonl');
    download.href = '/sandbox/ledger';
    download.download = 'chainsec-ledger.jsonl';
    actions.append(again, download);
  }
  $('command-input').placeholder = `/chainsec help — as ${userLabel(state.user)}`;
}

/** Re-renders the current view when what it shows changed. */
function render(force = false) {
  renderSidebar();
  const body = $('view-body');
  if (state.view === 'ledger') return; // rendered on demand
  const key = `${state.view}|${state.user}|${state.view === 'home' ? state.homeKey : state.messagesKey}|${state.localAnswers.length}`;
  if (!force && key === state.renderedKey) return;
  const nearBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 80;
  const changedView = !state.renderedKey.startsWith(`${state.view}|${state.user}|`);
  state.renderedKey = key;
  if (state.view === 'home') {
    body.replaceChildren(renderHome());
    return;
  }
  const { node, count } = renderConversation(state.view);
  body.replaceChildren(node);
  state.seen.set(`${state.user}|${state.view}`, count);
  renderSidebar();
  if (nearBottom || changedView) body.scrollTop = body.scrollHeight;
  applyFocus();
}

// ---- permalinks (`#/msg/<channel>/<ts>`, what chat.getPermalink answers here) -------------

/** A message to scroll to once it is rendered. */
let focus;

function viewOfChannel(channel) {
  return channel.startsWith('D') && USERS_BY_ID.has(channel.slice(1)) ? `dm:${channel.slice(1)}` : `channel:${channel}`;
}

function followHash() {
  const m = /^#\/msg\/([CDG][A-Z0-9]+)\/(\d+\.\d+)$/.exec(location.hash);
  if (!m) return false;
  focus = { view: viewOfChannel(m[1]), ts: m[2] };
  if (state.view !== focus.view) go(focus.view);
  else applyFocus();
  return true;
}

function applyFocus() {
  if (!focus || state.view !== focus.view) return;
  const target = document.querySelector(`#view-body .msg[data-ts="${CSS.escape(focus.ts)}"]`);
  if (!target) return; // not loaded yet: tried again after the next render
  focus = undefined;
  target.scrollIntoView({ block: 'center' });
  target.classList.add('msg-highlight');
  setTimeout(() => target.classList.remove('msg-highlight'), 2500);
}

function go(view) {
  state.view = view;
  state.renderedKey = '';
  renderHeader();
  if (view === 'ledger') {
    renderSidebar();
    void renderLedger($('view-body'));
    return;
  }
  render(true);
  if (view === 'home') {
    state.homeKey = '';
    state.home = null;
    render(true);
    void openHome();
  }
}

// ---- polling -------------------------------------------------------------------

let polling = false;
async function pollMessages() {
  if (polling) return;
  polling = true;
  try {
    const res = await fetch('/sandbox/messages');
    if (!res.ok) throw new Error(`GET /sandbox/messages: ${res.status}`);
    const text = await res.text();
    setConn(true);
    if (text !== state.messagesKey) {
      state.messages = JSON.parse(text);
      state.messagesKey = text;
      render();
    }
    document.body.dataset.ready = 'true';
  } catch (e) {
    setConn(false, e.message);
  } finally {
    polling = false;
  }
}

async function pollExecutions() {
  const running = state.executions.filter((x) => !FINAL.has(x.status));
  if (running.length === 0) return;
  await Promise.all(
    running.map(async (x) => {
      try {
        const d = await api(`/sandbox/executions/${encodeURIComponent(x.arn)}`);
        x.status = d.status;
        x.decision = d.output?.approval?.decision;
      } catch {
        // keep the last known status
      }
    }),
  );
  renderExecutions();
}

function renderExecutions() {
  const list = $('executions');
  list.replaceChildren(
    ...state.executions
      .slice(-8)
      .reverse()
      .map((x) => {
        const li = el('li', 'execution');
        const status = x.status.toLowerCase().replace('_', ' ');
        li.append(
          el('span', `status status-${x.status.toLowerCase()}`, x.decision ? `${status} · ${x.decision}` : status),
        );
        const label = el('span', 'execution-label', x.label);
        label.title = x.arn;
        li.append(label, el('span', 'muted mono small', x.ref));
        return li;
      }),
  );
}

// ---- tools ---------------------------------------------------------------------

async function sendSample(sampleId) {
  const sample = SAMPLES.find((s) => s.id === sampleId);
  if (!sample) return;
  const event = sample.build();
  try {
    const { executionArn } = await api('/sandbox/incidents', { method: 'POST', body: event });
    const ref = String(event.tx_hash ?? event.id ?? '');
    state.executions.push({
      label: sample.label.replace(/\s*\(.*\)$/, ''),
      arn: executionArn,
      status: 'RUNNING',
      ref: ref.length > 14 ? `${ref.slice(0, 10)}…${ref.slice(-4)}` : ref,
    });
    renderExecutions();
    toast(`Sent ${sample.label}`, 'info');
  } catch (e) {
    toast(e.message, 'error');
  }
}

/** A GuardDuty / Security Hub sample, posted as EventBridge delivers it (routed by the template's rules). */
async function sendFindingSample(sampleId) {
  try {
    const samples = await api('/sandbox/ui/finding-samples');
    const sample = samples.find((s) => s.id === sampleId);
    if (!sample) return;
    const { executionArns } = await api('/sandbox/events', { method: 'POST', body: sample.event });
    for (const arn of executionArns) {
      state.executions.push({ label: sample.label.replace(/\s*\(.*\)$/, ''), arn, status: 'RUNNING', ref: '' });
    }
    renderExecutions();
    toast(`Sent ${sample.label}`, 'info');
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function setupFindingSamples() {
  const box = $('finding-samples');
  try {
    for (const s of await api('/sandbox/ui/finding-samples')) {
      const b = el('button', 'btn btn-small', s.label);
      b.type = 'button';
      b.dataset.findingSample = s.id;
      b.addEventListener('click', () => void sendFindingSample(s.id));
      box.append(b);
    }
  } catch (e) {
    toast(e.message, 'error');
  }
}

function toLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

async function tick() {
  const value = $('tick-now').value;
  const now = value ? new Date(value) : new Date();
  if (Number.isNaN(now.getTime())) {
    toast('Pick a valid date and time', 'error');
    return;
  }
  const out = $('tick-result');
  out.hidden = false;
  out.textContent = `Sweeping as of ${now.toISOString()}…`;
  try {
    const answer = await api('/sandbox/tick', { method: 'POST', body: { now: now.toISOString() } });
    out.textContent = `as of ${now.toISOString()}\n${JSON.stringify(answer, null, 2)}`;
  } catch (e) {
    out.textContent = e.message;
  }
  void pollMessages();
}

function setupTools() {
  const select = $('sample-select');
  for (const s of SAMPLES.filter((x) => x.id !== 'hostile')) {
    const o = el('option', '', s.label);
    o.value = s.id;
    select.append(o);
  }
  select.value = 'onchain-critical';
  $('sample-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void sendSample(select.value);
  });
  $('sample-hostile').addEventListener('click', () => void sendSample('hostile'));
  void setupFindingSamples();

  $('tick-now').value = toLocalInput(new Date());
  $('tick-send').addEventListener('click', () => void tick());
  for (const b of document.querySelectorAll('[data-tick-offset]')) {
    b.addEventListener('click', () => {
      $('tick-now').value = toLocalInput(new Date(Date.now() + Number(b.dataset.tickOffset) * 60_000));
      void tick();
    });
  }

  const users = $('user-select');
  for (const u of USERS) {
    const o = el('option', '', `${u.realName} (${u.id})`);
    o.value = u.id;
    users.append(o);
  }
  users.value = state.user;
  users.addEventListener('change', () => {
    state.user = users.value;
    localStorage.setItem('chainsec.user', state.user);
    go(state.view);
  });

  const rows = $('identities');
  for (const u of USERS) {
    const tr = el('tr');
    tr.append(el('td', 'mono', u.id), el('td', '', u.realName), el('td', 'muted', u.role));
    rows.append(tr);
  }

  document.querySelector('.sidebar').addEventListener('click', (e) => {
    const item = e.target.closest('.nav-item');
    if (item) go(item.dataset.view);
  });
  $('command-form').addEventListener('submit', (e) => void sendCommand(e));
  $('command-input').value = '/chainsec ';

  // Links to this page's own messages (permalinks) open here instead of a new tab.
  $('view-body').addEventListener('click', (e) => {
    const a = e.target.closest('a.md-link');
    if (!a) return;
    const url = new URL(a.href);
    if (url.host === location.host && url.hash.startsWith('#/msg/')) {
      e.preventDefault();
      if (location.hash === url.hash) followHash();
      else location.hash = url.hash;
    }
  });
  window.addEventListener('hashchange', () => void followHash());

  $('confirm-ok').addEventListener('click', () => closeConfirm(true));
  $('confirm-cancel').addEventListener('click', () => closeConfirm(false));
  $('confirm-close').addEventListener('click', () => closeConfirm(false));
  $('confirm-modal').addEventListener('click', (e) => {
    if (e.target === $('confirm-modal')) closeConfirm(false);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('confirm-modal').hidden) closeConfirm(false);
  });
}

setupTools();
if (!followHash()) go(state.view);
void pollMessages();
setInterval(() => void pollMessages(), 1000);
setInterval(() => void pollExecutions(), 1500);
setInterval(() => void pollHome(), 2000);
