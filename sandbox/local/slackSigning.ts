import { createHmac, randomBytes } from 'node:crypto';
import {
  APP_ID,
  APPROVALS_CHANNEL,
  APPROVALS_CHANNEL_NAME,
  CRITICAL_CHANNEL,
  CRITICAL_CHANNEL_NAME,
  BOT_ID,
  BOT_USER_ID,
  SANDBOX_USERS,
  TEAM_DOMAIN,
  TEAM_ID,
  VERIFICATION_TOKEN,
} from '../identities';

/** The two headers Slack signs a request with. */
export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/**
 * Signs a request body as Slack does (signing secret v0): HMAC-SHA256 of
 * `v0:<timestamp>:<body>`, hex, prefixed `v0=`.
 * @param body the exact raw body that will be sent
 * @param timestampSec Unix seconds; now by default (pass an old one to test replay windows)
 */
export function signSlackRequest(
  body: string,
  secret: string,
  timestampSec: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const ts = String(Math.floor(timestampSec));
  const signature = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${signature}`, 'x-slack-request-timestamp': ts };
}

/** A `trigger_id` in Slack's format (`<n>.<n>.<hex>`). */
export function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`;
}

/** Options of {@link blockActions}. */
export interface BlockActionsOptions {
  /** Who clicked. */
  user: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Button label (`actions[0].text.text`). */
  buttonText?: string;
  /** The message's channel (message buttons). */
  channel?: string;
  /** The `ts` of the message carrying the button. */
  messageTs?: string;
  /** The message as posted (text, blocks), so handlers can read `body.message`. */
  message?: { text?: string; blocks?: unknown[] };
  responseUrl?: string;
  triggerId?: string;
  /** For a button on a view (App Home, modal) instead of a message. */
  view?: { id: string; type?: string; [k: string]: unknown };
  /** `actions[0].action_ts`; now by default. */
  actionTs?: string;
  /** For an overflow menu: the chosen option's value (the action is then of type `overflow`, `value` unused). */
  selectedOption?: string;
}

const userName = (id: string) => SANDBOX_USERS.find((u) => u.id === id)?.name ?? id.toLowerCase();
const channelName = (id: string) =>
  id === APPROVALS_CHANNEL
    ? APPROVALS_CHANNEL_NAME
    : id === CRITICAL_CHANNEL
      ? CRITICAL_CHANNEL_NAME
      : id.startsWith('D')
        ? 'directmessage'
        : id.toLowerCase();
const nowTs = () => (Date.now() / 1000).toFixed(6);

/** A standard `block_actions` interactivity payload (the JSON object), as Slack sends for a button click. */
export function blockActions(options: BlockActionsOptions): Record<string, unknown> {
  const blockId = options.blockId ?? randomBytes(3).toString('base64url');
  const action =
    options.selectedOption !== undefined
      ? {
          action_id: options.actionId,
          block_id: blockId,
          selected_option: {
            text: { type: 'plain_text', text: options.buttonText ?? options.selectedOption, emoji: true },
            value: options.selectedOption,
          },
          type: 'overflow',
          action_ts: options.actionTs ?? nowTs(),
        }
      : {
          action_id: options.actionId,
          block_id: blockId,
          text: { type: 'plain_text', text: options.buttonText ?? options.actionId, emoji: true },
          ...(options.value !== undefined && { value: options.value }),
          type: 'button',
          action_ts: options.actionTs ?? nowTs(),
        };
  const base = {
    type: 'block_actions',
    user: { id: options.user, username: userName(options.user), name: userName(options.user), team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: options.triggerId ?? newTriggerId(),
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    state: { values: {} },
    actions: [action],
  };
  if (options.view) {
    return {
      ...base,
      container: { type: 'view', view_id: options.view.id },
      view: { type: 'home', team_id: TEAM_ID, app_id: APP_ID, bot_id: BOT_ID, blocks: [], ...options.view },
    };
  }
  if (!options.channel || !options.messageTs)
    throw new Error('blockActions needs channel and messageTs for a message button (or view for a view button)');
  return {
    ...base,
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channel, is_ephemeral: false },
    channel: { id: options.channel, name: channelName(options.channel) },
    message: {
      type: 'message',
      user: BOT_USER_ID,
      ts: options.messageTs,
      bot_id: BOT_ID,
      app_id: APP_ID,
      team: TEAM_ID,
      text: options.message?.text ?? '',
      blocks: options.message?.blocks ?? [],
    },
    response_url:
      options.responseUrl ??
      `https://hooks.slack.com/actions/${TEAM_ID}/${Date.now()}/${randomBytes(12).toString('hex')}`,
  };
}

/** The form body Slack posts for a button click: `payload=<urlencoded JSON>`. */
export function blockActionsPayload(options: BlockActionsOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActions(options)) }).toString();
}

/** Options of {@link viewSubmission}. */
export interface ViewSubmissionOptions {
  /** Who submitted. */
  user: string;
  /** The modal as opened (`views.open`'s view, with its `id`): `callback_id`, `private_metadata`, `blocks`. */
  view: { id: string; callback_id?: string; private_metadata?: string; [k: string]: unknown };
  /** Input values, by block id then action id (`view.state.values`); plain text inputs. */
  values?: Record<string, Record<string, string>>;
  /** The app the view belongs to; this app by default. */
  appId?: string;
  /** The submitter's team; this workspace by default. */
  userTeamId?: string;
}

/** A standard `view_submission` interactivity payload (the JSON object), as Slack sends when a modal is submitted. */
export function viewSubmission(options: ViewSubmissionOptions): Record<string, unknown> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [block, inputs] of Object.entries(options.values ?? {})) {
    values[block] = Object.fromEntries(
      Object.entries(inputs).map(([action, value]) => [action, { type: 'plain_text_input', value }]),
    );
  }
  const { id, ...view } = options.view;
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: TEAM_DOMAIN },
    user: {
      id: options.user,
      username: userName(options.user),
      name: userName(options.user),
      team_id: options.userTeamId ?? TEAM_ID,
    },
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: newTriggerId(),
    view: {
      id,
      team_id: TEAM_ID,
      type: 'modal',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      hash: randomBytes(8).toString('hex'),
      root_view_id: id,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
      external_id: '',
      ...view,
      state: { values },
      app_id: options.appId ?? APP_ID,
      bot_id: BOT_ID,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The form body Slack posts when a modal is submitted: `payload=<urlencoded JSON>`. */
export function viewSubmissionPayload(options: ViewSubmissionOptions): string {
  return new URLSearchParams({ payload: JSON.stringify(viewSubmission(options)) }).toString();
}

/** Options of {@link slashCommandBody}. */
export interface SlashCommandOptions {
  user: string;
  /** Everything after the command, e.g. `status inc-1`. */
  text: string;
  channel?: string;
  responseUrl?: string;
  triggerId?: string;
  /** Default `/chainsec`. */
  command?: string;
}

/** The urlencoded form body Slack posts for a slash command. */
export function slashCommandBody(options: SlashCommandOptions): string {
  const channel = options.channel ?? APPROVALS_CHANNEL;
  return new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: TEAM_ID,
    team_domain: TEAM_DOMAIN,
    channel_id: channel,
    channel_name: channelName(channel),
    user_id: options.user,
    user_name: userName(options.user),
    command: options.command ?? '/chainsec',
    text: options.text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url:
      options.responseUrl ??
      `https://hooks.slack.com/commands/${TEAM_ID}/${Date.now()}/${randomBytes(12).toString('hex')}`,
    trigger_id: options.triggerId ?? newTriggerId(),
  }).toString();
}
