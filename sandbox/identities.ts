/**
 * The sandbox's fixed Slack identities (docs/SANDBOX.md). Tests, the local
 * Slack Web API and the sandbox page all read them from here.
 */

/** Workspace (team) id. */
export const TEAM_ID = 'T0CHAINSEC';
/** Workspace domain, as Slack puts it in payloads (`team.domain`). */
export const TEAM_DOMAIN = 'chainsec-sandbox';
/** The Slack app id (`api_app_id`). */
export const APP_ID = 'A0CHAINSEC';
/** The bot user the app posts as. */
export const BOT_USER_ID = 'U0CHAINSECBOT';
/** The bot id (`bot_id` on messages the app posts). */
export const BOT_ID = 'B0CHAINSEC';
/** The only bot token the local Slack Web API accepts. */
export const BOT_TOKEN = 'xoxb-sandbox';
/** Default signing secret (`SLACK_SIGNING_SECRET` overrides it in the sandbox). */
export const DEFAULT_SIGNING_SECRET = 'sandbox-signing-secret';
/** The legacy verification token Slack still puts in payloads (`token`); never trusted. */
export const VERIFICATION_TOKEN = 'sandbox-verification-token';

/** The approvals channel. */
export const APPROVALS_CHANNEL = 'C0APPROVALS';
/** Name of the approvals channel (`channel.name` in payloads). */
export const APPROVALS_CHANNEL_NAME = 'chainsec-approvals';
/** A second channel the sandbox knows, for trying `ROUTES` (docs/ROUTING.md); nothing goes there by default. */
export const CRITICAL_CHANNEL = 'C0CRITICAL';
/** Name of the second channel. */
export const CRITICAL_CHANNEL_NAME = 'chainsec-critical';

export const APPROVER_1 = 'U0APPROVER1';
export const APPROVER_2 = 'U0APPROVER2';
export const APPROVER_3 = 'U0APPROVER3';
/** Primary on-call; also an approver. */
export const ONCALL_PRIMARY = 'U0ONCALL1';
/** Secondary on-call; also an approver. */
export const ONCALL_SECONDARY = 'U0ONCALL2';
/** A workspace member who may not approve. */
export const VIEWER = 'U0VIEWER';

/** Everyone allowed to decide: the three approvers and both on-calls. */
export const APPROVERS: readonly string[] = [APPROVER_1, APPROVER_2, APPROVER_3, ONCALL_PRIMARY, ONCALL_SECONDARY];

/** The user group (`usergroups.users.list`) holding every approver. */
export const APPROVERS_USERGROUP = 'S0APPROVERS';

/** A sandbox workspace member as `users.info` describes them. */
export interface SandboxUser {
  id: string;
  name: string;
  realName: string;
}

/** Every member of the sandbox workspace. */
export const SANDBOX_USERS: readonly SandboxUser[] = [
  { id: APPROVER_1, name: 'approver1', realName: 'Ada Approver' },
  { id: APPROVER_2, name: 'approver2', realName: 'Bo Approver' },
  { id: APPROVER_3, name: 'approver3', realName: 'Cy Approver' },
  { id: ONCALL_PRIMARY, name: 'oncall1', realName: 'Dee On-call (primary)' },
  { id: ONCALL_SECONDARY, name: 'oncall2', realName: 'Eli On-call (secondary)' },
  { id: VIEWER, name: 'viewer', realName: 'Fay Viewer' },
];

/** An agent the sandbox's MCP server knows: its name, bearer token, and what it may ask for. */
export interface SandboxAgent {
  name: string;
  token: string;
  mayRequest: boolean;
}

/**
 * The sandbox's MCP agents (`GET /sandbox/info` lists them with their tokens):
 * two that may ask for approvals, and one that may only list tools and read.
 */
export const SANDBOX_AGENTS: readonly SandboxAgent[] = [
  { name: 'agent-ops', token: 'sandbox-mcp-token-agent-ops', mayRequest: true },
  { name: 'agent-deploy', token: 'sandbox-mcp-token-agent-deploy', mayRequest: true },
  { name: 'agent-readonly', token: 'sandbox-mcp-token-agent-readonly', mayRequest: false },
];
