import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { buildHomeView } from '../../blocks/homeView';
import { IncidentStatus } from '../../domain/incidentRecord';
import { isApprovalTier } from '../../domain/tiers';
import type { AppDeps } from '../../app/deps';

/** Publishes the Home tab: what waits for the viewer, and what they decided lately. */
export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', async ({ event }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, event.user);
  });
}

/** Builds and publishes one user's Home tab. */
export async function publishHome(deps: AppDeps, userId: string): Promise<void> {
  const now = deps.clock.now();
  const open = await deps.store.listOpen();
  const waiting = open.filter((r) => r.status === IncidentStatus.Pending && !r.votes.some((v) => v.userId === userId));
  const days = [0, 1, 2, 3, 4, 5, 6].map((d) => new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10));
  const decided = (await deps.store.listByDays(days))
    .filter((r) => r.votes.some((v) => v.userId === userId))
    .sort((a, b) => (b.decidedAt ?? b.requestedAt).localeCompare(a.decidedAt ?? a.requestedAt))
    .slice(0, 10);
  const needed = (tier: string) => (isApprovalTier(tier as never) ? deps.config.policy[tier as 'high' | 'critical'].approvalsNeeded : 1);
  await deps.slack.publishHome(userId, buildHomeView({ userId, waiting, decided, now, approvalsNeeded: needed }));
}
