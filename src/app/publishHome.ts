import { subDays } from 'date-fns';
import { buildHomeView } from '../blocks/homeView';
import { IncidentStatus } from '../domain/incidentRecord';
import { utcDays } from '../domain/utcDays';
import type { AppDeps } from './deps';

/** Builds and publishes one user's Home tab: what waits for them, and what they voted on in the last week. */
export async function publishHome(deps: AppDeps, userId: string): Promise<void> {
  const now = deps.clock.now();
  const open = await deps.incidents.listOpen();
  const waiting = open.filter((r) => r.status === IncidentStatus.Pending && !r.votes.some((v) => v.userId === userId));
  const decided = (await deps.incidents.listByDays(utcDays(subDays(now, 6), now)))
    .filter((r) => r.votes.some((v) => v.userId === userId))
    .sort((a, b) => (b.decidedAt ?? b.requestedAt).localeCompare(a.decidedAt ?? a.requestedAt))
    .slice(0, 10);
  await deps.slack.publishHome(userId, buildHomeView({ userId, waiting, decided, now, policy: deps.config.policy }));
}
