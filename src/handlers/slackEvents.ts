// Bolt's modules, not its index: the index also loads Express, the HTTP and
// Socket Mode receivers and OAuth, none of which a Lambda click needs (the
// build stubs the receivers App.js itself requires; see scripts/build.mjs).
import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver, { type AwsEvent, type AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { LogLevel } from '@slack/web-api';
import type { Context } from 'aws-lambda';
import { getConfig } from '../config';
import { registerListeners } from '../listeners';
import { loadSlackSecrets } from '../services/slackSecrets';
import { slackFetch } from '../services/WebApiSlackGateway';
import { PREPARED_VOTE_CLICK, type PreparedVoteClick } from '../listeners/voteClick';
import { buildContainer, type Container } from './support/container';
import { repeatedRequestAnswer, verifySlackRequest } from './support/requestGuard';
import { prepareVoteClick } from './support/voteClicks';

/**
 * `POST /slack/events` (HTTP API): interactivity, `/chainsec` and the Home tab,
 * through Bolt's AwsLambdaReceiver. Bolt verifies signatures and old
 * timestamps; the guard in front adds future timestamps and replays.
 */
interface Ready {
  container: Container;
  handle: (event: AwsEvent, context: Context) => Promise<AwsResponse>;
}

let ready: Promise<Ready> | undefined;
/** Vote clicks prepared for the listener, by the event Bolt is processing (read by the receiver's extractor). */
const preparedClicks = new WeakMap<AwsEvent, PreparedVoteClick>();

async function init(): Promise<Ready> {
  const config = getConfig();
  const secrets = await loadSlackSecrets(config);
  const receiver = new AwsLambdaReceiver({
    signingSecret: secrets.signingSecret,
    logLevel: LogLevel.ERROR,
    customPropertiesExtractor: (event) => {
      const prepared = preparedClicks.get(event as AwsEvent);
      return prepared ? { [PREPARED_VOTE_CLICK]: prepared } : {};
    },
  });
  const app = new App({
    // One workspace, one bot token: authorising each request from it costs no
    // Slack call (with `token`, Bolt 5 calls auth.test on every request when
    // token verification is off). No listener here reacts to messages, so the
    // bot's own user id is not needed to ignore its own messages.
    authorize: async () => ({ botToken: secrets.botToken }),
    ignoreSelf: false,
    receiver,
    // Lambda freezes after the response: listeners must finish before it is sent.
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
    clientOptions: {
      ...(config.slack.apiUrl && { slackApiUrl: config.slack.apiUrl }),
      fetch: slackFetch(),
      timeout: config.callTimeoutMs,
      retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 1000 },
    },
  });
  // Our own client with the bot token: with `authorize`, Bolt's app.client has no token of its own.
  const container = await buildContainer({ slackRetries: 1 });
  registerListeners(app, container.deps);
  app.error(async (error) => {
    container.telemetry.error('unhandled Bolt error', { error: error.message, code: (error as { code?: string }).code });
  });
  return { container, handle: receiver.toHandler() as Ready['handle'] };
}

/** The Lambda entry point (two arguments, as Lambda's Node.js runtime calls it). */
export async function handler(event: AwsEvent, context: Context): Promise<AwsResponse> {
  ready ??= init().catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  const { container, handle } = await ready;
  const { deps, secrets, telemetry } = container;
  try {
    const verdict = verifySlackRequest(event, { signingSecret: secrets.signingSecret, now: deps.clock.now() });
    if ('refused' in verdict) {
      telemetry.warn('slack request refused', { reason: verdict.refused.body });
      telemetry.metric('RejectedRequests');
      return verdict.refused;
    }
    // A vote click's claim is taken by the vote's own write (one write
    // fewer on the click path); anything else is claimed here, up front.
    const prepared = prepareVoteClick(event, verdict.claim, deps.store);
    if (prepared) {
      preparedClicks.set(event, prepared);
      const answer = await handle(event, context);
      return prepared.replayed ? repeated(event, telemetry) : answer;
    }
    if (!(await deps.store.claimOnce(verdict.claim))) return repeated(event, telemetry);
    return await handle(event, context);
  } finally {
    telemetry.flush();
  }
}

function repeated(event: AwsEvent, telemetry: Container['telemetry']): AwsResponse {
  const answer = repeatedRequestAnswer(event);
  if (answer.statusCode === 401) {
    telemetry.warn('slack request refused', { reason: answer.body });
    telemetry.metric('RejectedRequests');
  } else {
    telemetry.info('slack retry of a request already processed; nothing done');
  }
  return answer;
}
