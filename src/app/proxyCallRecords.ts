import { randomBytes } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, UpstreamCredentialsError, UpstreamResultUnreadableError } from '../errors';
import type { AgentPolicy } from '../domain/agents';
import { GENESIS_HASH, type JsonValue, type LedgerEntry, LedgerEntryType } from '../domain/ledger';
import { argumentsDigest, TOOL_NAME, type Upstream } from '../domain/toolPolicy';
import type { AgentApprovalDeps, ToolProxyDeps } from './mcpDeps';
import { type EntryDraft, sealEntries } from './ledgerWriter';

/**
 * What the governing proxy's two use cases share (a call decided at once, in
 * proxyToolCalls.ts, and a held call once approved, in heldToolCalls.ts):
 * each call is its own short ledger chain (`tool_call`, then
 * `tool_call_result` once the upstream answered), and a call is forwarded
 * once, never retried: an upstream failure is reported and recorded.
 */

export type ProxyContext = AgentApprovalDeps & { proxy: ToolProxyDeps };

/** Bytes of arguments a proxied call may carry (JSON). */
export const MAX_ARGUMENT_BYTES = 64 * 1024;
/** Characters of an upstream failure message recorded and reported. */
const MAX_FAILURE_CHARS = 500;

export const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/**
 * Calls the upstream once and records what came back. A result the ledger
 * cannot take, or one it cannot digest (nested too deeply), is withheld: the
 * agent is told the call ran once (so it does not call again thinking it
 * failed) and gets nothing the ledger cannot vouch for.
 */
export async function forward(
  ctx: ProxyContext,
  agent: AgentPolicy,
  upstream: Upstream,
  call: { tool: string; arguments: Record<string, unknown> },
  chain: string,
  head: { seq: number; hash: string },
): Promise<{ result: CallToolResult; failure?: string }> {
  const at = () => ctx.deps.clock.now().toISOString();
  let result: CallToolResult;
  let resultDigest: string;
  try {
    result = await ctx.proxy.upstreamMcp.callTool(upstream, call.tool, call.arguments, agent.name);
    resultDigest = digestOf(upstream, result);
  } catch (e) {
    const failure = failureText(upstream, e);
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
  try {
    await record(
      ctx,
      chain,
      [
        {
          type: LedgerEntryType.ToolCallResult,
          actor: 'chainsec',
          at: at(),
          outcome: result.isError ? 'tool_error' : 'ok',
          resultDigest,
        },
      ],
      head,
    );
  } catch (e) {
    ctx.deps.telemetry.error('tool call result not recorded', { chain, error: (e as Error).message });
    ctx.deps.telemetry.metric('ToolCallResultsUnrecorded');
    const failure = `the call ran once on the MCP server "${upstream.name}", but chainsec could not record its result (${ErrorCode.LedgerUnavailable}), so the result is withheld. The call is not retried.`;
    return { result: errorResult(failure), failure };
  }
  return { result };
}

/** What the agent is told, and the ledger records, of a forward that did not answer a usable result. */
function failureText(upstream: Upstream, e: unknown): string {
  if (e instanceof UpstreamCredentialsError)
    return `${printable(e.message)} (${e.code}): nothing was sent to it. The call is not retried.`;
  if (e instanceof UpstreamResultUnreadableError)
    return `the call ran once on the MCP server "${upstream.name}", but ${printable(e.message)} (${e.code}), so it is withheld. The call is not retried.`;
  return `the MCP server "${upstream.name}" failed: ${printable((e as Error).message).slice(0, MAX_FAILURE_CHARS)}. The call is not retried.`;
}

/**
 * The digest the ledger records of `result`. Canonical JSON recurses: a
 * result nested too deeply would overflow it, which is the result's fault,
 * not the ledger's (never reported as a ledger outage, never alarming as one).
 */
function digestOf(upstream: Upstream, result: CallToolResult): string {
  try {
    return argumentsDigest(result as Record<string, unknown>);
  } catch (e) {
    throw new UpstreamResultUnreadableError(upstream.name, 'is nested deeper than chainsec can digest', { cause: e });
  }
}

/** The `tool_call` entry of a call: who called what, with which arguments (by digest), and what decided. */
export function callDraft(
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
export async function record(
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
export const newChainId = (): string => `toolcall-${randomBytes(12).toString('base64url')}`;

/** Text safe to quote to an agent: control characters dropped, bounded. */
export const printable = (s: string): string => s.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 200);
