import { reasonText } from './decisionNotices';
import type { KnownBlock } from '@slack/types';
import { formatDistanceStrict } from 'date-fns';
import type { IncidentRecord } from '../domain/incidentRecord';
import { LedgerEntryType, type LedgerEntry, type LedgerVerdict } from '../domain/ledger';
import type { LongText } from '../domain/payloadBounds';
import type { OnCall } from '../domain/escalation';
import type { Stats, Spread } from '../domain/stats';
import { RISK_TIERS } from '../domain/tiers';
import { escapeMrkdwn, plain, splitText, truncate, untrusted } from './escape';
import { formatUtc, formatWhen, mention, requesterText } from './format';
import { PARAMETER_BOUNDS, allParameterLines, flattenParameters, labelledLines, parameterLines } from './parameterList';
import { type RouteListItem, type UnreachableRouteItem, routeListLines, unreachableRouteLines } from './routeNotices';

/** A `/chainsec` answer. */
export interface CommandMessage {
  text: string;
  blocks: KnownBlock[];
}

const SECTION_MAX = 2900;
const MAX_BLOCKS = 45;

// Bounded with the escape module's cuts, never `slice`: a raw cut can split a surrogate pair,
// an entity or an emoji sequence and leave its invisible joins dangling.
const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SECTION_MAX) },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, SECTION_MAX) }],
});
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: plain(text, 150) } });

function message(title: string, blocks: KnownBlock[]): CommandMessage {
  return { text: truncate(title, 3000), blocks: [header(title), ...blocks].slice(0, MAX_BLOCKS) };
}

const title = (r: IncidentRecord): string =>
  `*${r.incident.id}* · ${r.tier.toUpperCase()} · ${untrusted(r.incident.title, 200)}`;

/** Help, optionally after a message saying what was wrong (plain text; it may quote what the person typed). */
export function help(problem?: string): CommandMessage {
  const lines = [
    '`/chainsec status` — counts by state and tier, pending approvals, dry-run mode',
    '`/chainsec pending` — each waiting approval, what it still needs, a link to its card',
    '`/chainsec incident INC-…` — the whole incident: event, reasoning, votes, decision, ledger',
    '`/chainsec verify [INC-…]` — checks the signed ledger (one incident or recent ones)',
    '`/chainsec stats [24h|7d|30d]` — time to acknowledge / decide, outcomes, rates',
    '`/chainsec oncall` — who is primary and secondary now',
    '`/chainsec help` — this list',
  ];
  return message('chainsec commands', [
    ...(problem ? [section(`:warning: ${escapeMrkdwn(problem).replace(/&lt;|&gt;/g, '')}`)] : []),
    section(lines.join('\n')),
  ]);
}

/** A usage or lookup error. */
export function error(text: string): CommandMessage {
  return { text, blocks: [section(`:warning: ${text}`)] };
}

/** `/chainsec status`. */
export function status(input: {
  now: Date;
  counts: Record<string, Record<string, number>>;
  pending: IncidentRecord[];
  dryRun: boolean;
  windowDays: number;
  /** The routes the asker can decide in (the default route included), each with its pending count. */
  routes?: readonly RouteListItem[];
  /** Route channels the bot is not in, with the default channel their cards go to instead. */
  unreachable?: { routes: readonly UnreachableRouteItem[]; defaultChannel: string };
}): CommandMessage {
  const unreachable = input.unreachable?.routes ?? [];
  const routeLines = routeListLines(input.routes ?? [], unreachable);
  const unreachableLines = input.unreachable
    ? unreachableRouteLines(unreachable, input.unreachable.defaultChannel)
    : [];
  const countLines = Object.entries(input.counts).map(
    ([state, tiers]) =>
      `• *${state}*: ${RISK_TIERS.filter((t) => tiers[t])
        .map((t) => `${t} ${tiers[t]}`)
        .join(', ')}`,
  );
  const pendingLines = input.pending
    .slice(0, 15)
    .map(
      (r) =>
        `• ${title(r)} — waiting ${formatDistanceStrict(new Date(r.requestedAt), input.now)}, deadline ${r.deadline ? formatUtc(r.deadline) : '—'}`,
    );
  const oldest = input.pending[0];
  return message('chainsec status', [
    section(`*Incidents, last ${input.windowDays} days*\n${countLines.join('\n') || 'none'}`),
    section(
      `*Pending approvals: ${input.pending.length}*\n${pendingLines.join('\n') || 'none'}${input.pending.length > 15 ? `\n…and ${input.pending.length - 15} more` : ''}`,
    ),
    ...(routeLines.length > 0 ? [section(`*Where you decide*\n${routeLines.join('\n')}`)] : []),
    ...(unreachableLines.length > 0
      ? [section(`*Routes chainsec cannot post to*\n${unreachableLines.join('\n')}`)]
      : []),
    context(
      `Oldest pending: ${oldest ? `${oldest.incident.id}, waiting ${formatDistanceStrict(new Date(oldest.requestedAt), input.now)}` : 'none'} · Dry run: *${input.dryRun ? 'ON' : 'off'}*`,
    ),
  ]);
}

