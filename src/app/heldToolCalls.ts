import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AgentPolicy } from '../domain/agents';
import type { Receipt } from '../domain/receipt';
import { storableProblem } from '../domain/storableJson';
import { decideToolCall, proxiedName, toolCallAction } from '../domain/toolPolicy';
import { ErrorCode, ReceiptRejectedError } from '../errors';
import { checkOwnReceipt } from './ownReceipts';
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
 * on another instance) is reported, not repeated. Forwarded only as an
 * executor would run an approved action ({@link receiptAllowing}).
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
  // The stack's policy now, not when people were asked: a tool an operator has since refused is not called.
  const policy = decideToolCall(upstream, held.tool, held.arguments);
  if (policy.decision === 'refuse')
    return errorResult(
      `${proxiedName(held.server, held.tool)} is refused by chainsec's tool policy now (rule ${policy.rule}); nothing was forwarded.`,
    );
  const allowed = await receiptAllowing(ctx, approval, status, toolCallAction(held.server, held.tool, held.arguments));
  if ('refused' in allowed) {
    ctx.deps.telemetry.warn('approved tool call not forwarded', {
      approvalId: approval.approvalId,
      why: allowed.refused,
    });
    return errorResult(`${allowed.refused}; nothing was forwarded.`);
  }
  const { receipt } = allowed;

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
      actionDigest: receipt.actionDigest,
      decidedBy: receipt.decidedBy,
    }),
  ]);
  const { result, failure } = await forward(proxy, agent, upstream, held, claim.chain, head);
  await ctx.approvals.finishForward(
    approval.approvalId,
    JSON.parse(
      JSON.stringify({ ...claim, ...(failure === undefined ? { result: keptResult(result) } : { failure }) }),
    ) as ToolCallForward,
  );
  return result;
}

/**
 * What is kept of a result for the agent to read again: the result, unless
 * it is too large or the store cannot keep it exactly (a number past 2^53,
 * such as a nanosecond timestamp, deep nesting): then a note that it was
 * returned once. Kept as it is, such a result would fail the write that
 * finishes the call, and the agent would lose the result people approved.
 */
function keptResult(result: CallToolResult): CallToolResult {
  const bytes = Buffer.byteLength(JSON.stringify(result), 'utf8');
  if (bytes > MAX_KEPT_RESULT_BYTES)
    return errorResult(
      `the upstream's result was over ${MAX_KEPT_RESULT_BYTES} bytes and is not kept; it was returned once.`,
    );
  const unstorable = storableProblem(result);
  if (unstorable)
    return errorResult(
      `the upstream's result cannot be stored as it is (${unstorable}) and is not kept; it was returned once.`,
    );
  return result;
}

/**
 * The receipt that allows forwarding the held call now, or why nothing is
 * forwarded: chainsec checks the decision as an executor checks one before it
 * runs an approved action. A dry-run decision runs nothing (people approved
 * knowing so). Otherwise its receipt must be signed with the stack's key, of
 * this request, an approve, unexpired (an approval is acted on within the
 * receipt's lifetime, or not at all: ask again) and bound to exactly `action`.
 */
async function receiptAllowing(
  ctx: AgentApprovalDeps,
  approval: McpApproval,
  status: ApprovalStatus,
  action: ReturnType<typeof toolCallAction>,
): Promise<{ receipt: Receipt } | { refused: string }> {
  const other = { refused: 'the decision does not allow exactly this call' };
  if (status.status !== 'approved' || !status.receipt) return other;
  if (approval.outcome?.dryRun) return { refused: 'it was approved in dry run, where nothing runs' };
  try {
    const receipt = await checkOwnReceipt(ctx.deps, status.receipt, action);
    return receipt.incidentId === approval.incidentId && receipt.decision === 'approve' ? { receipt } : other;
  } catch (e) {
    if (!(e instanceof ReceiptRejectedError)) throw e;
    const again = e.code === ErrorCode.ReceiptExpired ? ' (call the tool again to ask people again)' : '';
    return { refused: `the approval's receipt does not allow it: ${e.message}${again}` };
  }
}

function forwardedResult(f: ToolCallForward): CallToolResult {
  if (f.result) return f.result;
  if (f.failure !== undefined) return errorResult(f.failure);
  return errorResult(
    `the approved call was forwarded at ${f.claimedAt}, and its outcome is not recorded (still running, or lost); it is never forwarded again.`,
  );
}
