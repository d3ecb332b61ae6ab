import { differenceInMinutes } from 'date-fns';
import { ActionId } from '../domain/actionIds';
import type { IncidentRecord } from '../domain/incidentRecord';
import { escapeMrkdwn, truncate, untrusted } from './escape';
import { actions, button, compact, context, header, section } from './elements';
import { fitMessage } from './fitMessage';
import { formatUtc, formatWhen, identifyingLine, tierLabel, TIER_EMOJI } from './format';
import { MESSAGE_TEXT_MAX, type BlockMessage } from './limits';

/** Inputs of {@link buildEscalationDm} besides the record. */
export interface EscalationDmOptions {
  /** Escalation level (1 primary, 2 secondary, 3+ reminders). */
  level: number;
  /** Link to the card in the approvals channel, when Slack gave one. */
  permalink?: string;
  role: 'primary' | 'secondary';
  now: Date;
}

/** How the DM's button row's `block_id` begins; the request it pages for follows (see {@link pagedRequestOf}). */
export const ESCALATION_ACTIONS_BLOCK_ID = 'chainsec_escalation';

/**
 * The `block_id` of a page's button row: it names the request paged for (its
 * `requestedAt`), so "I'm on it" in an old page cannot acknowledge a later
 * request on the same incident (raised since) that nobody was paged about.
 */
export const escalationBlockId = (requestedAt: string): string => `${ESCALATION_ACTIONS_BLOCK_ID}:${requestedAt}`;

/** The request a page's button row was sent for, or undefined when `blockId` is not a page's. */
export function pagedRequestOf(blockId: string | undefined): string | undefined {
  const prefix = `${ESCALATION_ACTIONS_BLOCK_ID}:`;
  return blockId?.startsWith(prefix) ? blockId.slice(prefix.length) : undefined;
}

/**
 * A mrkdwn link to our own card, or `undefined` when `url` is not http(s).
 * The URL comes from Slack's `chat.getPermalink`, but `|`, `<`, `>` and
 * whitespace are percent-encoded and `&` escaped anyway, so it cannot end the
 * `<url|label>` token early or change its label.
 */
export function cardLink(url: string | undefined, label = 'Open the card'): string | undefined {
  if (url === undefined || !/^https?:\/\//i.test(url)) return undefined;
  const safe = url
    .replace(/[|<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
    .replace(/&/g, '&amp;');
  return `<${safe}|${label}>`;
}

/**
 * The DM that pages an on-call person about an approval nobody has picked up:
 * how long it has waited, the key facts, a link to the card, and an "I'm on
 * it" button. No vote buttons: decisions count only in the approvals channel.
 */
export function buildEscalationDm(record: IncidentRecord, opts: EscalationDmOptions): BlockMessage {
  const i = record.incident;
  const minutes = Math.max(0, differenceInMinutes(opts.now, new Date(record.requestedAt)) || 0);
  const waiting = `${tierLabel(record.tier)} approval waiting for ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const dry = record.dryRun ? ' (DRY RUN)' : '';
  const reminder = opts.level >= 3 ? `Reminder (level ${opts.level}): ` : '';
  const title = `${reminder}You are on call: ${waiting}${dry}`;
  const link = cardLink(opts.permalink);
  const p = record.proposedAction;
  const facts = compact([
    section(
      [
        `*${untrusted(i.title, 300)}*`,
        identifyingLine(i),
        ...(p
          ? [
              `*Proposed action:* ${untrusted(p.type, 100)} on ${untrusted(p.target, 300)} (${p.reversible ? 'reversible' : 'irreversible'})`,
            ]
          : []),
        ...(record.containment
          ? [
              `*Already contained:* ${untrusted(record.containment.type, 100)} on ${untrusted(record.containment.target, 300)}`,
            ]
          : []),
        ...(record.deadline ? [`*Deadline:* ${formatWhen(record.deadline, opts.now)}`] : []),
      ].join('\n'),
    ),
    section(
      link
        ? `${link} to decide there — votes count only in the approvals channel.`
        : `Find it in the approvals channel, or run \`/chainsec incident ${escapeMrkdwn(i.id)}\`. Votes count only there.`,
    ),
    actions(escalationBlockId(record.requestedAt), [
      button({ actionId: ActionId.Acknowledge, text: "👀 I'm on it", value: i.id }),
    ]),
    context([
      `${escapeMrkdwn(i.id)} · ${tierLabel(record.tier)} · you are the ${opts.role} on call · requested ${formatUtc(record.requestedAt)}`,
    ]),
  ]);
  return fitMessage({
    text: truncate(
      `${reminder}You are on call: ${waiting}${dry} — ${untrusted(i.title, 300)} (${identifyingLine(i)}) ${escapeMrkdwn(i.id)}`,
      MESSAGE_TEXT_MAX,
    ),
    blocks: [header(`${TIER_EMOJI[record.tier]} ${title}`), ...facts],
  });
}
