import type { BlockAction, RespondFn } from '@slack/bolt';
import { escapeMrkdwn } from '../../blocks/escape';
import type { SlackGateway } from '../../services/SlackGateway';

/**
 * Answers the person who clicked, visible only to them: an ephemeral message
 * in the card's channel, or a DM when the click came from the App Home tab.
 * Goes through the {@link SlackGateway} like every other Slack call (its
 * timeouts, retries and DM channel cache).
 */
export async function tellClicker(
  slack: SlackGateway,
  body: BlockAction,
  text: string,
  respond?: RespondFn,
): Promise<void> {
  const safe = escapeMrkdwn(text).replace(/&lt;@([UW][A-Z0-9]+)&gt;/g, '<@$1>');
  const message = { text: safe, blocks: [] };
  const channel = body.channel?.id;
  try {
    if (channel && body.container?.type !== 'view') await slack.postEphemeral(channel, body.user.id, message);
    else await slack.dm(body.user.id, message);
  } catch {
    // Someone Slack will not message there (a guest from another organisation,
    // a DM that cannot be opened) still hears why, through the click's response_url.
    await respond?.({ response_type: 'ephemeral', replace_original: false, text: safe }).catch(() => undefined);
    // Telling the clicker is best effort; what they did is already recorded (or refused).
  }
}
