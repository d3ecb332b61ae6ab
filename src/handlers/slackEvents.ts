// Bolt's modules, not its index: the index also loads Express, the HTTP and
// Socket Mode receivers and OAuth, none of which a Lambda click needs (the
// build stubs the receivers App.js itself requires; see scripts/build.mjs).
import App from '@slack/bolt/dist/App';
import AwsLambdaReceiver, { type AwsEvent, type AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { LogLevel } from '@slack/web-api';
import type { Context } from 'aws-lambda';
import { getConfig } from '../config';
import { registerListeners } from '../listeners';
import { loadTracing } from '../services/PowertoolsTracing';
import { loadSlackSecrets } from '../services/slackSecrets';
import {
  REPEATED_REQUEST_BODY,
  repeatedRequestAnswer,
  slackRequestLogId,
  type SlackRequestIdentity,
} from '../listeners/onceRule';
import type { ChainsecContext } from '../listeners/requestContext';
import { buildContainer, type Container, slackClientSettings } from './support/container';
import { checkSlackHeaders, slackRequestIdentity } from './support/slackRequestHeaders';
import { perContainer } from './support/perContainer';

/**
 * `POST /slack/events` (HTTP API): interactivity, `/chainsec` and the Home tab,
 * through Bolt's AwsLambdaReceiver. In front of Bolt, the headers' exact form
 * and future timestamps are checked (no I/O); Bolt verifies the signature and
 * old timestamps; its first middleware lets each authentic request through
 * once, and a repeat is answered here (the rule: src/listeners/onceRule.ts).
 */
interface Ready {
  container: Container;
  handle: (event: AwsEvent, context: Context) => Promise<AwsResponse>;
}

/** The container and what this handler adds to it, built on the first invocation. */
const ready = perContainer(init);

async function init(): Promise<Ready> {
  const config = getConfig();
  const secrets = await loadSlackSecrets(config);
  const receiver = new AwsLambdaReceiver({
    signingSecret: secrets.signingSecret,
    logLevel: LogLevel.ERROR,
    // The request's identity, from the headers the handler checked: Bolt's way into its context.
    customPropertiesExtractor: (event) => {
      const identity = slackRequestIdentity(event as AwsEvent);
      return identity ? { slackRequest: identity } : {};
    },
  });
  const app = new App<ChainsecContext>({
    // One workspace, one bot token: authorising each request from it costs no
    // Slack call (with `token`, Bolt 5 calls auth.test on every request when
    // token verification is off). No listener here reacts to messages, so the
    // bot's own user id is not needed to ignore its own messages. No token in
    // the context either: Bolt then hands listeners `app.client` instead of
    // building a second client per workspace.
    authorize: async () => ({}),
    ignoreSelf: false,
    receiver,
    // Lambda freezes after the response: listeners must finish before it is sent.
    processBeforeResponse: true,
    logLevel: LogLevel.ERROR,
    // The Lambda's one WebClient: Bolt builds it from our settings (the bot
    // token travels as its Authorization header) and the gateway wraps it.
    clientOptions: slackClientSettings(config, secrets, 1),
  });
  // X-Ray where the function traces (template.yaml: Tracing: Active); loaded lazily, not at all elsewhere.
  const tracing = await loadTracing();
  const container = await buildContainer({ slackRetries: 1, slackClient: app.client, ...(tracing && { tracing }) });
  registerListeners(app, container.deps, config.slack.teamId);
  app.error(async (error) => {
    container.telemetry.error('unhandled Bolt error', {
      error: error.message,
      code: (error as { code?: string }).code,
    });
  });
  return { container, handle: receiver.toHandler() as Ready['handle'] };
}

/** The Lambda entry point (two arguments, as Lambda's Node.js runtime calls it). */
export async function handler(event: AwsEvent, context: Context): Promise<AwsResponse> {
  const { container, handle } = await ready();
  const { deps, telemetry } = container;
  // Every log line of this request carries Lambda's request id, then the Slack request's id (and, once a
  // listener knows it, the incident's: src/listeners/middleware/oncePerRequest.ts).
  telemetry.startInvocation(context);
  try {
    const checked = checkSlackHeaders(event, deps.clock.now());
    if ('identity' in checked) telemetry.addLogKeys({ slackRequestId: slackRequestLogId(checked.identity) });
    if ('refused' in checked) {
      telemetry.warn('slack request refused', { reason: checked.refused.body });
      telemetry.metric('RejectedRequests');
      return checked.refused;
    }
    const answer = await handle(event, context);
    return answer.body === REPEATED_REQUEST_BODY ? repeated(checked.identity, telemetry) : answer;
  } finally {
    telemetry.flush();
  }
}

function repeated(identity: SlackRequestIdentity, telemetry: Container['telemetry']): AwsResponse {
  const answer = repeatedRequestAnswer(identity);
  if (answer.statusCode === 401) {
    telemetry.warn('slack request refused', { reason: answer.body });
    telemetry.metric('RejectedRequests');
  } else {
    telemetry.info('slack retry of a request already processed; nothing done');
  }
  return answer;
}
