import type { AllMiddlewareArgs, App, BlockAction, OverflowAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ActionId } from '../../domain/actionIds';
import { parseReasonOption } from '../../domain/reasonModal';
import { buildReasonModal } from '../../blocks/reasonModal';
import { UserMessage, userMessageFor } from '../../userMessages';
import type { AppDeps } from '../../app/deps';
import { previewVote } from '../../app/previewVote';
import type { ChainsecContext } from '../requestContext';
import { tellClicker } from './tellClicker';
import { isFromThisWorkspace, voteSurfaceOf } from './voteSurface';

type WithReasonArgs = AllMiddlewareArgs<ChainsecContext> & SlackActionMiddlewareArgs<BlockAction<OverflowAction>>;

/**
 * "Approve / Deny / Roll back with reason…" (the card's menu): opens the reason
 * modal for a vote that could count, from the card or the App Home tab only,
 * with the surface the click proved in the modal's `private_metadata`. Records
 * nothing: the submission does (`views/reasonSubmission.ts`). The request is
 * claimed once by the guard, like any request that is not a vote.
 */
export function withReasonListener(deps: AppDeps) {
  return async ({ ack, body, action, respond }: WithReasonArgs): Promise<void> => {
    await ack();
    const tell = (text: string) => tellClicker(deps.slack, body, text, respond);
    const option = parseReasonOption(action.selected_option?.value);
    if (!option) return tell(UserMessage.unknownMenu());
    const where = voteSurfaceOf(body);
    if ('refused' in where) return tell(where.refused);
    if (!isFromThisWorkspace(body)) return tell(UserMessage.notThisWorkspace());
    const userId = body.user.id;
    try {
      const preview = await previewVote(deps, { ...option, userId, surface: where.surface });
      if (preview.kind === 'refused') return tell(preview.message);
      await deps.slack.openView(
        body.trigger_id,
        buildReasonModal(preview.record, { ...option, userId, surface: where.surface }),
      );
    } catch (e) {
      deps.telemetry.error('reason modal not opened', { incidentId: option.incidentId, error: (e as Error).message });
      await tell(userMessageFor(e));
    }
  };
}

/** Registers the card's "… with reason" menu. */
export function register(app: App<ChainsecContext>, deps: AppDeps): void {
  app.action<BlockAction<OverflowAction>>(ActionId.WithReason, withReasonListener(deps));
}
