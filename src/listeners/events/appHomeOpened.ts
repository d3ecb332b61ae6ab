import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { publishHome } from '../../app/publishHome';
import type { AppDeps } from '../../app/deps';

/** Publishes the Home tab when a person opens it. */
export function appHomeOpened(deps: AppDeps) {
  return async ({ event }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>): Promise<void> => {
    if (event.tab !== 'home') return;
    await publishHome(deps, event.user);
  };
}

/** Registers the Home tab. */
export function register(app: App, deps: AppDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
}