/** `/chainsec pending`. */
export function pending(input: {
  now: Date;
  rows: Array<{ record: IncidentRecord; approvals: number; rollbacks: number; needed: number; link?: string }>;
}): CommandMessage {
  if (input.rows.length === 0) return message('No approvals pending', [section('Nothing is waiting for a decision.')]);
  const blocks = input.rows.slice(0, 40).map(({ record, approvals, rollbacks, needed, link }) => {
    const needs = `${approvals} of ${needed} approval${needed === 1 ? '' : 's'}${rollbacks ? `, ${rollbacks} of ${needed} rollbacks` : ''}`;
    const open = link && /^https?:\/\/[^\s|<>]+$/.test(link) ? ` · <${link}|open the card>` : '';
    return section(
      `${title(record)}\n${needs} · deadline ${record.deadline ? formatWhen(record.deadline, input.now) : '—'}${open}`,
    );
  });
  return message(`${input.rows.length} approval${input.rows.length === 1 ? '' : 's'} pending`, blocks);
}

/**
 * Escaped text as quoted sections (`> ` before every line) of at most `max`
 * characters each, quote marks included, so that no section is cut.
 */
function quotedChunks(escaped: string, max: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length > 0) out.push(current.join('\n'));
    current = [];
    size = 0;
  };
  for (const line of escaped.split('\n')) {
    // A line longer than a section is split, never inside an entity (`&amp;`) or an emoji sequence.
    for (const piece of line.length === 0 ? [''] : splitText(line, max - 3)) {
      const quoted = `> ${piece}`;
      if (size + quoted.length + 1 > max) flush();
      current.push(quoted);
      size += quoted.length + 1;
    }
  }
  flush();
  return out.length > 0 ? out : ['> '];
}

/** One long untrusted text, escaped and quoted, across as many messages as it takes. */
function quotedMessages(incidentId: string, title: string, text: string): CommandMessage[] {
  const parts = quotedChunks(escapeMrkdwn(text), 2800);
  const perMessage = 12;
  const total = Math.ceil(parts.length / perMessage);
  const messages: CommandMessage[] = [];
  for (let m = 0; m < parts.length; m += perMessage) {
    const n = m / perMessage + 1;
    const blocks = parts.slice(m, m + perMessage).map((p) => section(p));
    messages.push({
      text: `${incidentId}: ${title.toLowerCase()} (untrusted), part ${n}`,
      blocks: [context(`*${title} — untrusted content, quoted, not instructions* (part ${n} of ${total})`), ...blocks],
    });
  }
  return messages;
}

/** A request's context fields as `label: value` lines (all of them: at most 20 by the schema). */
function requestFacts(record: IncidentRecord): string[] {
  const i = record.incident;
  if (i.kind !== 'request') return [];
  const pairs = i.request.fields.map((f) => [f.label, f.value] as const);
  return [
    `Action: ${untrusted(i.request.actionType, 100)} on ${untrusted(i.request.target, 300)}`,
    ...(pairs.length > 0
      ? [
          '*Context (from the request, untrusted)*',
          ...labelledLines(pairs, pairs.length, { entries: 20, value: 500, key: 50, room: 2400 }),
        ]
      : []),
  ];
}

/**
 * `/chainsec incident <id>`: several messages when the text is long, so the
 * full text stays retrievable. `full` is the full text when the record holds
 * a preview (`complete: false` when only the preview could be read).
 */
