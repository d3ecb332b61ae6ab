import { shortDigest } from '../domain/actionDigest';
import type { Button, KnownBlock } from '@slack/types';
import { ActionId } from '../domain/actionIds';
import { eventCardFields } from '../domain/sources';
import type { ActionResult, IncidentRecord } from '../domain/incidentRecord';
import type { FindingFacts } from '../domain/sources/types';
import { INVESTIGATE } from '../domain/sources/actions';
import { expiryFallback, type TimeoutFallback } from '../domain/policy';
import { expiryMayRollBack, isOwnOrigin, originLabel } from '../domain/origin';
import { tally, type VoteChoice } from '../domain/votes';
import { escapeMrkdwn, oneLine, quoteUntrusted, truncate, untrusted } from './escape';
import { actions, button, compact, context, header, section } from './elements';
import { fitMessage } from './fitMessage';
import { PARAMETER_BOUNDS, labelledLines, parameterLines } from './parameterList';
import { reasonText } from './decisionNotices';
import { reasonMenu } from './reasonModal';
import {
  TIER_EMOJI,
  formatUtc,
  formatWhen,
  identifyingLine,
  mention,
  mentions,
  requesterText,
  tierLabel,
} from './format';
import { ID_MAX, MESSAGE_TEXT_MAX, withinMessageLimits, type BlockMessage } from './limits';

/** `block_id`s of the card, for listeners and tests to find blocks by meaning. */
export const CardBlockId = {
  Facts: 'chainsec_facts',
  Summary: 'chainsec_summary',
  Reasoning: 'chainsec_reasoning',
  ReasoningNote: 'chainsec_reasoning_note',
  Evidence: 'chainsec_evidence',
  Action: 'chainsec_action',
  /** A request's `context` fields (untrusted), for a request without an incident. */
  Context: 'chainsec_request_context',
  Status: 'chainsec_status',
  Outcome: 'chainsec_outcome',
  /** The reasons people gave with their votes (untrusted, quoted). */
  Reasons: 'chainsec_reasons',
  /** The vote buttons on a pending approval card (prefix; see {@link actionsBlockId}). */
  Vote: 'chainsec_vote',
  /** "Mark false positive" on a notification card (prefix; see {@link actionsBlockId}). */
  Triage: 'chainsec_triage',
  Footer: 'chainsec_context',
} as const;

/**
 * `block_id` of a card's button row: the prefix plus the incident id, so the
 * App Home tab can show several cards' buttons in one view (Slack rejects
 * duplicate `block_id`s in a view).
 */
export function actionsBlockId(
  prefix: typeof CardBlockId.Vote | typeof CardBlockId.Triage,
  incidentId: string,
): string {
  return `${prefix}.${incidentId}`.slice(0, ID_MAX);
}

/** Which card a record gets. */
export type CardVersion = 'pending' | 'decided' | 'expired' | 'notification';

/** Inputs of {@link buildIncidentCard} besides the record. */
export interface IncidentCardOptions {
  /** For relative times ("in 59 minutes"). */
  now: Date;
  /** Distinct approvers the tier needs (shown as "1 of 2 approvals"). */
  approvalsNeeded: number;
  /** The tier's configured fallback when nobody decides (the policy's `onTimeout`). */
  onTimeout: TimeoutFallback;
  /** How to get the full text when the card shortens it; default `/chainsec incident <id>`. */
  fullTextHint?: string;
}

/** The version of the card for `record`, from its kind and status. */
export function cardVersion(record: IncidentRecord): CardVersion {
  if (record.kind === 'notification') return 'notification';
  if (record.status === 'pending') return 'pending';
  if (record.status === 'expired' || record.decision === 'expired' || record.decision === undefined) return 'expired';
  return 'decided';
}

/** How much untrusted text a card shows; later entries are tried when a card would be too big. */
interface Budget {
  reasoning: number;
  evidenceItems: number;
  evidenceChars: number;
  summary: number;
  field: number;
  uri: number;
  /** Characters of one parameter or context value. */
  listValue: number;
}

const BUDGETS: readonly Budget[] = [
  { reasoning: 1500, evidenceItems: 5, evidenceChars: 300, summary: 1500, field: 1000, uri: 1500, listValue: 200 },
  { reasoning: 700, evidenceItems: 3, evidenceChars: 200, summary: 800, field: 400, uri: 800, listValue: 150 },
  { reasoning: 300, evidenceItems: 1, evidenceChars: 150, summary: 400, field: 200, uri: 400, listValue: 100 },
  { reasoning: 0, evidenceItems: 0, evidenceChars: 0, summary: 200, field: 120, uri: 200, listValue: 60 },
];

