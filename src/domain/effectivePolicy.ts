import type { Incident } from './incident';
import { onCallAt, type OnCallShift } from './escalation';
import { type ApprovalPolicy, approvalsNeeded, onTimeoutOf, type TierPolicy, tierPolicy } from './policy';
import { type Route, routedPolicy, routeOf } from './routes';
import type { RiskTier } from './tiers';

/**
 * The rules of one incident, fixed when it arrives: who may decide and where,
 * how many must agree, who is paged and when, what happens on expiry and how
 * long a receipt lasts. Stored on the incident and signed into its
 * `incident_received` entry, so a later configuration change shapes new
 * requests only, and an auditor can tell from the ledger which rule decided.
 */
export interface EffectivePolicy extends TierPolicy {
  /** Which rule decided: `default:<tier>`, or `route:<route name or channel>:<tier>`. */
  rule: string;
  /** Where the incident's card goes: its route's channel, else the default one. */
  channel: string;
  /**
   * The default channel: a routed card goes there when its route's channel
   * refuses it (the bot is not a member), and its votes then count there.
   */
  fallbackChannel: string;
  /** The route that matched (its name, else its channel); absent on the default route. */
  route?: string;
  /**
   * Who is paged, and who may say "I'm on it" besides the approvers: the
   * route's on-call (else the schedule's primary) and the schedule's
   * secondary (else the primary), as on call when the incident arrived.
   */
  onCall: { primary?: string; secondary?: string };
}

/** What {@link effectivePolicy} reads of the configuration. */
export interface PolicySources {
  policy: ApprovalPolicy;
  routes: readonly Route[];
  approvalsChannel: string;
  onCall: readonly OnCallShift[];
}

/**
 * Resolves the rules of an incident of `tier` arriving at `now`, once, from
 * the configuration: the tier's policy, narrowed by the first route that
 * matches (its channel, its approvers, its on-call; App Home only where the
 * route allows it). Low and medium have nothing to decide (0 approvals, a
 * `deny` fallback) and follow high's people for "I'm on it" and false positives.
 */
export function effectivePolicy(
  sources: PolicySources,
  incident: Incident,
  tier: RiskTier,
  now: Date,
): EffectivePolicy {
  const { channel, route } = routeOf(sources.routes, sources.approvalsChannel, incident, tier);
  const routed = routedPolicy(tierPolicy(sources.policy, tier), route);
  const scheduled = sources.onCall.length > 0 ? onCallAt(sources.onCall, now) : undefined;
  const primary = route?.onCallUserId ?? scheduled?.primary;
  const secondary = scheduled?.secondary ?? primary;
  const routeName = route && (route.name ?? route.channel);
  return {
    ...routed,
    // Copies: the stored policy never shares an array with the live configuration.
    approverUserIds: [...routed.approverUserIds],
    decisionChannels: [...routed.decisionChannels],
    approvalsNeeded: approvalsNeeded(sources.policy, tier),
    onTimeout: onTimeoutOf(sources.policy, tier),
    rule: routeName !== undefined ? `route:${routeName}:${tier}` : `default:${tier}`,
    channel,
    fallbackChannel: sources.approvalsChannel,
    ...(routeName !== undefined && { route: routeName }),
    onCall: {
      ...(primary !== undefined && { primary }),
      ...(secondary !== undefined && { secondary }),
    },
  };
}

/**
 * The policy a vote is judged by, given where the card actually is: a routed
 * card that fell back to the default channel (its route's channel refused it)
 * is decided there instead, still by the route's people.
 */
export function decidingPolicy(policy: EffectivePolicy, cardChannel: string | undefined): EffectivePolicy {
  const fellBack =
    policy.route !== undefined && policy.channel !== policy.fallbackChannel && cardChannel === policy.fallbackChannel;
  return fellBack ? { ...policy, decisionChannels: [policy.fallbackChannel] } : policy;
}

/** Whether `userId` is on call for this incident (paged for it, so allowed to acknowledge it). */
export function isOnCallFor(policy: Pick<EffectivePolicy, 'onCall'>, userId: string): boolean {
  return policy.onCall.primary === userId || policy.onCall.secondary === userId;
}
