import { decidingPolicy, type EffectivePolicy, effectivePolicy, isOnCallFor } from '../domain/effectivePolicy';
import type { IncidentRecord } from '../domain/incidentRecord';
import type { TierPolicy } from '../domain/policy';
import { namesApprovers, type Route, routedPolicy } from '../domain/routes';
import { isApprover } from './approvers';
import type { AppDeps } from './deps';

type RoutingDeps = { config: Pick<AppDeps['config'], 'routes' | 'approvalsChannel' | 'policy' | 'onCall'> };

/**
 * The rules a record is judged by: the ones fixed when it arrived. A record
 * stored before policies were kept has none; it is judged by the current
 * configuration (as it always was), resolved the same way as at ingest with
 * the on-call as of its arrival, and its rule says so (`live:` prefix).
 */
export function recordPolicy(deps: RoutingDeps, record: IncidentRecord): EffectivePolicy {
  if (record.policy) return record.policy;
  const resolved = effectivePolicy(deps.config, record.incident, record.tier, new Date(record.requestedAt));
  return { ...resolved, rule: `live:${resolved.rule}` };
}

/**
 * The policy a vote on this record is judged by: its own, where its card is.
 * A routed card that fell back to the default channel (the route's channel
 * refused it, see `postCard`) is decided there, by the route's people.
 */
export function policyFor(deps: RoutingDeps, record: IncidentRecord): EffectivePolicy {
  return decidingPolicy(recordPolicy(deps, record), record.channel);
}

/**
 * Whether `userId` is one of the people of this record's policy: an approver
 * (the allowlist or the user group) or on call for it. A failed user group
 * lookup answers no (fail closed).
 */
export async function isPolicyPerson(
  deps: RoutingDeps & Pick<AppDeps, 'slack' | 'telemetry'>,
  record: IncidentRecord,
  userId: string,
): Promise<boolean> {
  const policy = recordPolicy(deps, record);
  return isOnCallFor(policy, userId) || isApprover(deps, policy, userId);
}

/**
 * Whether `userId` may read this record (its card's facts, the agent's
 * reasoning, its ledger) through `/chainsec` or the Home tab: anyone in the
 * workspace for the default route; only the route's people for a routed one.
 */
export async function mayRead(
  deps: RoutingDeps & Pick<AppDeps, 'slack' | 'telemetry'>,
  record: IncidentRecord,
  userId: string,
): Promise<boolean> {
  return recordPolicy(deps, record).route === undefined || isPolicyPerson(deps, record, userId);
}

/** The records of `records` that `userId` may read ({@link mayRead}), in order. */
export async function readableBy(
  deps: RoutingDeps & Pick<AppDeps, 'slack' | 'telemetry'>,
  records: readonly IncidentRecord[],
  userId: string,
): Promise<IncidentRecord[]> {
  const allowed = await Promise.all(records.map((r) => mayRead(deps, r, userId)));
  return records.filter((_, i) => allowed[i]);
}

/** How a route's match reads in `/chainsec status` and the Home tab (configuration text: the blocks escape it). */
function describeMatch(route: Route): string {
  const m = route.match;
  const parts = [
    m.tier && `tier ${m.tier.join('/')}`,
    m.source && `source ${m.source.join('/')}`,
    m.findingTypePrefix !== undefined && `finding type ${m.findingTypePrefix}…`,
    m.protocol && `protocol ${m.protocol.join('/')}`,
  ].filter(Boolean);
  return `${route.name !== undefined ? `${route.name}: ` : ''}${parts.join(', ')}`;
}

/** One route as `/chainsec status` and the Home tab list it. */
export interface RouteLine {
  channel: string;
  /** What the route matches, e.g. `critical: tier critical` (configuration text, not yet escaped). */
  match: string;
  /** The route's own approvers (user and user group ids); absent: the tier's. */
  approvers?: string[];
  /** Pending approvals whose card is in this channel. */
  pending: number;
}

/**
 * Every route (the default one last) whose cards `userId` may decide, with
 * the pending incidents routed there. Only when `ROUTES` names any: one
 * channel needs no list. A route's usergroup counts as "may decide" here
 * without a lookup; the vote itself checks membership.
 */
export function routesFor(deps: RoutingDeps, userId: string, pending: readonly IncidentRecord[]): RouteLine[] {
  if (deps.config.routes.length === 0) return [];
  const pendingIn = (channel: string) =>
    pending.filter((r) => (r.channel ?? recordPolicy(deps, r).channel) === channel).length;
  const tierPolicy = deps.config.policy.high;
  // Who decides a route's cards is routedPolicy's rule, as for the vote itself.
  const mayDecide = (p: TierPolicy) => p.approverUserIds.includes(userId) || p.approverUsergroupId !== undefined;
  const listed = deps.config.routes
    .map((r) => ({ r, p: routedPolicy(tierPolicy, r) }))
    .filter(({ p }) => mayDecide(p))
    .map(({ r, p }) => ({
      channel: r.channel,
      match: describeMatch(r),
      ...(namesApprovers(r) && {
        approvers: [...p.approverUserIds, ...(p.approverUsergroupId ? [p.approverUsergroupId] : [])],
      }),
      pending: pendingIn(r.channel),
    }));
  return mayDecide(tierPolicy)
    ? [
        ...listed,
        {
          channel: deps.config.approvalsChannel,
          match: 'everything else',
          pending: pendingIn(deps.config.approvalsChannel),
        },
      ]
    : listed;
}

/** A channel `ROUTES` names that the bot is not a member of: its cards go to the default channel instead. */
export interface UnreachableRoute {
  channel: string;
  /** The routes to it, as {@link RouteLine.match} reads. */
  routes: string[];
}

/** Whether the bot is in one route channel: `member` undefined when the lookup failed (unknown). */
export interface RouteReach extends UnreachableRoute {
  member: boolean | undefined;
}

/**
 * Whether the bot is in each channel `ROUTES` names (other than the default
 * one), by Slack's answer, cached briefly by the gateway, in `ROUTES` order.
 * A failed lookup is logged and answers `member: undefined`: unknown is not
 * "not a member".
 */
export async function routeReach(deps: RoutingDeps & Pick<AppDeps, 'slack' | 'telemetry'>): Promise<RouteReach[]> {
  const byChannel = new Map<string, string[]>();
  for (const r of deps.config.routes) {
    if (r.channel === deps.config.approvalsChannel) continue;
    byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), describeMatch(r)]);
  }
  return Promise.all(
    [...byChannel].map(async ([channel, routes]) => {
      try {
        return { channel, routes, member: await deps.slack.isBotInChannel(channel) };
      } catch (e) {
        deps.telemetry.warn('could not check the bot is in a route channel', {
          channel,
          error: (e as Error).message,
        });
        return { channel, routes, member: undefined };
      }
    }),
  );
}

/** The route channels the bot is known not to be in (see {@link routeReach}). */
export async function unreachableRoutes(
  deps: RoutingDeps & Pick<AppDeps, 'slack' | 'telemetry'>,
): Promise<UnreachableRoute[]> {
  return (await routeReach(deps)).filter((r) => r.member === false).map(({ channel, routes }) => ({ channel, routes }));
}
