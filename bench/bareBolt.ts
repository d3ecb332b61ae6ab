import { App, AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import type { AwsEvent, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { Context } from 'aws-lambda';

/**
 * The cold-start baselines (never deployed): the smallest Bolt app on
 * AwsLambdaReceiver that answers a button click. `node scripts/build.mjs
 * --bench` builds it twice: dist/bareBolt the standard way (the contract's
 * baseline), dist/bareBoltSlim slimmed like our handlers (`@slack/bolt` read
 * from bench/slimBoltIndex.ts, unused receivers stubbed). It acks and calls
 * nothing (slackApiUrl points at the local Slack API from the environment,
 * never at slack.com).
 */
const receiver = new AwsLambdaReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? 'sandbox-signing-secret',
  logLevel: LogLevel.ERROR,
});
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
