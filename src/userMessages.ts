import { ChainsecError, ErrorCode } from './errors';

/**
 * What chainsec says to a person: every sentence a clicker or a `/chainsec`
 * user reads when chainsec refuses, fails or confirms, and, for each error
 * code, the one sentence a person reads when an error with that code reaches
 * them ({@link userMessageFor}). Pure (no SDK), so the vote rules in
 * src/domain use it too. Messages carry no internals (no stack, no ids of
 * secrets, no service error text), only what happened and what to do next.
 */
export const UserMessage = {
  // A button, a menu or a click chainsec cannot place.
  unknownButton: () => 'That button does not refer to an incident I know.',
  unknownMenu: () => 'That menu does not refer to an incident I know.',
  unknownIncident: (ref: string) => `I do not know incident ${ref}.`,
  notADecisionSurface: () => "That click did not come from the request's card or my Home tab; it changed nothing.",
  notThisWorkspace: () => 'You cannot decide this: only approvers in this workspace can.',
  notTheCard: () => "That button is not on this request's card; your click changed nothing.",
  pageOutdated: () =>
    'That page was for an earlier request on this incident, which has changed since (it was raised): open its current card; your click changed nothing.',
  /**
   * `channel`: the channel the request's card is in, where its votes count. Its id in plain text: what a
   * clicker is told is escaped (it may quote untrusted text), so a channel mention would not render.
   */
  wrongChannel: (channel: string | undefined) =>
    channel
      ? `Decisions on this request only count on its card, in channel ${channel}.`
      : "Decisions only count on the request's card.",

  // The vote rules.
  alreadyDecided: (decision: string, decidedBy: readonly string[]) =>
    `This request was already decided (${decision}) by ${decidedBy.map((u) => `<@${u}>`).join(', ') || 'the deadline'}.`,
  requestExpired: () => 'This request has expired; the workflow takes its safe fallback.',
  notAnApprover: () => 'You are not an approver for this tier; your click changed nothing.',
  selfApproval: () => 'You requested this action, so you cannot decide it.',
  alreadyVoted: () => 'You already voted on this request.',
  notReversible: () => 'There is nothing to roll back for this request.',
  nothingToDecide: () => 'This incident needs no decision.',

  // "I'm on it" and "false positive".
  noLongerWaiting: () => 'This request is no longer waiting.',
  /** `what`: "acknowledge" or "mark false positives". */
  notIncidentPeople: (what: string) => `Only approvers and the on-call responders of this incident can ${what}.`,
  handledOnItsCard: () => "This incident is handled on its card in its route's channel; your click changed nothing.",
  onlyThisWorkspace: () => 'Only members of this workspace can do that.',

  // Confirmations.
  voteRecorded: (choice: string, count: number, needed: number) =>
    `Your ${choice} vote is recorded and signed (${count} of ${needed} needed).`,
  decisionRecordedResumeLater: (decision: string) =>
    `Decision recorded (${decision}); the workflow will be resumed shortly.`,
  acknowledged: () => 'Acknowledged: escalation stopped. Approve or deny on the card.',
  alreadyAcknowledged: (by: string | undefined) => `Already acknowledged by <@${by ?? 'unknown'}>.`,
  falsePositiveMarked: () => 'Marked as a false positive.',
  alreadyFalsePositive: (by: string) => `Already marked a false positive by <@${by}>.`,

  // Failures on the path a person waits on.
  signingFailed: () =>
    'Your vote could not be signed, so it was not recorded and nothing was resumed. Please try again in a moment.',
  concurrentUpdate: () => 'Many people clicked at once and your vote could not be recorded. Please click again.',
  workflowUnavailable: () =>
    'Your decision is recorded; resuming the workflow failed for now and will be retried automatically.',
  somethingWentWrong: () => 'Something went wrong; nothing was recorded. Please try again.',
} as const;

/** The details an error of a code may carry that its message names (see each class in src/errors.ts). */
type Details = Readonly<Record<string, unknown>>;

const users = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * For each error code, what a person reads. Codes a person never meets (the
 * ingest, stream, feed, receipt and anchor paths) still have a plain sentence,
 * so no error ever reaches a person as its internal message.
 */
