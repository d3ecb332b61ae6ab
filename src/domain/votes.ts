import { ErrorCode } from '../errors';
import type { TierPolicy } from './policy';
import { isRequester } from './requester';
import { UserMessage } from '../userMessages';

/** A button a person can press to vote. */
export type VoteChoice = 'approve' | 'deny' | 'rollback';
/** How a request ends. `expired` is the sweep's, never a person's. */
export type Decision = VoteChoice | 'expired';

export interface Vote {
  userId: string;
  choice: VoteChoice;
  at: string;
  /** Why, when the person gave a reason (bounded, see `boundReason`; untrusted text). */
  reason?: string;
}

/** Lifecycle of an approval request. */
export const ApprovalStatus = {
  Pending: 'pending',
  Decided: 'decided',
  Expired: 'expired',
} as const;
export type ApprovalStatus = (typeof ApprovalStatus)[keyof typeof ApprovalStatus];

/** The facts the vote rules look at. */
export interface ApprovalState {
  status: ApprovalStatus;
  votes: readonly Vote[];
  deadline: string;
  /** The identity recorded on the request, when a person asked. */
  requestedBy?: string;
  /** Whether a rollback is possible (a reversible action or containment exists). */
  rollbackPossible: boolean;
  decision?: Decision;
  decidedBy?: readonly string[];
  /** Where the request's card is; a message click must come from it. */
  card?: { channel: string; ts: string };
}

/**
 * Where a click came from, as the listener read it from Slack's payload: the
 * request's card (a message in a channel) or the app's Home tab.
 */
export type VoteSurface = { kind: 'app_home' } | { kind: 'message'; channelId: string; messageTs: string };

/** Where the click came from. */
export interface VoteContext {
  policy: TierPolicy;
  /** Resolved by the caller from the allowlist and the user group. */
  isApprover: boolean;
  surface: VoteSurface;
  now: Date;
}

export type VoteOutcome =
  | { kind: 'rejected'; code: ErrorCode; message: string }
  | { kind: 'recorded'; tally: Tally; decision?: { decision: VoteChoice; decidedBy: string[] } };

/** Counts of distinct voters per choice after a vote. */
export interface Tally {
  approve: string[];
  deny: string[];
  rollback: string[];
  needed: number;
}

/** Tallies distinct voters per choice. */
export function tally(votes: readonly Vote[], needed: number): Tally {
  const t: Tally = { approve: [], deny: [], rollback: [], needed };
  for (const v of votes) if (!t[v.choice].includes(v.userId)) t[v.choice].push(v.userId);
  return t;
}

function reject(code: ErrorCode, message: string): VoteOutcome {
  return { kind: 'rejected', code, message };
}

/**
 * Whether a click from `surface` may act on a request under `policy`: the
 * Home tab only where the policy allows it, a message only in one of its
 * decision channels. Votes, "I'm on it" and false-positive marks all ask this.
 */
export function surfaceAllowed(policy: Pick<TierPolicy, 'allowAppHome' | 'decisionChannels'>, surface: VoteSurface) {
  return surface.kind === 'app_home' ? policy.allowAppHome : policy.decisionChannels.includes(surface.channelId);
}

/**
 * The vote rules (docs/INTERFACES.md#cards-and-clicks), pure: is this vote allowed, and does it
 * decide the request? Order matters: a finished request always answers "already
 * decided" so a late clicker learns who decided, whoever they are.
 */
export function evaluateVote(state: ApprovalState, vote: Vote, ctx: VoteContext): VoteOutcome {
  if (state.status !== ApprovalStatus.Pending) {
    return reject(
      ErrorCode.AlreadyDecided,
      UserMessage.alreadyDecided(state.decision ?? state.status, state.decidedBy ?? []),
    );
  }
  if (ctx.now.getTime() >= new Date(state.deadline).getTime()) {
    return reject(ErrorCode.RequestExpired, UserMessage.requestExpired());
  }
  const { surface } = ctx;
  if (!surfaceAllowed(ctx.policy, surface)) {
    return reject(
      ErrorCode.WrongChannel,
      UserMessage.wrongChannel(state.card?.channel ?? ctx.policy.decisionChannels[0]),
    );
  }
  if (
    surface.kind === 'message' &&
    (state.card?.channel !== surface.channelId || state.card.ts !== surface.messageTs)
  ) {
    return reject(ErrorCode.NotTheCard, UserMessage.notTheCard());
  }
  if (!ctx.isApprover) {
    return reject(ErrorCode.NotAllowedToDecide, UserMessage.notAnApprover());
  }
  if (isRequester(state.requestedBy, vote.userId)) {
    return reject(ErrorCode.SelfApproval, UserMessage.selfApproval());
  }
  if (state.votes.some((v) => v.userId === vote.userId)) {
    return reject(ErrorCode.AlreadyVoted, UserMessage.alreadyVoted());
  }
  if (vote.choice === 'rollback' && !state.rollbackPossible) {
    return reject(ErrorCode.NotReversible, UserMessage.notReversible());
  }
  const after = tally([...state.votes, vote], ctx.policy.approvalsNeeded);
  if (vote.choice === 'deny') {
    return { kind: 'recorded', tally: after, decision: { decision: 'deny', decidedBy: [vote.userId] } };
  }
  const voters = after[vote.choice];
  if (voters.length >= ctx.policy.approvalsNeeded) {
    return { kind: 'recorded', tally: after, decision: { decision: vote.choice, decidedBy: voters } };
  }
  return { kind: 'recorded', tally: after };
}
