import type { BlockAction } from '@slack/bolt';
import type { VoteSurface } from '../../domain/votes';
import { UserMessage } from '../../userMessages';

/**
 * Where a vote click came from, read strictly from Slack's payload, or why it
 * cannot count. The App Home path is taken only for a click on this app's
 * Home tab (a `view` container naming the payload's own view, of type
 * `home`); a message click must name its channel, agreeing with its container.
 * Anything else (an ephemeral message, a modal, a container that disagrees
 * with the rest, a missing key) is refused: absence never means "App Home".
 */
export function voteSurfaceOf(body: BlockAction): { surface: VoteSurface } | { refused: string } {
  const container = body.container as Record<string, unknown> | undefined;
  if (container?.type === 'view') {
    const view = body.view;
    const ownHome = view?.type === 'home' && view.id === container.view_id && view.app_id === body.api_app_id;
    return ownHome ? { surface: { kind: 'app_home' } } : { refused: UserMessage.notADecisionSurface() };
  }
  if (container?.type === 'message' && container.is_ephemeral !== true) {
    const channelId = body.channel?.id;
    const messageTs = body.message?.ts;
    if (channelId && messageTs && channelId === container.channel_id && messageTs === container.message_ts) {
      return { surface: { kind: 'message', channelId, messageTs } };
    }
  }
  return { refused: UserMessage.notADecisionSurface() };
}

/**
 * Whether the clicker belongs to the workspace the request came from: a
 * person from another organisation (a Slack Connect channel) can see a card
 * but never decide it.
 */
export function isFromThisWorkspace(body: BlockAction): boolean {
  const teamId = body.team?.id;
  return teamId !== undefined && teamId !== null && body.user.team_id === teamId;
}
