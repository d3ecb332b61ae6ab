import type { IncidentRecord } from '../domain/incidentRecord';
import type { TierPolicy } from '../domain/policy';
import { type Route, routedPolicy, routeOf } from '../domain/routes';
import type { ApprovalTier } from '../domain/tiers';
import type { AppDeps } from './deps';

type RoutingDeps = { config: Pick<AppDeps['config'], 'routes' | 'approvalsChannel' | 'policy'> };

/** The channel (and route, if one matched) of a record's card, from `ROUTES`. */
export function cardRoute(deps: RoutingDeps, record: IncidentRecord): { channel: string; route?: Route } {
  return routeOf(deps.config.routes, deps.config.approvalsChannel, record.incident, record.tier);
}

/** The policy a vote on this record is judged by: the tier's, narrowed by the card's route. */
export function policyFor(deps: RoutingDeps, record: IncidentRecord & { tier: ApprovalTier }): TierPolicy {
  return routedPolicy(deps.config.policy[record.tier], cardRoute(deps, record).route);
}

/** How a route's match reads in `/chainsec status`. */
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

/**
 * Every route (the default one last) whose cards `userId` may decide, with
 * the pending incidents routed there. Only when `ROUTES` names any: one
 * channel needs no list. A route's usergroup counts as "may decide" here
 * without a lookup; the vote itself checks membership.
 */
export function routesFor(
  deps: RoutingDeps,
  userId: string,
  pending: readonly IncidentRecord[],
): Array<{ channel: string; match: string; approvers: string; pending: number }> {
  if (deps.config.routes.length === 0) return [];
  const pendingIn = (channel: string) =>
    pending.filter((r) => (r.channel ?? cardRoute(deps, r).channel) === channel).length;
  const tierApprovers = deps.config.policy.high;
  const mayDecide = (ids: readonly string[], group?: string) => ids.includes(userId) || group !== undefined;
  const listed = deps.config.routes
    .filter((r) =>
      r.approverUserIds !== undefined || r.approverUsergroupId !== undefined
        ? mayDecide(r.approverUserIds ?? [], r.approverUsergroupId)
        : mayDecide(tierApprovers.approverUserIds, tierApprovers.approverUsergroupId),
    )
    .map((r) => ({
      channel: r.channel,
      match: describeMatch(r),
      approvers:
        r.approverUserIds !== undefined || r.approverUsergroupId !== undefined
          ? [...(r.approverUserIds ?? []), ...(r.approverUsergroupId ? [r.approverUsergroupId] : [])]
              .map((id) => `\`${id}\``)
              .join(', ')
          : "the tier's",
      pending: pendingIn(r.channel),
    }));
  return mayDecide(tierApprovers.approverUserIds, tierApprovers.approverUsergroupId)
    ? [
        ...listed,
        {
          channel: deps.config.approvalsChannel,
          match: 'everything else',
          approvers: "the tier's",
          pending: pendingIn(deps.config.approvalsChannel),
        },
      ]
    : listed;
}
