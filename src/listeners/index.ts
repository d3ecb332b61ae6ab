import type { App } from '@slack/bolt';
import { oncePerRequest } from './middleware/oncePerRequest';
import { sameWorkspace } from './middleware/sameWorkspace';
import type { ChainsecContext } from './requestContext';
import type { AppDeps } from '../app/deps';
import { register as registerVotes } from './actions/vote';
import { register as registerAcknowledge } from './actions/acknowledge';
import { register as registerWithReason } from './actions/withReason';
import { register as registerReasonSubmission } from './views/reasonSubmission';
import { register as registerCommands } from './commands/chainsec';
import { register as registerHome } from './events/appHomeOpened';

/**
 * Registers the one-time guard first, then the workspace guard (when
 * `teamId` is configured), then every listener, grouped by Slack surface
 * (actions, views, commands, events).
 */
export function registerListeners(app: App<ChainsecContext>, deps: AppDeps, teamId?: string): void {
  app.use(oncePerRequest(deps));
  app.use(sameWorkspace(deps, teamId));
  registerVotes(app, deps);
  registerAcknowledge(app, deps);
  registerWithReason(app, deps);
  registerReasonSubmission(app, deps);
  registerCommands(app, deps);
  registerHome(app, deps);
}
