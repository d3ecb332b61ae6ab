import type { KnownBlock } from '@slack/types';
import type { IncidentRecord } from '../domain/incidentRecord';
import { escapeMrkdwn, oneLine, quoteUntrusted, truncate, untrusted } from './escape';
import { context, header, section } from './elements';
import { fitMessage } from './fitMessage';
import { formatUtc, identifyingLine, requesterText, tierLabel } from './format';
import { MESSAGE_TEXT_MAX, type BlockMessage } from './limits';

/** `block_id`s of the undelivered-request card. */
export const UndeliveredBlockId = {
  Facts: 'chainsec_undelivered_facts',
  Outcome: 'chainsec_undelivered_outcome',
  Reasoning: 'chainsec_undelivered_reasoning',
  Footer: 'chainsec_undelivered_context',
} as const;

/** The words a person (and a test) finds the card by. */
export const UNDELIVERED_HEADLINE = 'Approval request could not be delivered';

function actionLine(type: string, target: string): string {
  return `*${untrusted(type, 100)}* on *${untrusted(target, 500)}*`;
}

/** What the automatic containment did, in the words a person needs to act on it. */
function containmentLine(record: IncidentRecord): string | undefined {
  const c = record.containment;
  if (!c) return undefined;
  const what = actionLine(c.type, c.target);
  if (c.status === 'executed')
    return `The agent's automatic containment ${what} *ran* at ${formatUtc(c.at)} and *stays in place*: undo it by hand if it is wrong.`;
  if (c.status === 'skipped') return `The automatic containment ${what} was skipped (dry run): nothing was changed.`;
  return `The automatic containment ${what} *FAILED*: nothing contains this incident.`;
}

/**
 * The card shown instead of an approval card when the workflow could not ask
 * people (its request was never delivered, or was refused): it says so, says
 * that the workflow failed closed (the proposed action does not run), what
 * the automatic containment did, and where the full text is. No buttons: the
 * workflow is no longer waiting; what is left is for people to do by hand.
 */
export function buildUndeliveredCard(record: IncidentRecord): BlockMessage {
  const i = record.incident;
  const u = record.undelivered;
  const p = record.proposedAction;
  const why = u
    ? `\`${untrusted(u.error || 'error', 100)}\`${u.cause ? `: ${untrusted(oneLine(u.cause), 500)}` : ''}`
    : 'unknown error';
  const outcome = [
    `:rotating_light: The workflow could not deliver its approval request (${why}), so *nobody was asked*.`,
    `It *failed closed*: ${p ? `the proposed action ${actionLine(p.type, p.target)}` : 'the proposed action'} *will not run*.`,
    containmentLine(record),
    `Decide by hand what to do next; the full text is in \`${escapeMrkdwn(`/chainsec incident ${i.id}`)}\`.`,
  ].filter((l): l is string => l !== undefined);
  const reasoning = record.reasoning.trim() || (i.kind === 'waf' ? (i.waf.analysis ?? '') : '');
  const blocks: KnownBlock[] = [
    header(`🚨 ${UNDELIVERED_HEADLINE} · ${tierLabel(record.tier)}`),
    section(`*What happened:* ${untrusted(i.title, 500)}\n${identifyingLine(i)}\n*Incident* ${escapeMrkdwn(i.id)}`, {
      blockId: UndeliveredBlockId.Facts,
    }),
    section(outcome.join('\n'), { blockId: UndeliveredBlockId.Outcome }),
    ...(reasoning
      ? [
          section(`*Agent's reasoning (untrusted, quoted, shortened)*\n${quoteUntrusted(reasoning, 700)}`, {
            blockId: UndeliveredBlockId.Reasoning,
          }),
        ]
      : []),
    ...(record.actions.length > 0
      ? [
          context(
            record.actions
              .slice(-5)
              .map(
                (a) => `${a.operation}${a.type ? ` ${untrusted(a.type, 100)}` : ''}: ${a.status} at ${formatUtc(a.at)}`,
              ),
          ),
        ]
      : []),
    context(
      [
        `${escapeMrkdwn(i.id)} · ${tierLabel(record.tier)} · requested by ${requesterText(record)} · ${u ? `failed at ${formatUtc(u.at)}` : ''}${record.dryRun ? ' · *DRY RUN*' : ''}`,
      ],
      UndeliveredBlockId.Footer,
    ),
  ];
  const text = truncate(
    `${tierLabel(record.tier)} ${UNDELIVERED_HEADLINE.toLowerCase()}, failed closed: ${untrusted(i.title, 300)} (${identifyingLine(i)}) ${escapeMrkdwn(i.id)}`,
    MESSAGE_TEXT_MAX,
  );
  return fitMessage({ text, blocks }, { shrinkFirst: [UndeliveredBlockId.Reasoning] });
}
