import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { toJSONSchema } from 'zod/v4/core';
import { ApprovalRequestSchema } from '../domain/messages';
import { ARGUMENT_FIELDS } from '../app/agentApprovals';

/** The tools chainsec's MCP server lists, by name. */
export const ToolName = {
  RequestApproval: 'request_approval',
  GetApproval: 'get_approval',
  VerifyReceipt: 'verify_receipt',
  ListMyRequests: 'list_my_requests',
  /** With the governing proxy: the result of a tool call people approved. */
  GetToolResult: 'get_tool_result',
} as const;

/** How many requests `list_my_requests` answers at most. */
export const MAX_LISTED_REQUESTS = 50;

/**
 * `request_approval`'s input schema: the approval request a workflow sends,
 * less what chainsec sets itself (task token, kind, requester), generated from
 * the parser's zod schema so the two cannot drift.
 */
function requestApprovalInputSchema(): Tool['inputSchema'] {
  const whole = toJSONSchema(ApprovalRequestSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, object>;
  };
  const properties = Object.fromEntries(ARGUMENT_FIELDS.map((f) => [f, whole.properties[f] ?? {}]));
  return { type: 'object', properties, required: ['tier', 'title', 'proposedAction'] };
}

let tools: Tool[] | undefined;

/** Every tool, as `tools/list` answers (built once per container). */
export function approvalTools(): Tool[] {
  tools ??= [
    {
      name: ToolName.RequestApproval,
      title: 'Ask people to approve an action',
      description:
        'Ask the security team, in Slack, to approve one proposed action before you carry it out. ' +
        'Answers at once with status "pending" and an approvalId (poll get_approval), or, called as a task, ' +
        'completes when people decide. Approved: carry out exactly the proposed action. Denied or expired: ' +
        'an error result saying who denied it and why; do not carry it out.',
      inputSchema: requestApprovalInputSchema(),
      execution: { taskSupport: 'optional' },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    {
      name: ToolName.GetApproval,
      title: 'Read a decision',
      description:
        'Where an approval you asked for stands: pending, approved (with the signed receipt), denied or expired ' +
        '(an error result saying who and why).',
      inputSchema: {
        type: 'object',
        properties: { approvalId: { type: 'string', description: 'The approvalId request_approval answered.' } },
        required: ['approvalId'],
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: ToolName.ListMyRequests,
      title: 'List my requests',
      description: 'Your most recent approval requests, newest first, each with its status.',
      inputSchema: {
        type: 'object',
        properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_LISTED_REQUESTS, default: 20 } },
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: ToolName.VerifyReceipt,
      title: 'Check a receipt',
      description:
        "Checks a receipt's signature and expiry and, given the action, that the receipt allows exactly that action.",
      inputSchema: {
        type: 'object',
        properties: {
          receipt: { type: 'object', description: 'The receipt get_approval answered.' },
          action: { type: 'object', description: 'The proposedAction about to be carried out.' },
        },
        required: ['receipt'],
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
  ];
  return tools;
}

/** `get_tool_result`, listed when chainsec governs other MCP servers. */
export function toolResultTool(): Tool {
  return {
    name: ToolName.GetToolResult,
    title: 'Result of a held tool call',
    description:
      'For a call to a governed tool that was held for approval: pending while people decide; once approved, ' +
      'chainsec forwards the call (once, with exactly the approved arguments) and answers the tool result; denied or ' +
      'expired: an error result, and nothing was forwarded.',
    inputSchema: {
      type: 'object',
      properties: { approvalId: { type: 'string', description: 'The approvalId the held call answered.' } },
      required: ['approvalId'],
    },
    annotations: { readOnlyHint: false, openWorldHint: true },
  };
}
