import * as z from 'zod/mini';
import '../domain/zodSetup';
import { ConfigInvalidError } from '../errors';
import type { Config } from '../config';

/** The two Slack secrets. */
export interface SlackSecrets {
  signingSecret: string;
  botToken: string;
}

const SecretSchema = z.object({
  signingSecret: z.string().check(z.minLength(1)),
  botToken: z.string().check(z.startsWith('xoxb-')),
});

/**
 * Slack secrets: from Secrets Manager in AWS (cached for 5 minutes by
 * Powertools Parameters, so rotation takes effect without a deploy), from the
 * environment in the sandbox.
 */
export async function loadSlackSecrets(config: Config): Promise<SlackSecrets> {
  if (config.slack.secretArn) {
    // Loaded only where the secret lives in AWS: the sandbox and tests never pay for it.
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    const value = await getSecret(config.slack.secretArn, { transform: 'json', maxAge: 300 });
    const parsed = SecretSchema.safeParse(value);
    if (!parsed.success) throw new ConfigInvalidError('the Slack secret must be JSON {"signingSecret","botToken"}');
    return parsed.data;
  }
  if (!config.slack.signingSecret || !config.slack.botToken) {
    throw new ConfigInvalidError('SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are required without SLACK_SECRET_ARN');
  }
  return { signingSecret: config.slack.signingSecret, botToken: config.slack.botToken };
}