export const MESSAGE_BY_CODE: { readonly [C in ErrorCode]: (details: Details) => string } = {
  [ErrorCode.InvalidInput]: () => 'That input is not valid; nothing was recorded.',
  [ErrorCode.PayloadTooLarge]: () => 'That is larger than chainsec accepts; nothing was recorded.',
  [ErrorCode.UnknownPayload]: () => 'chainsec does not know that kind of message; nothing was recorded.',
  [ErrorCode.NotAllowedToDecide]: UserMessage.notAnApprover,
  [ErrorCode.SelfApproval]: UserMessage.selfApproval,
  [ErrorCode.AlreadyVoted]: UserMessage.alreadyVoted,
  [ErrorCode.AlreadyDecided]: (d) => UserMessage.alreadyDecided(String(d.decision ?? 'decided'), users(d.decidedBy)),
  [ErrorCode.WrongChannel]: (d) => UserMessage.wrongChannel(typeof d.channel === 'string' ? d.channel : undefined),
  [ErrorCode.NotTheCard]: UserMessage.notTheCard,
  [ErrorCode.NotADecisionSurface]: UserMessage.notADecisionSurface,
  [ErrorCode.NotReversible]: UserMessage.notReversible,
  [ErrorCode.NothingToDecide]: UserMessage.nothingToDecide,
  [ErrorCode.RequestExpired]: UserMessage.requestExpired,
  [ErrorCode.IncidentNotFound]: (d) => UserMessage.unknownIncident(String(d.ref ?? '')),
  [ErrorCode.SigningFailed]: UserMessage.signingFailed,
  [ErrorCode.ConcurrentUpdate]: UserMessage.concurrentUpdate,
  [ErrorCode.WorkflowTokenGone]: () =>
    'The workflow is no longer waiting for this request (it timed out or finished); your click changed nothing.',
  [ErrorCode.WorkflowUnavailable]: UserMessage.workflowUnavailable,
  [ErrorCode.ReplayedRequest]: () => 'That request was already processed; nothing more was done.',
  [ErrorCode.ConfigInvalid]: () => 'chainsec is not configured correctly; an operator has to fix its settings.',
  [ErrorCode.LedgerConflict]: () =>
    'The audit ledger holds a different entry at this place; nothing was replaced. An operator has to look.',
  [ErrorCode.FullTextUnavailable]: () => 'The full text cannot be read right now; only its preview is shown.',
  [ErrorCode.IngestRetry]: () => 'chainsec could not take that in yet; it is retried automatically.',
  [ErrorCode.StreamRecordInvalid]: () => 'A ledger record could not be handled; it is reported for an operator.',
  [ErrorCode.LedgerFeedFailed]: () => 'The audit feed refused some entries; they are sent again automatically.',
  [ErrorCode.ReceiptMalformed]: () => 'That is not a valid receipt; the action must not run.',
  [ErrorCode.ReceiptSignatureInvalid]: () => "The receipt's signature is not valid; the action must not run.",
  [ErrorCode.ReceiptWrongKey]: () => 'The receipt is signed by a key that is not trusted; the action must not run.',
  [ErrorCode.ReceiptFieldChanged]: () => 'The receipt was changed after it was signed; the action must not run.',
  [ErrorCode.ReceiptExpired]: () => 'The receipt has expired; the action must not run.',
  [ErrorCode.ReceiptActionMismatch]: () => 'The action is not the one the receipt allows; it must not run.',
  [ErrorCode.ReceiptReplayed]: () => 'The receipt was used before; the action must not run again.',
  [ErrorCode.AnchorUnavailable]: () => 'The ledger anchor could not be written; the next sweep writes it.',
  [ErrorCode.AnchorTaken]: () =>
    'The next ledger anchor is already taken by one that does not follow the last; anchoring stopped for an operator to look.',
  [ErrorCode.ChannelUnreachable]: () =>
    'chainsec cannot post in that channel (it is not a member); invite it, or the card goes to the approvals channel.',
  [ErrorCode.LedgerUnavailable]: () =>
    'The ledger could not record what happened, so its result is withheld; nothing is retried.',
  [ErrorCode.UpstreamCredentialsUnavailable]: () =>
    "chainsec could not read its credentials for that MCP server, so nothing was sent to it; an operator must fix the server's secret.",
  [ErrorCode.UpstreamResultUnreadable]: () =>
    'That MCP server ran the call, but its result is nested too deeply to be recorded, so it is withheld; nothing is retried.',
};

/**
 * The one place that maps an error to what a person reads: a coded error by
 * its code ({@link MESSAGE_BY_CODE}), anything else as "something went wrong".
 * Never the error's own message, which is for the log.
 */
export function userMessageFor(error: unknown): string {
  if (!(error instanceof ChainsecError)) return UserMessage.somethingWentWrong();
  return MESSAGE_BY_CODE[error.code](error.details);
}
