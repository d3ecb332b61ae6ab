import { unreachableRouteAlert } from '../blocks/routeNotices';
import type { AppDeps } from './deps';
import { routeReach } from './routing';

/** What alerting about unreachable routes needs. */
type RouteAlertDeps = Pick<AppDeps, 'clock' | 'config' | 'sideDocs' | 'slack' | 'telemetry'>;

/** The side document remembering that a route channel's alert was posted. */
const docKey = (channel: string): string => `ROUTE_UNREACHABLE#${channel}`;

/** What the document holds: when the alert went out; absent, the channel was found reachable again. */
interface RouteAlertDoc {
  channel: string;
  alertedAt?: string;
}

/** A channel still unreachable this long after its alert is alerted again (a reminder), never once a minute. */
const REMIND_AFTER_MS = 7 * 24 * 3600 * 1000;
/** The document outlives the reminder period, so its expiry never causes an early second alert. */
const DOC_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The sweep's check of `ROUTES`: one alert in the default channel per route
 * channel the bot is not in, deduplicated across sweeps and concurrent sweeps
 * by a conditional write of a side document before posting (the winner
 * posts; a failed post gives the claim back, so the next sweep tries again).
 * A channel found reachable again is forgotten, so a later removal alerts anew.
 * Logged (`route channel unreachable`) and counted (`RouteChannelsUnreachable`
 * per sweep that finds one, `RouteUnreachableAlerts` per alert).
 * @returns the channels alerted about by this sweep
 */
export async function alertUnreachableRoutes(deps: RouteAlertDeps): Promise<string[]> {
  if (deps.config.routes.length === 0) return [];
  const now = deps.clock.now();
  const write = { now, ttlSeconds: DOC_TTL_SECONDS, open: false };
  const alerted: string[] = [];
  for (const reach of await routeReach(deps)) {
    if (reach.member === undefined) continue;
    const key = docKey(reach.channel);
    const doc = await deps.sideDocs.get<RouteAlertDoc>(key);
    if (reach.member) {
      if (doc?.value.alertedAt !== undefined)
        await deps.sideDocs.put<RouteAlertDoc>(key, { channel: reach.channel }, doc.version, write);
      continue;
    }
    deps.telemetry.metric('RouteChannelsUnreachable');
    const alertedAt = doc?.value.alertedAt;
    if (alertedAt !== undefined && now.getTime() - Date.parse(alertedAt) < REMIND_AFTER_MS) continue;
    const claim: RouteAlertDoc = { channel: reach.channel, alertedAt: now.toISOString() };
    if (!(await deps.sideDocs.put(key, claim, doc?.version ?? 0, write))) continue; // another sweep claimed it
    try {
      await deps.slack.post(deps.config.approvalsChannel, unreachableRouteAlert(reach, deps.config.approvalsChannel));
    } catch (e) {
      await deps.sideDocs
        .put<RouteAlertDoc>(key, { channel: reach.channel }, (doc?.version ?? 0) + 1, write)
        .catch(() => undefined);
      throw e;
    }
    deps.telemetry.error('route channel unreachable: the bot is not in it; alerted in the default channel', {
      channel: reach.channel,
      routes: reach.routes,
    });
    deps.telemetry.metric('RouteUnreachableAlerts');
    alerted.push(reach.channel);
  }
  return alerted;
}
