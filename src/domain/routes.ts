import * as z from 'zod/mini';
import './zodSetup';
import { ConfigInvalidError } from '../errors';
import type { Incident } from './incident';
import type { TierPolicy } from './policy';
import { APPROVAL_TIERS, type ApprovalTier, type RiskTier, isApprovalTier } from './tiers';

/**
 * Routing (docs/ROUTING.md): which channel, approvers and on-call an incident's card
 * goes to. Ordered routes, first match wins; no match is the default route
 * (the approvals channel with the tier's policy approvers).
 */

const id = () => z.string().check(z.minLength(1), z.maxLength(64));

/** One configured route as written in the `ROUTES` variable. */
const RouteSchema = z.strictObject({
  name: z.optional(id()),
  channel: z.string().check(z.regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id (C… or G…)')),
  match: z.strictObject({
    tier: z.optional(z.array(z.enum(APPROVAL_TIERS)).check(z.minLength(1))),
    source: z.optional(z.array(id()).check(z.minLength(1))),
    findingTypePrefix: z.optional(id()),
    protocol: z.optional(z.array(id()).check(z.minLength(1))),
  }),
  approverUserIds: z.optional(z.array(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id')))),
  approverUsergroupId: z.optional(z.string().check(z.regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id'))),
  onCallUserId: z.optional(z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id'))),
  /** Whether the route's cards may also be decided from the App Home tab; by default only in the route's channel. */
  allowAppHome: z.optional(z.boolean()),
});

/** A validated route. */
export type Route = z.infer<typeof RouteSchema>;

/** What of an incident routing looks at: generic, so new sources fit. */
export interface RoutableIncident {
  tier: ApprovalTier;
  /** The incident's `kind` (onchain, waf, guardduty, securityhub, …). */
  kind: string;
  findingType?: string;
  protocol?: string;
}

/**
 * Parses the `ROUTES` JSON text; empty or absent is no routes (one channel).
 * @throws ConfigInvalidError naming the bad entry, e.g. `ROUTES[2].channel: …`, with `details.field`
 */
export function parseRoutes(text: string | undefined): Route[] {
  if (text === undefined || text.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigInvalidError('ROUTES is not valid JSON', { field: 'ROUTES' }, { cause: e });
  }
  if (!Array.isArray(json)) throw new ConfigInvalidError('ROUTES: must be a JSON array of routes', { field: 'ROUTES' });
  return json.map((entry, i) => {
    const r = RouteSchema.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = `ROUTES[${i}]${(issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
      throw new ConfigInvalidError(`${field}: ${issue?.message ?? 'invalid'}`, { field });
    }
    const m = r.data.match;
    if (!m.tier && !m.source && !m.findingTypePrefix && !m.protocol) {
      throw new ConfigInvalidError(
        `ROUTES[${i}].match: names no condition (tier, source, findingTypePrefix, protocol)`,
        {
          field: `ROUTES[${i}].match`,
        },
      );
    }
    return r.data;
  });
}

/** Whether one route's every stated condition holds for the incident. */
function routeMatches(route: Route, incident: RoutableIncident): boolean {
  const m = route.match;
  if (m.tier && !m.tier.includes(incident.tier)) return false;
  if (m.source && !m.source.includes(incident.kind)) return false;
  if (m.findingTypePrefix !== undefined && !incident.findingType?.startsWith(m.findingTypePrefix)) return false;
  if (m.protocol && (incident.protocol === undefined || !m.protocol.includes(incident.protocol))) return false;
  return true;
}

/** The first matching route, or undefined for the default (the approvals channel). */
export function chooseRoute(routes: readonly Route[], incident: RoutableIncident): Route | undefined {
  return routes.find((r) => routeMatches(r, incident));
}

/**
 * What routing reads of an incident: its source (`onchain`, `waf`, or a
 * finding's detector module, e.g. `guardduty`, `securityhub-asff`), the
 * finding's type and the on-chain protocol.
 */
export function routableOf(incident: Incident & { tier: ApprovalTier }): RoutableIncident {
  switch (incident.kind) {
    case 'finding':
      return { tier: incident.tier, kind: incident.finding.source, findingType: incident.finding.type };
    case 'onchain':
      return { tier: incident.tier, kind: 'onchain', protocol: incident.onchain.protocol };
    default:
      return { tier: incident.tier, kind: incident.kind };
  }
}

/**
 * The route of an incident's card: the first matching route for a decision
 * tier (high, critical); everything else, and no match, goes to the default
 * channel. One home for "which channel shows this incident".
 */
export function routeOf(
  routes: readonly Route[],
  defaultChannel: string,
  incident: Incident,
  tier: RiskTier = incident.tier,
): { channel: string; route?: Route } {
  if (!isApprovalTier(tier)) return { channel: defaultChannel };
  const route = chooseRoute(routes, routableOf({ ...incident, tier }));
  return route ? { channel: route.channel, route } : { channel: defaultChannel };
}

/** Whether a route names its own approvers (users or a user group) instead of taking the tier's. */
export function namesApprovers(route: Route): boolean {
  return route.approverUserIds !== undefined || route.approverUsergroupId !== undefined;
}

/**
 * The tier's policy as it applies to one routed card: a click counts only in
 * the route's channel (App Home only when the route says `allowAppHome`), and
 * a route's approvers, when it names any, replace the tier's. The default
 * route keeps the tier's policy as configured. (A card that fell back to the
 * default channel is decided there: see `decidingPolicy`.)
 */
export function routedPolicy(policy: TierPolicy, route: Route | undefined): TierPolicy {
  if (!route) return policy;
  const own = namesApprovers(route);
  const { approverUsergroupId: _tiers, ...withoutGroup } = policy;
  return {
    ...(own ? withoutGroup : policy),
    ...(own && { approverUserIds: route.approverUserIds ?? [] }),
    ...(route.approverUsergroupId !== undefined && { approverUsergroupId: route.approverUsergroupId }),
    decisionChannels: [route.channel],
    allowAppHome: route.allowAppHome ?? false,
  };
}
