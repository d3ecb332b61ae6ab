import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  type CreateTaskResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { approvalOf, listRequests, type RequestApprovalOutcome, requestApproval } from '../app/agentApprovals';
import { type ApprovalStatus, statusOf } from '../app/approvalStatus';
import type { AgentApprovalDeps } from '../app/mcpDeps';
import { toolCallResult } from '../app/heldToolCalls';
import { checkOwnReceipt } from '../app/ownReceipts';
import { callProxiedTool, listProxiedTools } from '../app/proxyToolCalls';
import { splitProxiedName } from '../domain/toolPolicy';
import type { AgentPolicy } from '../domain/agents';
import { ChainsecError } from '../errors';
import { agentFacing } from './agentFacingErrors';
import { AgentTaskStore, taskOf } from './AgentTaskStore';
import { approvalTools, MAX_LISTED_REQUESTS, ToolName, toolResultTool } from './approvalTools';
import { errorResult, NO_SUCH_APPROVAL, statusResult } from './toolResults';

/** The server's name and version, as `initialize` answers. */
const SERVER_INFO = { name: 'chainsec', version: '0.1.0' };

/**
 * One JSON Schema validator for every request's server: the SDK builds a
 * fresh Ajv instance per server otherwise, a third of a millisecond of CPU on
 * every stateless request (the proxy's allowed calls included).
 */
const SCHEMA_VALIDATOR = new AjvJsonSchemaValidator();

/**
 * chainsec's MCP server for one authenticated agent and one HTTP request
 * (stateless: every state lives in DynamoDB). Tools: `request_approval`
 * (plain or as an MCP task), `get_approval`, `verify_receipt`; tasks:
 * `tasks/get` and `tasks/result` over the agent's requests.
 */
export function chainsecMcpServer(ctx: AgentApprovalDeps, agent: AgentPolicy): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {}, tasks: { requests: { tools: { call: {} } } } },
    jsonSchemaValidator: SCHEMA_VALIDATOR,
    taskStore: new AgentTaskStore(ctx, agent, (found) => toolCallResult(ctx, agent, found.approval, found.status)),
    instructions:
      'chainsec asks people in Slack to decide before you carry out an irreversible action. Call request_approval, ' +
      'then wait for the decision (as a task, or by polling get_approval). Never carry out a denied or expired action.',
  });
  const proxy = ctx.proxy;
  const { telemetry } = ctx.deps;
  server.setRequestHandler(ListToolsRequestSchema, () =>
    agentFacing(telemetry, 'tools/list', async () => ({
      tools: [
        ...approvalTools(),
        ...(proxy ? [toolResultTool()] : []),
        ...(proxy ? await listProxiedTools({ ...ctx, proxy }, agent) : []),
      ],
    })),
  );
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    agentFacing(telemetry, 'tools/call', () => callTool(ctx, agent, request.params)),
  );
  return server;
}

/** One `tools/call` of `agent`: a proxied tool, or one of chainsec's own. */
async function callTool(
  ctx: AgentApprovalDeps,
  agent: AgentPolicy,
  params: CallToolRequest['params'],
): Promise<CallToolResult | CreateTaskResult> {
  const proxy = ctx.proxy;
  const { name, arguments: args, task } = params;
  const proxied = proxy && splitProxiedName(proxy.upstreams, name);
  if (proxied) {
    const outcome = await callProxiedTool(
      { ...ctx, proxy },
      agent,
      proxied.upstream,
      proxied.tool,
      args,
      task !== undefined,
    );
    if (outcome.kind === 'result') {
      if (task) throw new McpError(ErrorCode.InvalidParams, textOf(outcome.result));
      return outcome.result;
    }
    return requestAnswer(outcome, task !== undefined, heldResult);
  }
  if (name === ToolName.RequestApproval)
    return requestAnswer(await requestApproval(ctx, agent, args), task !== undefined, statusResult);
  if (task) throw new McpError(ErrorCode.InvalidParams, `tool ${name} does not run as a task`);
  if (name === ToolName.GetApproval) return getApproval(ctx, agent, args);
  if (name === ToolName.VerifyReceipt) return checkReceipt(ctx, args);
  if (name === ToolName.ListMyRequests) return listMine(ctx, agent, args);
  if (name === ToolName.GetToolResult && proxy) return getToolResult(ctx, agent, args);
  throw new McpError(ErrorCode.InvalidParams, `Tool ${String(name).slice(0, 100)} not found`);
}

