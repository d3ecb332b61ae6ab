/**
 * The Slack bot token scopes chainsec asks for, kept next to the code that
 * needs them. `manifest.yml` must request exactly these (a test compares
 * them), and every Web API method the code calls must be covered by one of
 * them or be listed in {@link SLACK_METHODS_WITHOUT_SCOPE}.
 */

/** One bot scope: the Web API methods that need it, and why chainsec calls them. */
export interface SlackScope {
  readonly scope: string;
  readonly methods: readonly string[];
  readonly reason: string;
}

/** The minimal bot token scopes. */
export const SLACK_BOT_SCOPES: readonly SlackScope[] = [
  {
    scope: 'channels:read',
    methods: ['conversations.info'],
    reason:
      'Check that the bot is a member of each public channel ROUTES names (is_member), so /chainsec status, the Home tab and the sweep can say when a route cannot be posted to.',
  },
  {
    scope: 'chat:write',
    methods: ['chat.postMessage', 'chat.update', 'chat.postEphemeral'],
    reason:
      'Post approval cards and notifications to the approvals channel (the bot must be a member), update a card in place after a decision or expiry, send escalation DMs, and answer the person who clicked with an ephemeral message.',
  },
  {
    scope: 'commands',
    methods: [],
    reason: 'Receive the /chainsec slash command.',
  },
  {
    scope: 'groups:read',
    methods: ['conversations.info'],
    reason:
      'The same membership check for a private channel a route names (conversations.info needs groups:read there).',
  },
  {
    scope: 'im:write',
    methods: ['conversations.open'],
    reason:
      'Open a direct message with the on-call approver (escalations) or with a person who clicked in the Home tab.',
  },
  {
    scope: 'usergroups:read',
    methods: ['usergroups.users.list'],
    reason: 'Check that a person who clicks belongs to the approver user group (APPROVER_USERGROUP_ID).',
  },
  {
    scope: 'users:read',
    methods: ['users.info'],
    reason:
      'Check that the person an agent names as the requester is a member of the workspace before a card mentions them (an unknown id is shown as text, never as a ping).',
  },
] as const;

/**
 * Web API methods chainsec calls that need no scope: `chat.getPermalink`
 * (links to a card from DMs and commands), `views.open` (the reason modal, opened
 * with the click's trigger_id) and `views.publish` (the Home tab; the
 * app_home_opened event that triggers it needs no scope either).
 */
export const SLACK_METHODS_WITHOUT_SCOPE: readonly string[] = [
  'chat.getPermalink',
  'views.open',
  'views.publish',
] as const;
