import type { ApprovalTier } from './tiers';

/** What the workflow does when nobody decides in time. */
export type TimeoutFallback = 'deny' | 'rollback';

/** The rules of one approval tier. */
export interface TierPolicy {
  /** Distinct approvers needed to approve, or to roll back. One deny always ends the request. */
  approvalsNeeded: number;
  /** Slack user ids allowed to decide. */
  approverUserIds: readonly string[];
  /** Optional Slack user group whose members may decide too. */
  approverUsergroupId?: string;
  /** Channels where a click counts. */
  decisionChannels: readonly string[];
  /** Whether the App Home tab's buttons count (Slack authenticates the viewer there). */
  allowAppHome: boolean;
  /** Seconds from the request until it expires and the fallback runs. */
  decisionWindowSeconds: number;
  /** Seconds without acknowledgement before the primary on-call is paged. */
  ackSlaSeconds: number;
  /** Page the primary on-call as soon as the request arrives. */
  dmPrimaryImmediately: boolean;
  /** The safe fallback on expiry. */
  onTimeout: TimeoutFallback;
}

export type ApprovalPolicy = Record<ApprovalTier, TierPolicy>;

/** Inputs of {@link defaultApprovalPolicy}. */
export interface PolicyInputs {
  approverUserIds: readonly string[];
  approverUsergroupId?: string;
  approvalsChannel: string;
}

/**
 * The default policy (CONTRACT section 4): high needs 1 approver and falls back
 * to deny after 1 hour; critical needs 2 (the two-person rule) and rolls the
 * agent's automatic containment back if nobody confirms it within 4 hours.
 */
export function defaultApprovalPolicy(inputs: PolicyInputs): ApprovalPolicy {
  const common = {
    approverUserIds: inputs.approverUserIds,
    ...(inputs.approverUsergroupId !== undefined && { approverUsergroupId: inputs.approverUsergroupId }),
    decisionChannels: [inputs.approvalsChannel],
    allowAppHome: true,
  };
  return {
    high: {
      ...common,
      approvalsNeeded: 1,
      decisionWindowSeconds: 60 * 60,
      ackSlaSeconds: 15 * 60,
      dmPrimaryImmediately: false,
      onTimeout: 'deny',
    },
    critical: {
      ...common,
      approvalsNeeded: 2,
      decisionWindowSeconds: 4 * 60 * 60,
      ackSlaSeconds: 5 * 60,
      dmPrimaryImmediately: true,
      onTimeout: 'rollback',
    },
  };
}

/**
 * Seconds the workflow's approval state waits past the bot's own deadline. The
 * bot's sweep expires requests first (and says so on the card); the state
 * machine's `TimeoutSeconds` is the backstop if the bot is down.
 */
export const WORKFLOW_TIMEOUT_GRACE_SECONDS = 5 * 60;
