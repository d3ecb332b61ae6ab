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
