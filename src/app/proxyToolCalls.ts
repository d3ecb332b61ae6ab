import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { AgentPolicy } from '../domain/agents';
import {
  decideToolCall,
  mayBeHeld,
  proxiedName,
  TOOL_NAME,
  toolCallAction,
  type ToolVerdict,
  type Upstream,
} from '../domain/toolPolicy';
import type { HeldToolCall } from '../services/McpApprovals';
import type { RequestApprovalOutcome } from './agentApprovals';
import { requestApproval } from './agentApprovals';
import {
  callDraft,
  errorResult,
  forward,
  MAX_ARGUMENT_BYTES,
  newChainId,
  printable,
  type ProxyContext,
  record,
} from './proxyCallRecords';

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

/**
 * Every upstream's tools under their proxied names (`<server>__<tool>`), each
 * description saying chainsec governs it. Tools whose names are not plain
 * tool names are left out; an upstream that cannot be reached lists nothing
 * (and is logged), the others still list.
 */
export async function listProxiedTools(ctx: ProxyContext, agent: AgentPolicy): Promise<Tool[]> {
  const lists = await Promise.all(
    ctx.proxy.upstreams.map(async (upstream) => {
      try {
        const tools = await ctx.proxy.upstreamMcp.listTools(upstream, agent.name);
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
    const { result } = await forward(ctx, agent, upstream, call, chain, head);
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