async function getApproval(ctx: AgentApprovalDeps, agent: AgentPolicy, args: unknown): Promise<CallToolResult> {
  const approvalId = (args as { approvalId?: unknown } | undefined)?.approvalId;
  if (typeof approvalId !== 'string' || approvalId.length === 0)
    return errorResult('invalid arguments: approvalId: a non-empty string is required');
  const found = await approvalOf(ctx, agent, approvalId);
  return found ? statusResult(found.status) : errorResult(NO_SUCH_APPROVAL);
}

/**
 * What a call that asked people answers: as a task, the request's task (or a
 * JSON-RPC error when refused); plain, `answer` of its status (or a tool
 * error the model reads when refused).
 */
function requestAnswer(
  outcome: RequestApprovalOutcome,
  asTask: boolean,
  answer: (status: ApprovalStatus) => CallToolResult,
): CallToolResult | CreateTaskResult {
  if (outcome.kind === 'refused') {
    if (asTask) throw new McpError(ErrorCode.InvalidParams, outcome.message);
    return errorResult(outcome.message);
  }
  const status = statusOf(outcome.approval);
  return asTask ? { task: taskOf(outcome.approval, status) } : answer(status);
}

/** A held call's answer: the request's status, and where its result will be. */
function heldResult(status: ApprovalStatus): CallToolResult {
  return {
    content: [
      {
        type: 'text',
        text: `This call is held for people's approval (approval ${status.approvalId}, incident ${status.incidentId}). Ask get_tool_result with this approvalId: once approved it forwards the call, once, and answers its result.`,
      },
    ],
    structuredContent: { ...status },
  };
}

async function getToolResult(ctx: AgentApprovalDeps, agent: AgentPolicy, args: unknown): Promise<CallToolResult> {
  const approvalId = (args as { approvalId?: unknown } | undefined)?.approvalId;
  if (typeof approvalId !== 'string' || approvalId.length === 0)
    return errorResult('invalid arguments: approvalId: a non-empty string is required');
  const found = await approvalOf(ctx, agent, approvalId);
  if (!found?.approval.toolCall) return errorResult(NO_SUCH_APPROVAL);
  if (found.status.status !== 'approved') return statusResult(found.status);
  return toolCallResult(ctx, agent, found.approval, found.status);
}

const textOf = (r: CallToolResult): string =>
  r.content
    .map((c) => (c.type === 'text' ? c.text : ''))
    .join(' ')
    .slice(0, 1000);

async function listMine(ctx: AgentApprovalDeps, agent: AgentPolicy, args: unknown): Promise<CallToolResult> {
  const limit = (args as { limit?: unknown } | undefined)?.limit ?? 20;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LISTED_REQUESTS)
    return errorResult(`invalid arguments: limit: an integer from 1 to ${MAX_LISTED_REQUESTS}`);
  const requests = await listRequests(ctx, agent, limit);
  const text =
    requests.length === 0
      ? 'You have no approval requests.'
      : requests.map((r) => `${r.approvalId} (incident ${r.incidentId}): ${r.status}`).join('\n');
  return { content: [{ type: 'text', text }], structuredContent: { requests } };
}

async function checkReceipt(ctx: AgentApprovalDeps, args: unknown): Promise<CallToolResult> {
  const given = (args ?? {}) as { receipt?: unknown; action?: unknown };
  if (typeof given.receipt !== 'object' || given.receipt === null)
    return errorResult('invalid arguments: receipt: an object is required');
  try {
    const receipt = await checkOwnReceipt(ctx.deps, given.receipt, given.action);
    const text = `OK: the receipt of incident ${receipt.incidentId} holds (${receipt.decision} by ${receipt.decidedBy.join(' and ')}, valid until ${receipt.expiresAt})${given.action === undefined ? '' : ' and allows this action'}.`;
    return { content: [{ type: 'text', text }], structuredContent: { valid: true, receipt } };
  } catch (e) {
    if (!(e instanceof ChainsecError)) throw e;
    return {
      content: [{ type: 'text', text: `FAIL: ${e.message}` }],
      structuredContent: { valid: false, code: e.code, reason: e.message },
      isError: true,
    };
  }
}
