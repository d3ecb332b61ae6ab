import type { ActionResult, IncidentRecord } from '../domain/incidentRecord';
import { escapeMrkdwn, oneLine, quoteUntrusted, truncate, untrusted } from './escape';
import { compact, context, section } from './elements';
import { formatUtc, identifyingLine } from './format';
import { MESSAGE_TEXT_MAX, type BlockMessage } from './limits';

/**
 * Small replies posted in a card's thread, so the channel shows one card per
 * incident and the history stays under it.
 */

/** A repeat of the same pattern, folded under the first card instead of a new one. */
export function buildRepeatReply(
  record: IncidentRecord,
  count: number,
  recent: ReadonlyArray<{ incidentId: string; ident: string }> = [],
): BlockMessage {
  const i = record.incident;
  const line = `🔁 Same pattern seen ${count} times: ${identifyingLine(i)}`;
  const latest = recent.map((r) => `• ${escapeMrkdwn(r.incidentId)} · ${untrusted(r.ident, 250)}`).join('\n');
  return {
    text: truncate(
      `Same pattern seen ${count} times: ${escapeMrkdwn(i.id)} ${identifyingLine(i, 300)}`,
      MESSAGE_TEXT_MAX,
    ),
    blocks: compact([
      section(line),
      latest ? section(`*Latest repeats*\n${latest}`) : undefined,
      context([
        `First: ${escapeMrkdwn(i.id)} · observed ${formatUtc(i.observedAt)} · each repeat is in the ledger and \`/chainsec incident <id>\``,
      ]),
    ]),
  };
}

const OPERATION: Record<ActionResult['operation'], string> = {
  contain: 'Containment',
  execute: 'Action',
  rollback: 'Rollback',
  close: 'Close',
};

const STATUS: Record<ActionResult['status'], { icon: string; word: string }> = {
  executed: { icon: '✅', word: 'done' },
  failed: { icon: '❌', word: 'failed' },
  skipped: { icon: '⏭️', word: 'skipped' },
};

/** What the workflow did after a decision (or would have done, in dry run). */
export function buildActionOutcomeReply(result: ActionResult): BlockMessage {
  const s = STATUS[result.status];
  const what =
    result.type !== undefined
      ? ` ${untrusted(result.type, 100)}${result.target !== undefined ? ` on ${untrusted(result.target, 500)}` : ''}`
      : '';
  const dry = result.dryRun ? ' (DRY RUN: nothing was changed)' : '';
  const summary = `${OPERATION[result.operation]}${what} ${s.word}${dry}`;
  return {
    text: truncate(summary, MESSAGE_TEXT_MAX),
    blocks: compact([
      section(`${s.icon} *${summary}*`),
      result.detail !== undefined && result.detail.trim() !== '' && section(untrusted(oneLine(result.detail), 1500)),
      context([`at ${formatUtc(result.at)}`]),
    ]),
  };
}

/** A detector re-emitted a finding (same id, higher count): one line under its card, never a second card. */
export function buildFindingRepeatReply(record: IncidentRecord, previousCount: number): BlockMessage {
  const i = record.incident;
  const count = i.kind === 'finding' ? i.finding.count : previousCount;
  const last = i.kind === 'finding' && i.finding.lastSeen ? `, last seen ${untrusted(i.finding.lastSeen, 50)}` : '';
  const line = `🔁 Finding seen again: count ${count} (was ${previousCount})${last} · ${identifyingLine(i, 300)}`;
  return {
    text: truncate(`Finding seen again: ${escapeMrkdwn(i.id)} count ${count} (was ${previousCount})`, MESSAGE_TEXT_MAX),
    blocks: [section(truncate(line, 2900))],
  };
}

/**
 * An agent's notification named an incident chainsec already holds: its words
 * go in the thread, quoted as the agent's (never the bot's voice), and change
 * none of the card's facts (only their own source changes those).
 */
export function buildAgentNoteReply(record: IncidentRecord, note: string): BlockMessage {
  const i = record.incident;
  const said = note.trim() === '' ? '(no text)' : quoteUntrusted(note, 1500);
  return {
    text: truncate(`An agent's notification named ${escapeMrkdwn(i.id)}: its facts are unchanged`, MESSAGE_TEXT_MAX),
    blocks: compact([
      section(`🗒️ *An agent's notification named this incident.* It is a note: the card's facts are unchanged.`),
      section(`*The agent wrote (untrusted):*\n${said}`),
    ]),
  };
}

/** A detector's finding came back needing more approval: the notice under the old card, pointing at the new one. */
export function buildRaisedReply(record: IncidentRecord, from: string): BlockMessage {
  const i = record.incident;
  const line = `⬆️ Raised from ${escapeMrkdwn(from)} to ${escapeMrkdwn(record.tier)}: people decide on the new card (votes start again) · ${identifyingLine(i, 300)}`;
  return {
    text: truncate(
      `${escapeMrkdwn(i.id)} raised from ${escapeMrkdwn(from)} to ${escapeMrkdwn(record.tier)}`,
      MESSAGE_TEXT_MAX,
    ),
    blocks: [section(truncate(line, 2900))],
  };
}
