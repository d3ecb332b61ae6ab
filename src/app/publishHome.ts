import { subDays } from 'date-fns';
import { buildHomeView } from '../blocks/homeView';
import { IncidentStatus } from '../domain/incidentRecord';
import { utcDays } from '../domain/utcDays';
import type { AppDeps } from './deps';
import { readableBy, recordPolicy, routesFor, unreachableRoutes } from './routing';

/** What publishing a person's App Home tab needs. */
type PublishHomeDeps = Pick<AppDeps, 'clock' | 'config' | 'incidents' | 'slack' | 'telemetry'>;

/**
 * Builds and publishes one user's Home tab: what waits for them, the routes
 * they can decide in (with any whose channel the bot is not in), and what
 * they voted on in the last week.
 */
export async function publishHome(deps: PublishHomeDeps, userId: string): Promise<void> {
  const now = deps.clock.now();
  const [open, unreachable] = await Promise.all([deps.incidents.listOpen(), unreachableRoutes(deps)]);
  const pending = open.filter((r) => r.status === IncidentStatus.Pending);
  // A routed incident is shown only to its route's people (its buttons only where its route allows App Home).
  const waiting = await readableBy(
    deps,
    pending.filter((r) => !r.votes.some((v) => v.userId === userId)),
    userId,
  );
  const decided = (await deps.incidents.listByDays(utcDays(subDays(now, 6), now)))
    .filter((r) => r.votes.some((v) => v.userId === userId))
    .sort((a, b) => (b.decidedAt ?? b.requestedAt).localeCompare(a.decidedAt ?? a.requestedAt))
    .slice(0, 10);
  const view = buildHomeView({
    userId,
    waiting,
    decided,
    now,
    policyOf: (record) => recordPolicy(deps, record),
    routes: routesFor(deps, userId, pending),
    unreachable: { routes: unreachable, defaultChannel: deps.config.approvalsChannel },
  });
  await deps.slack.publishHome(userId, view);
}