const DECISION_WORD: Record<VoteChoice, { header: string; past: string }> = {
  approve: { header: '✅ Approved', past: 'approved' },
  deny: { header: '⛔ Denied', past: 'denied' },
  rollback: { header: '↩️ Rolled back', past: 'rolled back' },
};

const DRY_RUN = 'DRY RUN · ';

/** Context lines a card shows (the schema allows 20; each value is bounded by the budget). */
const CONTEXT_LINES = 20;

/** A detector's sample finding: nothing is ever run for it. */
const isSample = (record: IncidentRecord): boolean =>
  record.incident.kind === 'finding' && record.incident.finding.sample;

/** The line a sample finding's card shows, as it says it. */
const SAMPLE_NOTICE = 'sample finding: no action will run';

/**
 * Whether the record has a containment a rollback would undo: one that ran
 * (or, in dry run, would have run) a reversible action. An investigation,
 * a failed containment or a sample's skipped one left nothing to undo.
 */
function undoableContainment(record: IncidentRecord): boolean {
  const c = record.containment;
  if (!c?.reversible || c.type === INVESTIGATE || isSample(record)) return false;
  return c.status === 'executed' || (c.status === 'skipped' && record.dryRun);
}

/** What the workflow does when nobody decides, by the policy's rule ({@link expiryFallback}). */
function fallbackWords(record: IncidentRecord, opts: IncidentCardOptions): string {
  const hasContainment = undoableContainment(record);
  // An expiry rolls back only a containment the stack's own workflow recorded (see origin.ts).
  if (expiryFallback(opts.onTimeout, hasContainment && expiryMayRollBack(record)) === 'rollback')
    return 'containment rolled back';
  return hasContainment ? 'denied (fail closed), containment kept' : 'denied (fail closed)';
}

function personDecision(record: IncidentRecord): VoteChoice | undefined {
  return record.decision !== undefined && record.decision !== 'expired' ? record.decision : undefined;
}

function fullTextHint(record: IncidentRecord, opts: IncidentCardOptions): string {
  return `\`${escapeMrkdwn(opts.fullTextHint ?? `/chainsec incident ${record.incident.id}`)}\``;
}

function headerText(record: IncidentRecord, opts: IncidentCardOptions, version: CardVersion): string {
  const dry = record.dryRun ? DRY_RUN : '';
  const tier = tierLabel(record.tier);
  switch (version) {
    case 'pending':
      return `${TIER_EMOJI[record.tier]} ${dry}${tier} — approval needed`;
    case 'decided':
      return `${DECISION_WORD[personDecision(record) ?? 'deny'].header} · ${dry}${tier}`;
    case 'expired':
      return `⌛ Expired — ${fallbackWords(record, opts)} · ${dry}${tier}`;
    case 'notification':
      return `${TIER_EMOJI[record.tier]} ${dry}${tier} — ${record.tier === 'low' ? 'handled automatically' : 'for your information'}`;
  }
}

/** The `text` fallback: notifications and screen readers show it; it names tier and incident. */
function fallbackText(record: IncidentRecord, opts: IncidentCardOptions, version: CardVersion): string {
  const i = record.incident;
  const dry = record.dryRun ? DRY_RUN : '';
  const what =
    version === 'pending'
      ? 'approval needed'
      : version === 'decided'
        ? DECISION_WORD[personDecision(record) ?? 'deny'].past
        : version === 'expired'
          ? `expired, ${fallbackWords(record, opts)}`
          : record.tier === 'low'
            ? 'handled automatically'
            : 'for your information';
  return truncate(
    `${dry}${tierLabel(record.tier)} ${what}: ${untrusted(i.title, 300)} (${identifyingLine(i)}) ${escapeMrkdwn(i.id)}`,
    MESSAGE_TEXT_MAX,
  );
}

const field = (label: string, value: string): string => `*${label}*\n${value}`;

/**
 * A finding's card fields, as its source module listed them (label/value
 * data, escaped and bounded here); a sample finding says so first.
 */
function findingFields(f: FindingFacts, b: Budget): string[] {
  const shown = f.fields
    .slice(0, 8)
    .map((x) => field(escapeMrkdwn(oneLine(x.label).slice(0, 50)), untrusted(x.value, b.field)));
  return f.sample ? [field('SAMPLE', SAMPLE_NOTICE), ...shown] : shown;
}

