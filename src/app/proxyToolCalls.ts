import { randomBytes } from 'node:crypto';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { actionDigest } from '../domain/actionDigest';
import type { AgentPolicy } from '../domain/agents';
import { GENESIS_HASH, type JsonValue, type LedgerEntry, LedgerEntryType } from '../domain/ledger';
import {
  argumentsDigest,
  decideToolCall,
  proxiedName,
  TOOL_NAME,
  toolCallAction,
  type ToolVerdict,
  type Upstream,
} from '../domain/toolPolicy';
import type { HeldToolCall, McpApproval, ToolCallForward } from '../services/McpApprovals';
import type { ToolCallLedger } from '../services/ToolCallLedger';
import type { UpstreamMcp } from '../services/UpstreamMcp';
import type { AgentApprovalDeps, ApprovalStatus, RequestApprovalOutcome } from './agentApprovals';
import { requestApproval } from './agentApprovals';
import { type EntryDraft, sealEntries } from './ledgerWriter';

/**
 * The governing proxy: chainsec in front of other MCP servers. An agent's
 * call to `<server>__<tool>` is decided by the upstream's rules
 * (src/domain/toolPolicy.ts): `allow` forwards it at once, `approve` holds it
 * for people as a request like any other, `refuse` forwards nothing. Every
 * call is recorded in the ledger as its own short chain (`tool_call`, then
 * `tool_call_result` once the upstream answered). A call is never retried:
 * an upstream failure is reported and recorded, and an approved call is
 * forwarded at most once (a conditional write claims it first).
 */

/** What the proxy needs beyond the MCP server's ports. */
export interface ToolProxyDeps {
  upstreams: Upstream[];
  upstreamMcp: UpstreamMcp;
  toolCalls: ToolCallLedger;
}

type ProxyContext = AgentApprovalDeps & { proxy: ToolProxyDeps };

/** Bytes of arguments a proxied call may carry (JSON). */
export const MAX_ARGUMENT_BYTES = 64 * 1024;
/** Bytes of an upstream result kept for the agent to read again. */
const MAX_KEPT_RESULT_BYTES = 256 * 1024;
/** Characters of an upstream failure message recorded and reported. */
const MAX_FAILURE_CHARS = 500;

const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/**
 * Every upstream's tools under their proxied names (`<server>__<tool>`), each
 * description saying chainsec governs it. Tools whose names are not plain
 * tool names are left out; an upstream that cannot be reached lists nothing
 * (and is logged), the others still list.
 */
export async function listProxiedTools(ctx: ProxyContext): Promise<Tool[]> {
  const lists = await Promise.all(
    ctx.proxy.upstreams.map(async (upstream) => {
      try {
        const tools = await ctx.proxy.upstreamMcp.listTools(upstream);
        return tools
          .filter((t) => TOOL_NAME.test(t.name))
          .map(({ execution: _e, outputSchema: _o, ...t }) => ({
            ...t,
            name: proxiedName(upstream.name, t.name),
            description:
              `[${upstream.name}, governed by chainsec: may be refused or held for people's approval] ${t.description ?? ''}`.trim(),
            // No output schema: a held call answers its approval's status first, not the tool's output.
            // A call that can be held may be made as a task (it completes once people decided and it ran).
            ...(mayBeHeld(upstream, t.name) && { execution: { taskSupport: 'optional' as const } }),
          }));
      } catch (e) {
        ctx.deps.telemetry.warn('upstream MCP server did not list its tools', {
          upstream: upstream.name,
          error: (e as Error).message,
        });
        return [];
      }
    }),
  );
  return lists.flat();
}

/** Whether some `approve` rule can match calls to `tool` (then it can be made as a task). */
const mayBeHeld = (upstream: Upstream, tool: string): boolean =>
  upstream.rules.some(
    (r) => r.decision === 'approve' && (r.tool.endsWith('*') ? tool.startsWith(r.tool.slice(0, -1)) : r.tool === tool),
  );

/** How a proxied call ended at once: a result for the agent, or a request people now decide. */
export type ProxyOutcome = { kind: 'result'; result: CallToolResult } | RequestApprovalOutcome;

/**
 * An agent calls `tool` of `upstream` through the proxy. The arguments must
 * be a JSON object within {@link MAX_ARGUMENT_BYTES}. Refused: a tool error
 * naming the rule, nothing forwarded. Allowed: recorded, then forwarded once;
 * the upstream's result (or failure, as a tool error) is the answer.
 * Approve: a request for people (card, votes, ledger, receipt) whose proposed
 * action is the exact call. As a task (`asTask`), only a held call runs: one
 * decided at once is answered with an error and nothing is forwarded.
 * @throws when the ledger cannot record an allowed call: nothing is forwarded then
 */
