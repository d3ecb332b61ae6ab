import type { BlockAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escapeMrkdwn } from '../../blocks/escape';


/**
 * Answers the person who clicked, visible only to them: an ephemeral message
 * in the card's channel, or a DM when the click came from the App Home tab.
 */
export async function tellClicker(client: WebClient, body: BlockAction, text: string, respond?: RespondFn): Promise<void> {
  const safe = escapeMrkdwn(text).replace(/&lt;@([UW][A-Z0-9]+)&gt;/g, '<@$1>');
  const channel = body.channel?.id;
  try {
    if (channel && body.container?.type !== 'view') {
      await client.chat.postEphemeral({ channel, user: body.user.id, text: safe });
    } else {
      const dm = await client.conversations.open({ users: body.user.id });
      if (dm.channel?.id) await client.chat.postMessage({ channel: dm.channel.id, text: safe });
    }
  } catch {
    // Someone Slack will not message there (a guest from another organisation,
    // a DM that cannot be opened) still hears why, through the click's response_url.
    await respond?.({ response_type: 'ephemeral', replace_original: false, text: safe }).catch(() => undefined);
    // Telling the clicker is best effort; what they did is already recorded (or refused).
  }
}
