import { isApprovalTier, type ApprovalTier, type RiskTier } from './tiers';

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
  /** Seconds a decision's receipt allows its action, from the decision on (see `receiptExpiry`). */
  receiptTtlSeconds: number;
}

/** Default {@link TierPolicy.receiptTtlSeconds}: an approval is acted on within 15 minutes, or not at all. */
const DEFAULT_RECEIPT_TTL_SECONDS = 15 * 60;

/** Most a receipt may last (config refuses more): an approval is not a standing permission. */
export const MAX_RECEIPT_TTL_SECONDS = 24 * 60 * 60;

/** When a receipt for a decision taken at `decidedAt` stops allowing its action. */
export function receiptExpiry(policy: Pick<TierPolicy, 'receiptTtlSeconds'>, decidedAt: Date): Date {
  return new Date(decidedAt.getTime() + policy.receiptTtlSeconds * 1000);
}

export type ApprovalPolicy = Record<ApprovalTier, TierPolicy>;

/** Inputs of {@link defaultApprovalPolicy}. */
export interface PolicyInputs {
  approverUserIds: readonly string[];
  approverUsergroupId?: string;
  approvalsChannel: string;
}

/**
 * The default policy (docs/CONFIGURATION.md#policy): high needs 1 approver and falls back
 * to deny after 1 hour; critical needs 2 (the two-person rule) and rolls the
 * agent's automatic containment back if nobody confirms it within 4 hours.
 */
export function defaultApprovalPolicy(inputs: PolicyInputs): ApprovalPolicy {
  const common = {
    approverUserIds: inputs.approverUserIds,
    ...(inputs.approverUsergroupId !== undefined && { approverUsergroupId: inputs.approverUsergroupId }),
    decisionChannels: [inputs.approvalsChannel],
    allowAppHome: true,
    receiptTtlSeconds: DEFAULT_RECEIPT_TTL_SECONDS,
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

/**
 * The decision windows (seconds) a deployment may choose, per tier. The state
 * machine's approval states wait a static `TimeoutSeconds` substituted at deploy
 * time, and CloudFormation cannot add: template.yaml maps each of these windows
 * to its {@link approvalStateTimeoutSeconds} (`Mappings.ApprovalStateTimeout`),
 * and its window parameters allow exactly these values. The configuration
 * refuses any other window, which the state machine could not honour.
 */
export const DECISION_WINDOW_CHOICES_SECONDS: readonly number[] = [
  15 * 60,
  30 * 60,
  60 * 60,
  2 * 60 * 60,
  4 * 60 * 60,
  8 * 60 * 60,
  12 * 60 * 60,
  24 * 60 * 60,
];

/** Whether the state machine can be deployed with this decision window. */
export function isDecisionWindowChoice(seconds: number): boolean {
  return DECISION_WINDOW_CHOICES_SECONDS.includes(seconds);
}

/** The approval state's `TimeoutSeconds` for a decision window: the window plus the grace. */
export function approvalStateTimeoutSeconds(decisionWindowSeconds: number): number {
  return decisionWindowSeconds + WORKFLOW_TIMEOUT_GRACE_SECONDS;
}

/**
 * The rules that govern a record of `tier`: its own for high and critical; low
 * and medium (nothing to decide) follow high's people, e.g. for "I'm on it" and
 * "false positive".
 */
export function tierPolicy(policy: ApprovalPolicy, tier: RiskTier): TierPolicy {
  return isApprovalTier(tier) ? policy[tier] : policy.high;
}

/** Distinct approvers a record of `tier` needs to approve or roll back; 0 where there is nothing to decide. */
export function approvalsNeeded(policy: ApprovalPolicy, tier: RiskTier): number {
  return isApprovalTier(tier) ? policy[tier].approvalsNeeded : 0;
}

/** The configured fallback of `tier` (`deny` where there is nothing to decide). */
export function onTimeoutOf(policy: ApprovalPolicy, tier: RiskTier): TimeoutFallback {
  return isApprovalTier(tier) ? policy[tier].onTimeout : 'deny';
}

/**
 * What actually happens when nobody decides in time: a `rollback` fallback
 * undoes the agent's containment, so it needs one; without one the request
 * fails closed. The state machine's `RouteDecision` applies the same rule to
 * the `onTimeout` that Classify put in its state.
 */
export function expiryFallback(onTimeout: TimeoutFallback, hasContainment: boolean): TimeoutFallback {
  return onTimeout === 'rollback' && hasContainment ? 'rollback' : 'deny';
}

/** When a request made at `requestedAt` expires: its tier's decision window later. */
export function decisionDeadline(policy: Pick<TierPolicy, 'decisionWindowSeconds'>, requestedAt: Date): Date {
  return new Date(requestedAt.getTime() + policy.decisionWindowSeconds * 1000);
}
