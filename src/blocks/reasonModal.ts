import type { ModalView, Overflow } from '@slack/types';
import { ActionId, ReasonView } from '../domain/actionIds';
import type { IncidentRecord } from '../domain/incidentRecord';
import { REASON_MAX } from '../domain/reason';
import { encodeReasonMetadata, reasonOptionValue, type ReasonModalMetadata } from '../domain/reasonModal';
import type { VoteChoice } from '../domain/votes';
import { escapeMrkdwn, plain, untrusted } from './escape';
import { context, section } from './elements';

/**
 * The reason path beside the one-click buttons: a "… with reason" menu on
 * the card opens a modal with one text input; submitting it records the vote
 * exactly as the button would, with the reason.
 */

const VERB: Record<VoteChoice, string> = { approve: 'Approve', deny: 'Deny', rollback: 'Roll back' };

/** The card's overflow menu: Approve / Deny (/ Roll back, when there is a containment) with a reason. */
export function reasonMenu(record: IncidentRecord): Overflow {
  const id = record.incident.id;
  const choices: VoteChoice[] = ['approve', 'deny', ...(record.containment ? (['rollback'] as const) : [])];
  return {
    type: 'overflow',
    action_id: ActionId.WithReason,
    options: choices.map((c) => ({
      text: { type: 'plain_text', text: `${VERB[c]} with reason…` },
      value: reasonOptionValue(c, id),
    })),
  };
}

/** The modal a "… with reason" option opens; `private_metadata` carries references only. */
export function buildReasonModal(record: IncidentRecord, metadata: ReasonModalMetadata): ModalView {
  const p = record.proposedAction;
  const what = p ? `*${untrusted(p.type, 100)}* on *${untrusted(p.target, 300)}*` : 'the proposed action';
  const verb = VERB[metadata.choice];
  const effect =
    metadata.choice === 'deny'
      ? 'One deny ends the request at once.'
      : 'Your vote counts exactly as the button would; the action runs once the tier has its approvers.';
  return {
    type: 'modal',
    callback_id: ReasonView.CallbackId,
    private_metadata: encodeReasonMetadata(metadata),
    title: { type: 'plain_text', text: plain(`${verb} with reason`, 24) },
    submit: { type: 'plain_text', text: plain(verb, 24) },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`${verb} ${what} for ${escapeMrkdwn(record.incident.id)}. ${effect}`),
      {
        type: 'input',
        block_id: ReasonView.InputBlock,
        label: { type: 'plain_text', text: 'Reason' },
        element: {
          type: 'plain_text_input',
          action_id: ReasonView.InputAction,
          multiline: true,
          max_length: REASON_MAX,
          placeholder: { type: 'plain_text', text: 'Why? The requester, the channel and the agent see it.' },
        },
      },
      context([`Signed into the ledger with your vote; up to ${REASON_MAX} characters.`]),
    ],
  };
}
