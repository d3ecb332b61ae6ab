import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionId } from '../../domain/actionIds';
import { acknowledge, markFalsePositive } from '../../app/acknowledge';
import { UserMessage, userMessageFor } from '../../userMessages';
import type { AppDeps } from '../../app/deps';
import { INCIDENT_ID } from '../../domain/incident';
import { tellClicker } from './tellClicker';
import { isFromThisWorkspace, voteSurfaceOf } from './voteSurface';

/** A button that marks the incident it names: "I'm on it" ({@link acknowledge}) or {@link markFalsePositive}. */
export function markListener(deps: AppDeps, run: typeof acknowledge) {
  return async ({ ack, body, action }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>) => {
    await ack();
    const incidentId = action.value ?? '';
    if (!INCIDENT_ID.test(incidentId)) return tellClicker(deps.slack, body, UserMessage.unknownButton());
    // Someone of another organisation (a Slack Connect channel) may see a card, never act on it.
    if (!isFromThisWorkspace(body)) return tellClicker(deps.slack, body, UserMessage.onlyThisWorkspace());
    const where = voteSurfaceOf(body);
    if ('refused' in where) return tellClicker(deps.slack, body, where.refused);
    try {
      const result = await run(deps, { incidentId, userId: body.user.id, surface: where.surface });
      await tellClicker(deps.slack, body, result.message);
    } catch (e) {
      deps.telemetry.error('action failed', { incidentId, error: (e as Error).message });
      await tellClicker(deps.slack, body, userMessageFor(e));
    }
  };
}

/** "I'm on it" and "Mark false positive". */
export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>(ActionId.Acknowledge, markListener(deps, acknowledge));
  app.action<BlockAction<ButtonAction>>(ActionId.FalsePositive, markListener(deps, markFalsePositive));
}