export function incidentDetail(input: {
  record: IncidentRecord;
  entries: LedgerEntry[];
  now: Date;
  full?: { text: LongText; complete: boolean };
}): CommandMessage[] {
  const r = input.record;
  const i = r.incident;
  const facts = incidentFacts(r);
  const { votes, decision } = decisionLines(r);
  const timeline = ledgerTimeline(r, input.entries);
  const first = message(`${i.id} · ${r.tier.toUpperCase()} · ${r.status}`, [
    section(`*${untrusted(i.title, 300)}*\n${facts.join('\n')}`),
    ...proposedActionSections(r),
    section(`${decision}\n${votes.join('\n') || 'No votes.'}`),
    section(`*Ledger (${input.entries.length} entries)*\n${timeline.slice(-25).join('\n')}`),
    ...(r.evidence.length
      ? [
          section(
            `*Evidence (untrusted)*\n${r.evidence
              .slice(0, 20)
              .map((e) => `• ${untrusted(e, 300)}`)
              .join('\n')}`,
          ),
        ]
      : []),
  ]);
  // The reasoning in full, escaped, quoted, across as many messages as it takes.
  const full = input.full?.text ?? { reasoning: r.reasoning, evidence: r.evidence };
  const messages: CommandMessage[] = [first, ...quotedMessages(i.id, "Agent's reasoning", full.reasoning)];
  messages.push(...moreTextMessages(r, full, input.full));
  return messages;
}

/** The incident's own facts, by its kind (untrusted values escaped and bounded). */
function incidentFacts(r: IncidentRecord): string[] {
  const i = r.incident;
  return i.kind === 'finding'
    ? i.finding.fields.map((f) => `${untrusted(f.label, 100)}: ${untrusted(f.value, 300)}`)
    : i.kind === 'request'
      ? requestFacts(r)
      : i.kind === 'onchain'
        ? [
            `Tx hash: ${untrusted(i.onchain.txHash, 200)}`,
            `Amount: $${i.onchain.amountUsd}`,
            `Protocol: ${untrusted(i.onchain.protocol, 200)}`,
            `Anomaly score: ${i.onchain.anomalyScore}`,
            ...(i.onchain.from ? [`From: ${untrusted(i.onchain.from, 200)}`] : []),
            ...(i.onchain.to ? [`To: ${untrusted(i.onchain.to, 200)}`] : []),
          ]
        : [
            `Source IP: ${untrusted(i.waf.sourceIp, 100)}`,
            `URI: ${untrusted(i.waf.uri, 1000)}`,
            `Method: ${untrusted(i.waf.httpMethod, 20)}`,
            `Rule: ${untrusted(i.waf.ruleName, 300)}`,
            `Country: ${untrusted(i.waf.country, 100)}`,
            `Action: ${untrusted(i.waf.action, 50)}`,
          ];
}

/** The votes, one line each, and the decision (or the status while there is none). */
function decisionLines(r: IncidentRecord): { votes: string[]; decision: string } {
  const votes = r.votes.map(
    (v) =>
      `• ${mention(v.userId)} ${v.choice} at ${formatUtc(v.at)}${v.reason !== undefined ? ` — reason: ${reasonText(v.reason)}` : ''}`,
  );
  const decision = r.decision
    ? `*Decision:* ${r.decision} by ${(r.decidedBy ?? []).map(mention).join(', ') || 'chainsec (deadline)'} at ${r.decidedAt ? formatUtc(r.decidedAt) : '—'}`
    : `*Status:* ${r.status}`;
  return { votes, decision };
}

/** The ledger's entries, one line each. */
function ledgerTimeline(r: IncidentRecord, entries: LedgerEntry[]): string[] {
  // The first entry's actor is whoever the agent named: shown like the card's requester, never a ping.
  const actor = (e: LedgerEntry) => (e.type === LedgerEntryType.IncidentReceived ? requesterText(r) : mention(e.actor));
  return entries.map(
    (e) =>
      `${e.seq}. ${formatUtc(e.at)} · ${e.type}${e.decision ? ` (${e.decision})` : ''} · ${actor(e)} · \`${e.hash.slice(0, 12)}\``,
  );
}

/** The proposed action and its parameters (as many as fit; every one is listed in a later message). */
function proposedActionSections(r: IncidentRecord): ReturnType<typeof section>[] {
  return r.proposedAction
    ? [
        section(
          [
            `*Proposed action:* ${untrusted(r.proposedAction.type, 100)} on ${untrusted(r.proposedAction.target, 300)} (${r.proposedAction.reversible ? 'reversible' : 'irreversible'})`,
            ...(r.proposedAction.parameters && Object.keys(r.proposedAction.parameters).length > 0
              ? [
                  '*Parameters:*',
                  ...parameterLines(r.proposedAction.parameters, {
                    ...PARAMETER_BOUNDS,
                    room: 2400,
                    moreAt: 'every one is listed below',
                  }),
                ]
              : []),
          ].join('\n'),
        ),
      ]
    : [];
}

/**
 * The messages after the reasoning: every parameter when the list had to leave
 * some out, and what a preview left out (the WAF analysis and follow-up when
 * not the reasoning itself, every evidence item), or a warning when only the
 * preview could be read.
 */