/** "What happened": the title and the identifying fields, shown in full (escaped) so people and checks can find them. */
function factsBlock(record: IncidentRecord, b: Budget): KnownBlock {
  const i = record.incident;
  if (i.kind === 'request') {
    const fields = [
      field('Action', untrusted(i.request.actionType, b.field)),
      field('Target', untrusted(i.request.target, b.field)),
      field('Incident', escapeMrkdwn(i.id)),
    ];
    return section(`*Request:* ${untrusted(i.title, 500)}`, { blockId: CardBlockId.Facts, fields });
  }
  // A finding's fields are data in its facts; an agent event's come from its source module.
  const fields =
    i.kind === 'finding'
      ? findingFields(i.finding, b)
      : (eventCardFields(i) ?? []).map((x) => field(x.label, untrusted(x.value, x.long ? b.uri : b.field)));
  fields.push(field('Incident', escapeMrkdwn(i.id)));
  return section(`*What happened:* ${untrusted(i.title, 500)}`, { blockId: CardBlockId.Facts, fields });
}

/**
 * A request's context fields (label: value lines, escaped and bounded), all
 * of them when they fit a section: at most 20 by the schema.
 */
function requestContextBlock(record: IncidentRecord, b: Budget): KnownBlock | undefined {
  const i = record.incident;
  if (i.kind !== 'request' || i.request.fields.length === 0) return undefined;
  const pairs = i.request.fields.map((f) => [f.label, f.value] as const);
  const lines = labelledLines(pairs, pairs.length, { entries: CONTEXT_LINES, value: b.listValue, key: 50, room: 2700 });
  return section(['*Context (from the request, untrusted)*', ...lines].join('\n'), { blockId: CardBlockId.Context });
}

function summaryBlocks(record: IncidentRecord, b: Budget): KnownBlock[] {
  if (!record.summary || record.summary.text.trim() === '') return [];
  const source = record.summary.source === 'bedrock' ? 'Summary by Amazon Bedrock' : "Summary from the event's fields";
  return [
    section(`*Why this matters*\n${untrusted(record.summary.text, b.summary)}`, { blockId: CardBlockId.Summary }),
    context([source]),
  ];
}

/** The agent's own words; for WAF events without reasoning, its analysis and suggestion. */
function reasoningText(record: IncidentRecord): string {
  if (record.reasoning.trim() !== '') return record.reasoning;
  if (record.incident.kind !== 'waf') return '';
  const w = record.incident.waf;
  return [w.analysis, w.followUp !== undefined ? `Suggested follow-up: ${w.followUp}` : undefined]
    .filter((s) => s !== undefined && s.trim() !== '')
    .join('\n\n');
}

/** Whether the record's reasoning (or the WAF analysis shown in its place) is a preview of a longer text. */
function reasoningIsPreview(record: IncidentRecord): boolean {
  return (record.fullText?.shortened ?? []).some((f) => f !== 'evidence');
}

function reasoningBlocks(record: IncidentRecord, opts: IncidentCardOptions, b: Budget): KnownBlock[] {
  const text = reasoningText(record);
  if (text === '') return [];
  const title = "*Agent's reasoning (untrusted, quoted)*";
  if (b.reasoning === 0) {
    return [
      context(
        [`${title}: not shown, too long for a card — full text: ${fullTextHint(record, opts)}`],
        CardBlockId.ReasoningNote,
      ),
    ];
  }
  const room = b.reasoning;
  const quoted = quoteUntrusted(text, room);
  const cut = reasoningIsPreview(record) || quoteUntrusted(text, Number.POSITIVE_INFINITY).length > room;
  return compact([
    section(`${title}\n${quoted}`, { blockId: CardBlockId.Reasoning }),
    cut && context([`Shortened — full text: ${fullTextHint(record, opts)}`], CardBlockId.ReasoningNote),
  ]);
}

function evidenceBlocks(record: IncidentRecord, opts: IncidentCardOptions, b: Budget): KnownBlock[] {
  const items = record.evidence.filter((e) => e.trim() !== '');
  if (items.length === 0) return [];
  const shown = items.slice(0, b.evidenceItems).map((e) => `• ${untrusted(oneLine(e), b.evidenceChars)}`);
  // A preview holds fewer items than the full text: count those too.
  const more = Math.max(items.length, record.fullText?.evidenceItems ?? 0) - shown.length;
  const moreLine =
    more > 0
      ? [
          `_${shown.length > 0 ? `+${more} more` : `${more} item${more === 1 ? '' : 's'}`} — full text: ${fullTextHint(record, opts)}_`,
        ]
      : [];
  return [section(['*Evidence (untrusted)*', ...shown, ...moreLine].join('\n'), { blockId: CardBlockId.Evidence })];
}

