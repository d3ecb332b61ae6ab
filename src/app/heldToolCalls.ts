import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { actionDigest } from '../domain/actionDigest';
import type { AgentPolicy } from '../domain/agents';
import { toolCallAction } from '../domain/toolPolicy';
import type { McpApproval, ToolCallForward } from '../services/McpApprovals';
import type { ApprovalStatus } from './approvalStatus';
import type { AgentApprovalDeps } from './mcpDeps';
import { callDraft, errorResult, forward, newChainId, record } from './proxyCallRecords';

/** Bytes of an upstream result kept for the agent to read again. */
const MAX_KEPT_RESULT_BYTES = 256 * 1024;

/**
 * The result of an approved tool call: forwarded now by the one caller that
 * claims it, or the outcome already recorded. Never forwards twice: a claim
 * whose outcome was never recorded (a crash mid-call, or a call still running
 * on another instance) is reported, not repeated. Forwarded only when the
 * decision's receipt allows exactly the held call (its `actionDigest`).
 */
export async function toolCallResult(
  ctx: AgentApprovalDeps,
  agent: AgentPolicy,
  approval: McpApproval,
  status: ApprovalStatus,
): Promise<CallToolResult> {
  const held = approval.toolCall!;
  const upstream = ctx.proxy?.upstreams.find((u) => u.name === held.server);
  if (approval.forward) return forwardedResult(approval.forward);
  if (!ctx.proxy || !upstream)
    return errorResult(`the MCP server "${held.server}" is no longer configured; nothing was forwarded.`);
  const proxy = { ...ctx, proxy: ctx.proxy };
  const digest = actionDigest(toolCallAction(held.server, held.tool, held.arguments));
  if (status.status !== 'approved' || status.receipt?.actionDigest !== digest)
    return errorResult('the decision does not allow exactly this call; nothing was forwarded.');

  const claim: ToolCallForward = { claimedAt: ctx.deps.clock.now().toISOString(), chain: newChainId() };
  if (!(await ctx.approvals.claimForward(approval.approvalId, claim))) {
    const now = await ctx.approvals.get(approval.approvalId);
    return forwardedResult(now?.forward ?? claim);
  }
  const head = await record(proxy, claim.chain, [
    callDraft(proxy, agent, held, {
      verdict: 'approved',
      rule: held.rule,
      approvalIncidentId: approval.incidentId,
      actionDigest: digest,
      decidedBy: status.decidedBy ?? [],
    }),
  ]);
  const { result, failure } = await forward(proxy, upstream, held, claim.chain, head);
  const kept = Buffer.byteLength(JSON.stringify(result), 'utf8') <= MAX_KEPT_RESULT_BYTES;
  await ctx.approvals.finishForward(
    approval.approvalId,
    JSON.parse(
      JSON.stringify({
        ...claim,
        ...(failure === undefined
          ? {
              result: kept
                ? result
                : errorResult(
                    `the upstream's result was over ${MAX_KEPT_RESULT_BYTES} bytes and is not kept; it was returned once.`,
                  ),
            }
          : { failure }),
      }),
    ) as ToolCallForward,
  );
  return result;
}

function forwardedResult(f: ToolCallForward): CallToolResult {
  if (f.result) return f.result;
  if (f.failure !== undefined) return errorResult(f.failure);
  return errorResult(
    `the approved call was forwarded at ${f.claimedAt}, and its outcome is not recorded (still running, or lost); it is never forwarded again.`,
  );
}
