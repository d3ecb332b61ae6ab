import { randomBytes } from 'node:crypto';
import { type AgentPolicy, requestRefusal } from '../domain/agents';
import { requestIncident } from '../domain/incident';
import { decisionDeadline } from '../domain/policy';
import type { ApprovalRequest } from '../domain/messages';
import { ChainsecError } from '../errors';
import type { HeldToolCall, McpApproval } from '../services/McpApprovals';
import { mcpTaskToken } from '../services/McpWorkflowGateway';
import { type ApprovalStatus, statusOf } from './approvalStatus';
import { ingestMessage } from './ingestMessage';
import type { AgentApprovalDeps } from './mcpDeps';
import { parseInbound, unstorableError } from './parseInbound';

/**
 * Approvals asked for by agents over MCP. A request becomes an approval
 * request like a workflow's (the same ingest: card, policy, votes, escalation,
 * expiry, ledger, receipt); its decision is stored for the agent instead of
 * resuming a workflow (see `McpWorkflowGateway`).
 */

/** What an agent may send: the approval request of a workflow, less what chainsec decides itself. */
export const ARGUMENT_FIELDS = ['tier', 'title', 'proposedAction', 'reasoning', 'evidence', 'context'] as const;

/** How a request ended: accepted (people decide now), or refused before anything was posted. */
export type RequestApprovalOutcome =
  | { kind: 'pending'; approval: McpApproval }
  /** The agent may not ask this (its policy), or the arguments are malformed: the message names why / the field. */
  | { kind: 'refused'; reason: 'not_allowed' | 'invalid_arguments'; message: string };

/** A fresh, unguessable approval id (128 random bits). */
const newApprovalId = (): string => `apr_${randomBytes(16).toString('base64url')}`;

/**
 * An agent asks people for a decision. Refused, with nothing posted, when the
 * agent may not request (or not this tier or action type) or the arguments are
 * malformed (the message names the field, as for a workflow's request). The
 * requester is always the authenticated agent: no argument names another.
 */
export async function requestApproval(
  ctx: AgentApprovalDeps,
  agent: AgentPolicy,
  args: unknown,
  toolCall?: HeldToolCall,
): Promise<RequestApprovalOutcome> {
  if (!agent.mayRequest)
    return { kind: 'refused', reason: 'not_allowed', message: `agent ${agent.name} may not request approvals` };
  const approvalId = newApprovalId();
  let message: ApprovalRequest;
  try {
    message = parseArguments(args, approvalId, agent);
  } catch (e) {
    if (!(e instanceof ChainsecError)) throw e;
    return { kind: 'refused', reason: 'invalid_arguments', message: e.message };
  }
  const refusal = requestRefusal(agent, message.tier, message.proposedAction.type);
  if (refusal) return { kind: 'refused', reason: 'not_allowed', message: refusal };

  const { deps } = ctx;
  const now = deps.clock.now();
  const window = deps.config.policy[message.tier];
  const approval: McpApproval = {
    approvalId,
    agent: agent.name,
    // Derived from the request's token, as for any request without an incident: known before ingest.
    incidentId: requestIncident({ ...message, title: message.title ?? '' }, now).id,
    tier: message.tier,
    requestedAt: now.toISOString(),
    expiresAt: new Date(decisionDeadline(window, now).getTime() + ctx.resultRetentionSeconds * 1000).toISOString(),
    ...(toolCall && { toolCall }),
  };
  // Stored first: a decision is only ever delivered to a request that exists.
  await ctx.approvals.create(approval);
  try {
    // An agent's request over MCP is not the stack's own: its own incident, its tier only raised, and the
    // card says the requester's name was authenticated (see origin.ts).
    await ingestMessage(deps, message, 'mcp_agent');
  } catch (e) {
    // Stored but not shown (Slack down): the sweep posts the card later, so the request stands.
    if (!(await deps.incidents.get(approval.incidentId))) throw e;
    deps.telemetry.warn('agent request stored, card not posted yet; the sweep posts it', {
      incidentId: approval.incidentId,
      error: (e as Error).message,
    });
  }
  deps.telemetry.metric('AgentApprovalsRequested');
  return { kind: 'pending', approval };
}

/**
 * The agent's arguments as the approval request a workflow would publish,
 * parsed by the same parser (bounds, field names in errors, the action's
 * digest as it arrived). Only the argument fields are read: a `requestedBy`,
 * `taskToken` or `incident` among them is ignored.
 * @throws ChainsecError (InvalidInput, PayloadTooLarge) naming the field
 */
function parseArguments(args: unknown, approvalId: string, agent: AgentPolicy): ApprovalRequest {
  const given =
    typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  const picked = Object.fromEntries(ARGUMENT_FIELDS.filter((f) => f in given).map((f) => [f, given[f]]));
  // Checked before rendering: a hostile depth would overflow JSON.stringify, an internal error naming nothing.
  const unstorable = unstorableError(picked);
  if (unstorable) throw unstorable;
  const parsed = parseInbound(
    JSON.stringify({
      ...picked,
      kind: 'approval_request',
      taskToken: mcpTaskToken(approvalId),
      requestedBy: agent.name,
    }),
  );
  // parseInbound answers an approval request for this kind; checked so a change there fails closed.
  if (parsed.kind !== 'approval_request') throw new Error('expected an approval request');
  return parsed;
}

/**
 * The request `approvalId` as its agent may see it; undefined when it is
 * unknown, another agent's, or past its expiry (the three are not told apart,
 * so an id reveals nothing about requests that are not the caller's).
 */
export async function approvalOf(
  ctx: Pick<AgentApprovalDeps, 'approvals' | 'deps'>,
  agent: AgentPolicy,
  approvalId: string,
): Promise<{ approval: McpApproval; status: ApprovalStatus } | undefined> {
  if (!/^apr_[A-Za-z0-9_-]{22}$/.test(approvalId)) return undefined;
  const approval = await ctx.approvals.get(approvalId);
  if (!approval || approval.agent !== agent.name) return undefined;
  if (ctx.deps.clock.now().getTime() >= Date.parse(approval.expiresAt)) return undefined;
  return { approval, status: statusOf(approval) };
}

/** The agent's own requests still readable, newest first (at most `limit`). */
export async function listRequests(
  ctx: Pick<AgentApprovalDeps, 'approvals' | 'deps'>,
  agent: AgentPolicy,
  limit: number,
): Promise<ApprovalStatus[]> {
  const now = ctx.deps.clock.now().getTime();
  const mine = await ctx.approvals.listForAgent(agent.name, limit);
  return mine.filter((a) => a.agent === agent.name && now < Date.parse(a.expiresAt)).map(statusOf);
}