function actionLine(type: string, target: string): string {
  return `${untrusted(type, 100)} on ${untrusted(target, 500)}`;
}

function proposedActionBlock(
  record: IncidentRecord,
  version: CardVersion,
  opts: IncidentCardOptions,
  b: Budget,
): KnownBlock | undefined {
  const now = opts.now;
  const lines: string[] = [];
  const p = record.proposedAction;
  if (isSample(record)) lines.push(`:information_source: *Sample finding:* no action will run, whatever is decided.`);
  if (p?.type === INVESTIGATE)
    lines.push(`*Investigation requested:* no automatic action; people investigate ${untrusted(p.target, 500)}`);
  else if (p)
    lines.push(`*Proposed action:* ${actionLine(p.type, p.target)} (${p.reversible ? 'reversible' : 'irreversible'})`);
  // The parameters are part of what is approved (the receipt's digest covers them): a person sees them too.
  if (p?.parameters && Object.keys(p.parameters).length > 0)
    lines.push(
      '*Parameters:*',
      ...parameterLines(p.parameters, {
        ...PARAMETER_BOUNDS,
        value: b.listValue,
        // Nothing the digest covers is out of reach: the command lists every parameter.
        moreAt: `${fullTextHint(record, opts)} lists them all`,
      }),
    );
  const c = record.containment;
  if (c) {
    const undo =
      version === 'pending' && record.deadline
        ? `; rolls back automatically if not confirmed by ${formatWhen(record.deadline, now)}`
        : '';
    // A skipped or failed containment changed nothing: say why rather than claim it happened.
    if (c.type === INVESTIGATE) {
      lines.push(`*No automatic containment:* investigation requested at ${formatUtc(c.at)}; nothing was changed.`);
    } else {
      const label =
        c.status === 'failed'
          ? '*Containment FAILED:*'
          : c.status === 'executed'
            ? '*Already contained by the agent:*'
            : isSample(record)
              ? '*Containment skipped (sample finding, nothing changed):*'
              : record.dryRun
                ? '*Containment (dry run, nothing changed):*'
                : '*Containment skipped (nothing changed):*';
      lines.push(
        `${label} ${actionLine(c.type, c.target)} at ${formatUtc(c.at)}${c.status === 'executed' ? undo : ''}`,
      );
    }
  }
  return lines.length > 0 ? section(lines.join('\n'), { blockId: CardBlockId.Action }) : undefined;
}

function votesLine(record: IncidentRecord, needed: number): string {
  const t = tally(record.votes, needed);
  const plural = (n: number, word: string): string => `${word}${n === 1 ? '' : 's'}`;
  const parts = [
    `${t.approve.length} of ${needed} ${plural(needed, 'approval')}${t.approve.length > 0 ? `: ${mentions(t.approve)}` : ''}`,
  ];
  if (t.rollback.length > 0)
    parts.push(`${t.rollback.length} of ${needed} ${plural(needed, 'rollback')}: ${mentions(t.rollback)}`);
  if (t.deny.length > 0) parts.push(`denied by ${mentions(t.deny)}`);
  return parts.join('\n');
}

function statusBlock(record: IncidentRecord, opts: IncidentCardOptions, version: CardVersion): KnownBlock {
  const fields: string[] = [];
  if (version === 'pending' && record.deadline) fields.push(field('Deadline', formatWhen(record.deadline, opts.now)));
  // Who it came from, when not the stack itself: another workflow's request speaks only for that workflow.
  if (record.origin !== undefined && !isOwnOrigin(record.origin))
    fields.push(field('From', originLabel(record.origin)));
  if (record.requestedBy !== undefined) fields.push(field('Requested by', requesterText(record)));
  fields.push(field(version === 'pending' ? 'Votes so far' : 'Votes', votesLine(record, opts.approvalsNeeded)));
  const text =
    version === 'pending'
      ? `*Waiting for a decision* since ${formatUtc(record.requestedAt)}`
      : `*Requested* ${formatUtc(record.requestedAt)}`;
  return section(text, { blockId: CardBlockId.Status, fields });
}

