/**
 * Block Kit `action_id`s. The card builders and the Bolt listeners both import
 * these, so a rename cannot split them. Values are part of the outside contract.
 */
export const ActionId = {
  Approve: 'chainsec_approve',
  Deny: 'chainsec_deny',
  Rollback: 'chainsec_rollback',
  Acknowledge: 'chainsec_ack',
  FalsePositive: 'chainsec_false_positive',
  /** The card's "… with reason" menu: opens the reason modal (see `reasonModal.ts`). */
  WithReason: 'chainsec_with_reason',
} as const;
export type ActionId = (typeof ActionId)[keyof typeof ActionId];

/** The three buttons that cast a vote. */
export const VOTE_ACTION_IDS = [ActionId.Approve, ActionId.Deny, ActionId.Rollback] as const;

/** The reason modal: its `callback_id`, and its one input's block and action ids. */
export const ReasonView = {
  CallbackId: 'chainsec_reason_modal',
  InputBlock: 'chainsec_reason',
  InputAction: 'chainsec_reason_text',
} as const;
