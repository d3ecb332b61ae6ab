import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { runCommand, type RunCommandDeps } from '../../app/runCommand';
import { userMessageFor } from '../../userMessages';

/**
 * `/chainsec …`: acknowledged at once, answered through `response_url`
 * (ephemeral), one message per part for long answers.
 */
export function chainsecCommand(deps: RunCommandDeps) {
  return async ({ ack, command, respond }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> => {
    await ack();
    try {
      const messages = await runCommand(deps, {
        text: command.text ?? '',
        userId: command.user_id,
        channelId: command.channel_id,
      });
      for (const m of messages)
        await respond({ response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks });
    } catch (e) {
      deps.telemetry.error('command failed', {
        command: (command.text ?? '').slice(0, 50),
        error: (e as Error).message,
      });
      await respond({ response_type: 'ephemeral', text: userMessageFor(e) });
    }
  };
}

/** Registers `/chainsec`. */
export function register(app: App, deps: RunCommandDeps): void {
  app.command('/chainsec', chainsecCommand(deps));
}