/** Who decided, or that nobody did; and, when the workflow's task was gone, that its fallback ran instead. */
function outcomeBlock(record: IncidentRecord, opts: IncidentCardOptions, version: CardVersion): KnownBlock {
  const lines: string[] = [];
  const decision = personDecision(record);
  if (decision) {
    const at = record.decidedAt ? ` at ${formatUtc(record.decidedAt)}` : '';
    lines.push(`Decided by ${mentions(record.decidedBy ?? []) || 'nobody'}${at}: *${DECISION_WORD[decision].past}*.`);
  }
  if (version === 'expired' && !decision) {
    const deadline = record.deadline ? ` (${formatUtc(record.deadline)})` : '';
    const fallback = fallbackWords(record, opts);
    lines.push(`Nobody decided before the deadline${deadline}; the workflow took its safe fallback: *${fallback}*.`);
  }
  if (record.delivery === 'token_gone' && decision) {
    const fallback = fallbackWords(record, opts);
    lines.push(`:warning: The workflow had already timed out; its fallback ran (${fallback}), not this decision.`);
  }
  return section(lines.join('\n'), { blockId: CardBlockId.Outcome });
}

/** The reasons given with votes, one line each: who, what, and their words (escaped, quoted). */
function reasonsBlock(record: IncidentRecord): KnownBlock | undefined {
  const given = record.votes.filter((v) => v.reason !== undefined);
  if (given.length === 0) return undefined;
  const lines = given.map((v) => `• ${mention(v.userId)} (${v.choice}): ${reasonText(v.reason ?? '', 1000)}`);
  return section(`*Reason${given.length === 1 ? '' : 's'} given*\n${lines.join('\n')}`, {
    blockId: CardBlockId.Reasons,
  });
}

function actionResultLine(a: ActionResult): string {
  const icon = a.status === 'executed' ? '✅' : a.status === 'failed' ? '❌' : '⏭️';
  const what =
    a.type !== undefined && a.target !== undefined
      ? ` ${actionLine(a.type, a.target)}`
      : a.type !== undefined
        ? ` ${untrusted(a.type, 100)}`
        : '';
  const detail = a.detail ? ` — ${untrusted(oneLine(a.detail), 300)}` : '';
  return `${icon} ${a.operation}${what}: ${a.status}${a.dryRun ? ' (dry run: nothing was changed)' : ''} at ${formatUtc(a.at)}${detail}`;
}

/** Low tier: what the workflow did on its own. */
function actionTakenBlock(record: IncidentRecord): KnownBlock | undefined {
  const shown = record.actions.slice(-5);
  if (shown.length === 0) return undefined;
  return section(`*Action taken:*\n${shown.map(actionResultLine).join('\n')}`, { blockId: CardBlockId.Action });
}

function markerLines(record: IncidentRecord, version: CardVersion): string[] {
  const lines: string[] = [];
  if (version === 'pending' && record.acknowledgedBy !== undefined) {
    lines.push(
      `👀 ${mention(record.acknowledgedBy)} is on it${record.acknowledgedAt ? ` (since ${formatUtc(record.acknowledgedAt)})` : ''}`,
    );
  }
  if (!(version === 'notification' && record.tier === 'low'))
    lines.push(...record.actions.slice(-5).map(actionResultLine));
  if (record.falsePositive)
    lines.push(
      `🚩 Marked a false positive by ${mention(record.falsePositive.by)} at ${formatUtc(record.falsePositive.at)}`,
    );
  if (record.repeats !== undefined && record.repeats > 0)
    lines.push(`🔁 Repeated ${record.repeats} time${record.repeats === 1 ? '' : 's'} (see thread)`);
  return lines;
}

function falsePositiveButton(id: string): Button {
  return button({ actionId: ActionId.FalsePositive, text: '🚩 Mark false positive', value: id });
}

