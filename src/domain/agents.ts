import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import './zodSetup';
import { foldRequesterText, parseRequester } from './requester';
import { APPROVAL_TIERS, type ApprovalTier } from './tiers';

/**
 * Agents as principals: who may reach chainsec over MCP, how each proves it,
 * and what each may ask people to decide. Pure: the configuration holds token
 * hashes only, never a token.
 */

/** What an agent's name looks like: it is the requester on cards and in the ledger. */
const AGENT_NAME = /^[a-z][a-z0-9-]{1,62}[a-z0-9]$/;

/** One agent as configured (`MCP_AGENTS`). */
export const AgentPolicySchema = z.strictObject({
  /** The requester's name on the card and in the `incident_received` entry. */
  name: z.string().check(
    z.regex(AGENT_NAME, 'lower-case letters, digits and hyphens, 3 to 64 characters'),
    // A name that reads as a Slack user id would let an agent pass for a person on the card.
    z.refine((n) => parseRequester(n).userId === undefined, 'must not read as a Slack user id'),
  ),
  /** Lower-case hex SHA-256 of each bearer token that authenticates the agent (several: rotation). */
  tokenSha256: z._default(z.array(z.string().check(z.regex(/^[0-9a-f]{64}$/))), []),
  /** Principals an authorizer in front of the function vouches for (a JWT `sub` or `client_id`, an IAM ARN). */
  principals: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(2048))), []),
  /** Whether the agent may ask for approvals at all (false: it may only list tools and read). */
  mayRequest: z._default(z.boolean(), true),
  /** The tiers it may ask for. */
  tiers: z._default(z.array(z.enum(APPROVAL_TIERS)), [...APPROVAL_TIERS]),
  /** Action types it may propose: exact names, or a prefix ending in `*`; `["*"]` for any. */
  actionTypes: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(100))), ['*']),
  /** A revoked agent authenticates no more (its requests already made keep their course). */
  revoked: z._default(z.boolean(), false),
});
export type AgentPolicy = z.infer<typeof AgentPolicySchema>;

/** Every configured agent; names are unique. */
export const AgentPoliciesSchema = z
  .array(AgentPolicySchema)
  .check(z.refine((agents) => new Set(agents.map((a) => a.name)).size === agents.length, 'agent names must be unique'));

/** Lower-case hex SHA-256 of a bearer token, as the configuration stores it. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Bearer tokens longer than this are refused unread. */
const MAX_TOKEN_LENGTH = 512;

/**
 * The agent a bearer token authenticates: compared by hash, in constant time
 * per candidate. A revoked agent, an unknown token or no token is undefined.
 */
export function agentForToken(agents: readonly AgentPolicy[], token: string | undefined): AgentPolicy | undefined {
  if (!token || token.length > MAX_TOKEN_LENGTH) return undefined;
  const presented = Buffer.from(tokenSha256(token), 'hex');
  let found: AgentPolicy | undefined;
  for (const agent of agents)
    for (const hash of agent.tokenSha256)
      if (timingSafeEqual(presented, Buffer.from(hash, 'hex')) && !agent.revoked) found = agent;
  return found;
}

/** The agent an authorizer in front of the function vouches for (by principal), unless revoked. */
export function agentForPrincipal(agents: readonly AgentPolicy[], principal: string): AgentPolicy | undefined {
  return agents.find((a) => !a.revoked && a.principals.includes(principal));
}

/**
 * Why the agent may not ask for this decision, or undefined when it may.
 * A request can ask for more scrutiny (a higher tier it is allowed), never
 * bypass the agent's own policy.
 */
export function requestRefusal(agent: AgentPolicy, tier: ApprovalTier, actionType: string): string | undefined {
  if (!agent.mayRequest) return `agent ${agent.name} may not request approvals`;
  if (!agent.tiers.includes(tier)) return `agent ${agent.name} may not request ${tier} approvals`;
  const allowed = agent.actionTypes.some((p) =>
    p.endsWith('*') ? actionType.startsWith(p.slice(0, -1)) : p === actionType,
  );
  if (!allowed) return `agent ${agent.name} may not propose actions of type ${actionType}`;
  return undefined;
}

/**
 * The configured agent whose name a request's `requestedBy` carries, if any:
 * after the folding a requester's text gets (compatibility forms, case,
 * look-alike capitals), with every character but letters and digits removed,
 * the text contains the agent's name. An agent's name on a card means chainsec
 * authenticated that agent, so only its own MCP requests may carry it. Errs
 * towards finding one (`Agent-Ops (MCP)`, `agent_ops`, `ａｇｅｎｔ-ops` all name
 * `agent-ops`).
 */
export function agentNamedIn(
  agents: readonly Pick<AgentPolicy, 'name'>[],
  requestedBy: string | undefined,
): string | undefined {
  if (requestedBy === undefined) return undefined;
  const bare = (text: string) => foldRequesterText(text).replace(/[^A-Z0-9]/g, '');
  const said = bare(requestedBy);
  return agents.find((a) => said.includes(bare(a.name)))?.name;
}
