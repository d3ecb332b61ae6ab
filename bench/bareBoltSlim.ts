import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver, { type AwsEvent, type AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { LogLevel } from '@slack/web-api';
import type { Context } from 'aws-lambda';

/**
 * A second cold-start baseline (never deployed): bench/bareBolt.ts with the
 * same slimming as our handlers (Bolt's modules imported directly, its unused
 * receivers stubbed by scripts/build.mjs). It shows how much of the gap to
 * the standard bare Bolt app comes from that slimming rather than from our
 * own code. Built by `node scripts/build.mjs --bench` into dist/bareBoltSlim.
 */
const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? 'sandbox-signing-secret', logLevel: LogLevel.ERROR });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? 'xoxb-sandbox',
  receiver,
  processBeforeResponse: true,
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
  clientOptions: { ...(process.env.SLACK_API_URL && { slackApiUrl: process.env.SLACK_API_URL }) },
});
app.action(/.*/, async ({ ack }) => {
  await ack();
});

const handle = receiver.toHandler();

/** The Lambda entry point (two arguments, as Lambda's Node.js runtime calls it). */
export async function handler(event: AwsEvent, context: Context): Promise<AwsResponse> {
  return handle(event, context);
}