function moreTextMessages(
  r: IncidentRecord,
  full: LongText,
  read: { text: LongText; complete: boolean } | undefined,
): CommandMessage[] {
  const i = r.incident;
  const messages: CommandMessage[] = [];
  // Every parameter the receipt's digest covers, when the list above had to leave some out.
  const parameters = r.proposedAction?.parameters;
  if (parameters && flattenParameters(parameters, 0).total > PARAMETER_BOUNDS.entries)
    messages.push(...quotedMessages(i.id, 'Parameters in full', allParameterLines(parameters).join('\n')));
  // What a preview left out: the WAF analysis and follow-up (when not the reasoning itself) and every evidence item.
  if (r.fullText) {
    if (full.analysis && full.analysis !== full.reasoning)
      messages.push(...quotedMessages(i.id, 'WAF analysis', full.analysis));
    if (full.followUp) messages.push(...quotedMessages(i.id, 'Suggested follow-up', full.followUp));
    if (full.evidence.length > 0)
      messages.push(
        ...quotedMessages(i.id, 'Evidence in full', full.evidence.map((e, n) => `${n + 1}. ${e}`).join('\n')),
      );
    if (read && !read.complete)
      messages.push(
        message(`${i.id}: full text unavailable`, [
          context(':warning: Only a preview of the full text could be read; what is shown above is shortened.'),
        ]),
      );
  }
  return messages;
}

/** `/chainsec verify`. */
export function verify(input: {
  results: Array<{ incidentId: string; verdict: LedgerVerdict }>;
  scope: string;
  total: number;
}): CommandMessage {
  const bad = input.results.filter((r) => !r.verdict.ok);
  const entries = input.results.reduce((n, r) => n + (r.verdict.ok ? r.verdict.entries : 0), 0);
  if (bad.length === 0) {
    const note =
      input.total > input.results.length
        ? ` (the ${input.results.length} most recent of ${input.total}; export and run \`npx chainsec verify\` for all)`
        : '';
    return {
      text: `OK: ledger verified`,
      blocks: [
        section(`:white_check_mark: *OK* — ${input.results.length} chain(s), ${entries} signed entries intact${note}.`),
      ],
    };
  }
  const lines = bad
    .slice(0, 20)
    .map(({ incidentId, verdict }) =>
      verdict.ok ? '' : `• *${incidentId}* seq ${verdict.seq ?? '?'}: ${escapeMrkdwn(verdict.reason)}`,
    );
  return {
    text: `FAIL: ${bad.length} broken chain(s)`,
    blocks: [section(`:x: *FAIL* — ${bad.length} of ${input.results.length} chain(s) broken:\n${lines.join('\n')}`)],
  };
}

const secs = (s: number | null): string =>
  s === null ? '—' : s < 120 ? `${Math.round(s)}s` : `${(s / 60).toFixed(1)} min`;
const spreadText = (s: Spread): string => `p50 ${secs(s.p50Seconds)} · p90 ${secs(s.p90Seconds)} (n=${s.count})`;
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** `/chainsec stats`. */
export function stats(range: string, s: Stats): CommandMessage {
  const outcomes = (['critical', 'high'] as const).map((t) => {
    const o = s.outcomes[t];
    return `• *${t}*: approved ${o.approve}, denied ${o.deny}, rolled back ${o.rollback}, expired ${o.expired}, pending ${o.pending}`;
  });
  return message(`chainsec stats, last ${range}`, [
    section(
      `*Time to acknowledge:* ${spreadText(s.timeToAcknowledge)}\n*Time to decide:* ${spreadText(s.timeToDecide)}`,
    ),
    section(`*Outcomes*\n${outcomes.join('\n')}`),
    section(
      `*Risk distribution* (${s.incidents} incidents): ${RISK_TIERS.map((t) => `${t} ${s.byTier[t]}`).join(' · ')}`,
    ),
    section(
      `*Auto-action success rate:* ${pct(s.autoActions.successRate)} (${s.autoActions.executed} executed, ${s.autoActions.failed} failed, ${s.autoActions.skipped} dry run)\n*False-positive rate:* ${pct(s.falsePositives.rate)} (${s.falsePositives.marked} marked)`,
    ),
  ]);
}

/** `/chainsec oncall`. */
export function oncall(who: OnCall, now: Date): CommandMessage {
  return message('On call now', [
    section(`Primary: ${mention(who.primary)}\nSecondary: ${mention(who.secondary)}`),
    context(`As of ${formatUtc(now)}`),
  ]);
}
