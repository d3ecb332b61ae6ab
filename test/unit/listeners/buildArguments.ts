import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlashCommand,
  ViewOutput,
} from '@slack/bolt';
import { ConsoleLogger, LogLevel } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import type { FetchResponse } from '@slack/web-api/dist/WebClient';
import type { ChainsecContext } from '../../../src/listeners/requestContext';
import { APPROVALS, type FakeAppDeps } from '../../support/fakes/fakeAppDeps';
import { CARD_TS } from '../../support/fakes/seeds';

/**
 * Listener arguments as Bolt builds them (the bolt-ts-starter-template's
 * `buildArguments()`): `ack`, `respond` and `say` are jest mocks; `client` is
 * a real WebClient whose calls the listeners make are mocked (nothing leaves
 * the process) so a test can assert what the clicker was told.
 */

/** The WebClient calls the listeners make, mocked. */
export function recordingClient() {
  // An unreachable API and no retries: a call a test forgot to mock fails at once.
  const client = new WebClient(undefined, {
    slackApiUrl: 'http://127.0.0.1:9/api/',
    retryConfig: { retries: 0 },
  });
  const postEphemeral = jest.spyOn(client.chat, 'postEphemeral').mockResolvedValue({ ok: true });
  const postMessage = jest.spyOn(client.chat, 'postMessage').mockResolvedValue({ ok: true });
  const opened = { ok: true, channel: { id: 'D0DM' } };
  const openConversation = jest.spyOn(client.conversations, 'open').mockResolvedValue(opened);
  return { client, postEphemeral, postMessage, openConversation };
}

/** What `respond` answers: the response_url's 200. */
const responded: FetchResponse = {
  ok: true,
  status: 200,
  statusText: 'OK',
  url: 'https://hooks.slack.example/',
  headers: { get: () => null, entries: () => [] },
  arrayBuffer: async () => new ArrayBuffer(0),
  json: async () => ({ ok: true }),
  text: async () => '{"ok":true}',
};

/** The context the request guard leaves (`App<ChainsecContext>`): the request's identity, and more. */
export const requestContext = (more: Partial<ChainsecContext> = {}): ChainsecContext => ({
  isEnterpriseInstall: false,
  slackRequest: { claimKey: `slack:v0=${Math.random().toString(16).slice(2)}`, isRetry: false },
  ...more,
});

/** What every listener receives besides its surface's arguments. */
function middlewareArgs(context: ChainsecContext = requestContext()) {
  const { client, ...mocks } = recordingClient();
  const args: AllMiddlewareArgs<ChainsecContext> = {
    context,
    logger: new ConsoleLogger(),
    client,
    next: jest.fn(async () => undefined),
  };
  args.logger.setLevel(LogLevel.ERROR);
  return { args, ...mocks };
}

/** This app's App Home tab, as a click on it carries it. */
const homeView: ViewOutput = {
  id: 'V0HOME',
  callback_id: '',
  team_id: 'T0CHAINSEC',
  app_id: 'A0CHAINSEC',
  bot_id: 'B0CHAINSEC',
  title: { type: 'plain_text', text: 'chainsec' },
  type: 'home',
  blocks: [],
  close: null,
  submit: null,
  state: { values: {} },
  hash: 'h',
  private_metadata: '',
  root_view_id: 'V0HOME',
  previous_view_id: null,
  clear_on_close: false,
  notify_on_close: false,
};

/** Options of {@link buildActionArguments}. */
export interface ActionOptions {
  actionId: string;
  value?: string;
  userId?: string;
  /** The card's channel, or `null` for a click on the App Home tab. */
  channelId?: string | null;
  context?: ChainsecContext;
  /** The clicker's own team (another organisation's, in a Slack Connect channel). */
  userTeamId?: string;
}