export async function callProxiedTool(
  ctx: ProxyContext,
  agent: AgentPolicy,
  upstream: Upstream,
  tool: string,
  given: unknown,
  asTask = false,
): Promise<ProxyOutcome> {
  const args = given ?? {};
  if (typeof args !== 'object' || Array.isArray(args))
    return { kind: 'result', result: errorResult('invalid arguments: arguments: an object is required') };
  const bytes = Buffer.byteLength(JSON.stringify(args), 'utf8');
  if (bytes > MAX_ARGUMENT_BYTES)
    return {
      kind: 'result',
      result: errorResult(`invalid arguments: arguments: ${bytes} bytes, over the ${MAX_ARGUMENT_BYTES} allowed`),
    };
  const call = { server: upstream.name, tool, arguments: args as Record<string, unknown> };
  const verdict = decideToolCall(upstream, tool, call.arguments);
  const chain = newChainId();
  const named = proxiedName(upstream.name, tool);

  // A task stands for a held call only: a call that would pass at once is not run as a task (nothing forwarded).
  if (asTask && verdict.decision === 'allow')
    return {
      kind: 'result',
      result: errorResult(
        `${printable(named)} is not held for approval (rule ${verdict.rule}: ${verdict.decision}): call it without a task; nothing was forwarded.`,
      ),
    };
  if (verdict.decision === 'refuse') {
    await record(ctx, chain, [callDraft(ctx, agent, call, { verdict: 'refuse', rule: verdict.rule })]);
    ctx.deps.telemetry.metric('ProxiedCallsRefused');
    return {
      kind: 'result',
      result: errorResult(
        `${printable(named)} refused by chainsec's tool policy (rule ${verdict.rule}); nothing was forwarded.`,
      ),
    };
  }
  if (verdict.decision === 'allow') {
    const head = await record(ctx, chain, [callDraft(ctx, agent, call, { verdict: 'allow', rule: verdict.rule })]);
    ctx.deps.telemetry.metric('ProxiedCallsAllowed');
    const { result } = await forward(ctx, upstream, call, chain, head);
    return { kind: 'result', result };
  }
  const held: HeldToolCall = { ...call, rule: verdict.rule };
  return requestApproval(
    ctx,
    agent,
    {
      tier: (verdict as Extract<ToolVerdict, { decision: 'approve' }>).tier,
      title: `Tool call ${tool} on MCP server ${upstream.name}`,
      proposedAction: toolCallAction(upstream.name, tool, call.arguments),
      reasoning: `chainsec's tool policy (rule ${verdict.rule}) holds this call to the MCP server "${upstream.name}" for people: it is forwarded, once, with exactly these arguments only if approved.`,
    },
    held,
  );
}

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

/** Calls the upstream once and records what came back. */
async function forward(
  ctx: ProxyContext,
  upstream: Upstream,
  call: { tool: string; arguments: Record<string, unknown> },
  chain: string,
  head: { seq: number; hash: string },
): Promise<{ result: CallToolResult; failure?: string }> {
  const at = () => ctx.deps.clock.now().toISOString();
  try {
    const result = await ctx.proxy.upstreamMcp.callTool(upstream, call.tool, call.arguments);
    await record(
      ctx,
      chain,
      [
        {
          type: LedgerEntryType.ToolCallResult,
          actor: 'chainsec',
          at: at(),
          outcome: result.isError ? 'tool_error' : 'ok',
          resultDigest: argumentsDigest(result as Record<string, unknown>),
        },
      ],
      head,
    );
    return { result };
  } catch (e) {
    const failure = `the MCP server "${upstream.name}" failed: ${printable((e as Error).message).slice(0, MAX_FAILURE_CHARS)}. The call is not retried.`;
    ctx.deps.telemetry.warn('proxied tool call failed upstream', { upstream: upstream.name, error: failure });
    await record(
      ctx,
      chain,
      [{ type: LedgerEntryType.ToolCallResult, actor: 'chainsec', at: at(), outcome: 'failed', error: failure }],
      head,
    ).catch((le: unknown) =>
      ctx.deps.telemetry.error('tool call failure not recorded', { chain, error: (le as Error).message }),
    );
    return { result: errorResult(failure), failure };
  }
}

/** The `tool_call` entry of a call: who called what, with which arguments (by digest), and what decided. */
function callDraft(
  ctx: AgentApprovalDeps,
  agent: AgentPolicy,
  call: { server: string; tool: string; arguments: Record<string, unknown> },
  decided: { verdict: string; rule: string; [extra: string]: JsonValue },
): EntryDraft {
  return {
    type: LedgerEntryType.ToolCall,
    actor: 'chainsec',
    at: ctx.deps.clock.now().toISOString(),
    agent: agent.name,
    server: call.server,
    // Names are stored only when plain (the policy refuses others unread): the ledger holds nothing hostile.
    tool: TOOL_NAME.test(call.tool) ? call.tool : `(not a tool name: ${call.tool.length} characters)`,
    argumentsDigest: argumentsDigest(call.arguments),
    ...decided,
  };
}

/** Seals drafts after `head` (a new chain by default) and writes them; answers the new head. */
async function record(
  ctx: ProxyContext,
  chain: string,
  drafts: EntryDraft[],
  head: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): Promise<{ seq: number; hash: string }> {
  const entries: LedgerEntry[] = await sealEntries(ctx.deps.signer, chain, head, drafts);
  for (const e of entries) await ctx.proxy.toolCalls.append(e);
  const last = entries.at(-1)!;
  return { seq: last.seq, hash: last.hash };
}

/** A fresh chain id for one proxied call. */
const newChainId = (): string => `toolcall-${randomBytes(12).toString('base64url')}`;

/** Text safe to quote to an agent: control characters dropped, bounded. */
const printable = (s: string): string => s.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 200);