/** Approve / Deny / Rollback (only when there is a containment to undo) / I'm on it / false positive. */
function voteButtons(record: IncidentRecord, opts: IncidentCardOptions): KnownBlock {
  const id = record.incident.id;
  const needed = opts.approvalsNeeded;
  const p = record.proposedAction;
  const what = p ? `*${untrusted(p.type, 60)}* on *${untrusted(p.target, 80)}*` : 'the proposed action';
  const dry = isSample(record)
    ? ' Sample finding: nothing will run.'
    : record.dryRun
      ? ' Dry run: nothing will be changed.'
      : '';
  const investigate = p?.type === INVESTIGATE;
  const buttons: Button[] = [
    button({
      actionId: ActionId.Approve,
      text: '✅ Approve',
      value: id,
      style: 'primary',
      confirm: {
        title: 'Approve this action?',
        text: investigate
          ? `Your vote confirms the investigation request for ${escapeMrkdwn(id)}. Nothing runs automatically.${dry}`
          : `Your vote approves ${what} for ${escapeMrkdwn(id)}. ${needed > 1 ? `It runs once ${needed} approvers agree.` : 'It runs at once.'}${p && !p.reversible ? ' It cannot be undone.' : ''}${dry}`,
        confirm: 'Approve',
      },
    }),
    button({
      actionId: ActionId.Deny,
      text: '⛔ Deny',
      value: id,
      style: 'danger',
      confirm: {
        title: 'Deny this action?',
        text: investigate
          ? `One deny ends the request at once: the investigation of ${escapeMrkdwn(id)} is closed as not needed.${dry}`
          : `One deny ends the request at once: ${what} will not run for ${escapeMrkdwn(id)}.${dry}`,
        confirm: 'Deny',
        danger: true,
      },
    }),
  ];
  const c = record.containment;
  if (c && undoableContainment(record)) {
    buttons.push(
      button({
        actionId: ActionId.Rollback,
        text: '↩️ Roll back',
        value: id,
        confirm: {
          title: 'Roll back the containment?',
          text: `Your vote undoes the agent's *${untrusted(c.type, 60)}* on *${untrusted(c.target, 80)}* for ${escapeMrkdwn(id)}. ${needed > 1 ? `It happens once ${needed} approvers agree.` : 'It happens at once.'}${dry}`,
          confirm: 'Roll back',
          danger: true,
        },
      }),
    );
  }
  if (record.acknowledgedBy === undefined)
    buttons.push(button({ actionId: ActionId.Acknowledge, text: "👀 I'm on it", value: id }));
  if (!record.falsePositive) buttons.push(falsePositiveButton(id));
  return actions(actionsBlockId(CardBlockId.Vote, id), [...buttons, reasonMenu(record)]);
}

function footer(record: IncidentRecord): KnownBlock {
  const i = record.incident;
  const dry = record.dryRun ? ' · *DRY RUN*' : '';
  // The action's digest, short: what the executor's log and the receipt name, for a person to compare.
  const digest = record.actionDigest ? ` · action \`${shortDigest(record.actionDigest)}\`` : '';
  return context(
    [`${escapeMrkdwn(i.id)} · ${tierLabel(record.tier)} · observed ${formatUtc(i.observedAt)}${digest}${dry}`],
    CardBlockId.Footer,
  );
}

function render(record: IncidentRecord, opts: IncidentCardOptions, version: CardVersion, b: Budget): BlockMessage {
  const markers = markerLines(record, version);
  const approval = version !== 'notification';
  const blocks = compact([
    header(headerText(record, opts, version)),
    factsBlock(record, b),
    requestContextBlock(record, b),
    ...summaryBlocks(record, b),
    ...reasoningBlocks(record, opts, b),
    ...evidenceBlocks(record, opts, b),
    version === 'notification' && record.tier === 'low'
      ? actionTakenBlock(record)
      : proposedActionBlock(record, version, opts, b),
    (version === 'decided' || version === 'expired') && outcomeBlock(record, opts, version),
    approval && statusBlock(record, opts, version),
    approval && reasonsBlock(record),
    markers.length > 0 && context(markers),
    version === 'pending' && voteButtons(record, opts),
    version === 'notification' &&
      !record.falsePositive &&
      actions(actionsBlockId(CardBlockId.Triage, record.incident.id), [falsePositiveButton(record.incident.id)]),
    footer(record),
  ]);
  return { text: fallbackText(record, opts, version), blocks };
}

/**
 * The incident card for `record` as of `opts.now`: a pending approval (with
 * vote buttons), a decided or expired approval (no buttons), or a low / medium
 * notification. Every untrusted string is escaped and bounded; the agent's
 * reasoning is shown quoted. When the card would exceed Slack's limits it
 * shows less reasoning and evidence (saying where the full text is), and
 * {@link fitMessage} guarantees the rest.
 */
export function buildIncidentCard(record: IncidentRecord, opts: IncidentCardOptions): BlockMessage {
  const version = cardVersion(record);
  let message = render(record, opts, version, BUDGETS[0]!);
  for (const budget of BUDGETS.slice(1)) {
    if (withinMessageLimits(message)) break;
    message = render(record, opts, version, budget);
  }
  return fitMessage(message, { shrinkFirst: [CardBlockId.Evidence, CardBlockId.Reasoning] });
}