/** The arguments of a click on a button of a card (or of the App Home tab). */
export function buildActionArguments(options: ActionOptions) {
  const { args, ...client } = middlewareArgs(options.context);
  const action: ButtonAction = {
    type: 'button',
    block_id: 'decide',
    action_id: options.actionId,
    action_ts: '1700000000.000100',
    text: { type: 'plain_text', text: 'Button' },
    ...(options.value !== undefined && { value: options.value }),
  };
  const channel = options.channelId === null ? undefined : (options.channelId ?? APPROVALS);
  // A card's message (the channel, its ts), or the Home tab (its view).
  const surface = channel
    ? { channel: { id: channel, name: 'approvals' }, message: { type: 'message' as const, ts: CARD_TS } }
    : { view: homeView };
  const container = channel
    ? { type: 'message', channel_id: channel, message_ts: CARD_TS }
    : { type: 'view', view_id: homeView.id };
  const body: BlockAction<ButtonAction> = {
    type: 'block_actions',
    actions: [action],
    team: { id: 'T0CHAINSEC', domain: 'chainsec' },
    user: { id: options.userId ?? 'U0APPROVER1', username: 'approver', team_id: options.userTeamId ?? 'T0CHAINSEC' },
    ...surface,
    token: 'verification-token',
    response_url: 'https://hooks.slack.example/actions/1',
    trigger_id: 'trigger-1',
    api_app_id: 'A0CHAINSEC',
    container,
  };
  const ack = jest.fn(async () => undefined);
  const respond = jest.fn(async () => responded);
  const say = jest.fn(async () => ({ ok: true }));
  const built: AllMiddlewareArgs<ChainsecContext> & SlackActionMiddlewareArgs<BlockAction<ButtonAction>> = {
    ...args,
    payload: action,
    action,
    body,
    ack,
    respond,
    say,
  };
  return { args: built, ack, respond, ...client };
}

/** {@link buildActionArguments} for a click on `actionId` whose button's value is `value`. */
export const click = (actionId: string, value: string, options: Omit<ActionOptions, 'actionId' | 'value'> = {}) =>
  buildActionArguments({ actionId, value, ...options });

/** Matches the arguments of a message telling the clicker `text` (and, given, only `user`). */
export const told = (text: string | RegExp, user?: string) =>
  expect.objectContaining({
    text: typeof text === 'string' ? text : expect.stringMatching(text),
    ...(user && { user }),
  });

/** What clickers were told in the channel, through `f`'s Slack gateway. */
export const ephemeralsOf = (f: FakeAppDeps) =>
  f.slack.callsOf('postEphemeral').map((c) => ({ channel: c.channel, user: c.user, text: c.message.text }));

/** The arguments of `/chainsec <text>` typed by `userId` in `channelId`. */
export function buildCommandArguments(text: string, userId = 'U0APPROVER1', channelId = APPROVALS) {
  const { args } = middlewareArgs();
  const command: SlashCommand = {
    token: 'verification-token',
    command: '/chainsec',
    text,
    response_url: 'https://hooks.slack.example/commands/1',
    trigger_id: 'trigger-1',
    user_id: userId,
    user_name: 'approver',
    team_id: 'T0CHAINSEC',
    team_domain: 'chainsec',
    channel_id: channelId,
    channel_name: 'approvals',
    api_app_id: 'A0CHAINSEC',
  };
  const ack = jest.fn(async () => undefined);
  const respond = jest.fn(async () => responded);
  const say = jest.fn(async () => ({ ok: true }));
  const built: AllMiddlewareArgs<ChainsecContext> & SlackCommandMiddlewareArgs = {
    ...args,
    payload: command,
    command,
    body: command,
    ack,
    respond,
    say,
  };
  return { args: built, ack, respond };
}

/** The arguments of `app_home_opened` by `userId` on `tab`. */
export function buildHomeOpenedArguments(userId: string, tab: 'home' | 'messages' = 'home') {
  const { args } = middlewareArgs();
  const event: SlackEventMiddlewareArgs<'app_home_opened'>['event'] = {
    type: 'app_home_opened',
    user: userId,
    channel: 'D0HOME',
    tab,
    event_ts: '1700000000.000200',
  };
  const say = jest.fn(async () => ({ ok: true }));
  const built: AllMiddlewareArgs<ChainsecContext> & SlackEventMiddlewareArgs<'app_home_opened'> = {
    ...args,
    payload: event,
    event,
    body: {
      token: 'verification-token',
      team_id: 'T0CHAINSEC',
      api_app_id: 'A0CHAINSEC',
      event,
      type: 'event_callback',
      event_id: 'Ev0001',
      event_time: 1700000000,
    },
    say,
  };
  return { args: built };
}
