import type { IncidentRecord } from '../domain/incidentRecord';
import { decisionReasons } from '../domain/reason';
import { escapeMrkdwn, oneLine, truncate, untrusted } from './escape';
import { compact, context, section } from './elements';
import { formatUtc, mention, mentions, tierLabel } from './format';
import { MESSAGE_TEXT_MAX, type BlockMessage } from './limits';

/**
 * What closes the loop after a decision: one line in the card's thread (who,
 * what, why) and a DM to the person who asked. The reasons are people's
 * untrusted words: escaped, one line each, quoted.
 */

/** How much of one escaped reason a notice shows (a bounded reason escapes to at most this). */
const REASON_SHOWN_MAX = 2600;

const OUTCOME: Record<NonNullable<IncidentRecord['decision']>, { icon: string; word: string }> = {
  approve: { icon: '✅', word: 'approved' },
  deny: { icon: '⛔', word: 'denied' },
  rollback: { icon: '↩️', word: 'rolled back' },
  expired: { icon: '⌛', word: 'expired' },
};

const outcomeOf = (record: IncidentRecord) => OUTCOME[record.decision ?? 'expired'];

/** One reason as mrkdwn: escaped, on one line, in quotes. */
export function reasonText(reason: string, max = REASON_SHOWN_MAX): string {
  return `“${untrusted(oneLine(reason), max)}”`;
}

function reasonsLine(record: IncidentRecord): string | undefined {
  const reasons = decisionReasons(record);
  if (reasons.length === 0) return undefined;
  const one = reasons.length === 1;
  const each = reasons.map((r) => (one ? reasonText(r.reason) : `${mention(r.userId)} ${reasonText(r.reason)}`));
  return `Reason${one ? '' : 's'}: ${each.join(' · ')}`;
}

function whoDecided(record: IncidentRecord): string {
  if (record.decision === 'expired') return 'Nobody decided before the deadline: the workflow took its safe fallback';
  return `${mentions(record.decidedBy ?? []) || 'nobody'} ${outcomeOf(record).word}`;
}

/** The one line a decision posts in its card's thread. */
export function buildDecisionThreadLine(record: IncidentRecord): BlockMessage {
  const { icon } = outcomeOf(record);
  const at = record.decidedAt ? ` at ${formatUtc(record.decidedAt)}` : '';
  const reasons = reasonsLine(record);
  const line = `${icon} ${whoDecided(record)}${at}.${reasons ? ` ${reasons}` : ''}`;
  return { text: truncate(line, MESSAGE_TEXT_MAX), blocks: [section(truncate(line, 3000))] };
}

/** The DM the requester gets with the outcome of their request. */
export function buildRequesterDm(record: IncidentRecord, cardLink?: string): BlockMessage {
  const i = record.incident;
  const p = record.proposedAction;
  const what = p ? `*${untrusted(p.type, 100)}* on *${untrusted(p.target, 300)}*` : 'your request';
  const outcome = `*${outcomeOf(record).word}*`;
  const request = `${tierLabel(record.tier)} request for ${what} (${escapeMrkdwn(i.id)})`;
  const head = `${outcomeOf(record).icon} Your ${request} was ${outcome}.`;
  const reasons = reasonsLine(record);
  const link = cardLink?.startsWith('https://') ? `<${cardLink}|Open the card>` : undefined;
  return {
    text: truncate(`Your request ${escapeMrkdwn(i.id)} was ${outcome}.`, MESSAGE_TEXT_MAX),
    blocks: compact([
      section(truncate(head, 3000)),
      section(truncate(`${whoDecided(record)}${record.decidedAt ? ` at ${formatUtc(record.decidedAt)}` : ''}.`, 3000)),
      reasons !== undefined && section(truncate(reasons, 3000)),
      context([link ?? `\`/chainsec incident ${escapeMrkdwn(i.id)}\``]),
    ]),
  };
}
