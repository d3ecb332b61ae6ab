import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { publishHome } from '../../app/publishHome';
import type { AppDeps } from '../../app/deps';

/** Publishes the Home tab when a person opens it. */
export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', async ({ event }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, event.user);
  });
}
