import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { APPROVALS_CHANNEL, APPROVER_1 } from '../../sandbox/identities';
import { eventually } from './localAws';
import type { RecordedMessage } from '../../sandbox/local/MessageStore';
import type { Harness } from './sandboxHarness';

/** A tool result as the tests read it. */
export type ToolResult = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
};

/**
 * The sandbox's agents as official SDK clients over `POST /mcp`, each with
 * its bearer token from `GET /sandbox/info`. Call inside a `describe`: the
 * clients are closed after its tests.
 */
export function useMcpAgents(h: Harness): (name: string) => Promise<Client> {
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });
  return async (name) => {
    const { mcp } = (
      await h.json<{ mcp: { url: string; agents: Array<{ name: string; token: string }> } }>('GET', '/sandbox/info')
    ).body;
    const token = mcp.agents.find((a) => a.name === name)!.token;
    const client = new Client({ name: `test-${name}`, version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.url), {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };
}

/** A held call people approved: its ids and its card. */
export interface ApprovedCall {
  approvalId: string;
  incidentId: string;
  card: RecordedMessage;
}

/**
 * Makes a call the upstream's rules hold for people, approves it with one
 * click on its card, and waits until the agent reads it as approved.
 */
export async function approvedHeldCall(
  h: Harness,
  agent: Client,
  tool: string,
  args: Record<string, unknown>,
): Promise<ApprovedCall> {
  const held = (await agent.callTool({ name: tool, arguments: args })) as ToolResult;
  const { approvalId, incidentId } = held.structuredContent as { approvalId: string; incidentId: string };
  const card = await h.waitForMessage(incidentId, { channel: APPROVALS_CHANNEL, kind: 'message' });
  await h.click({ user: APPROVER_1, actionId: 'chainsec_approve', value: incidentId, messageTs: card.ts });
  await eventually(async () => {
    const r = (await agent.callTool({ name: 'get_approval', arguments: { approvalId } })) as ToolResult;
    return r.structuredContent?.status === 'approved' ? true : undefined;
  });
  return { approvalId, incidentId, card };
}

/**
 * Makes a held call as an MCP task, decides it with one click on its card
 * (`chainsec_approve` by default, or `chainsec_deny`), waits until the task
 * leaves `working`, and reads its result.
 */
export async function decidedHeldTask(
  h: Harness,
  agent: Client,
  tool: string,
  args: Record<string, unknown>,
  decision: 'chainsec_approve' | 'chainsec_deny' = 'chainsec_approve',
): Promise<{ taskId: string; createdStatus: string; incidentId: string; card: RecordedMessage; result: ToolResult }> {
  const created = await agent.request(
    { method: 'tools/call', params: { name: tool, arguments: args, task: {} } },
    CreateTaskResultSchema,
  );
  const { taskId } = created.task;
  const status = await agent.callTool({ name: 'get_approval', arguments: { approvalId: taskId } });
  const incidentId = (status.structuredContent as { incidentId: string }).incidentId;
  const card = await h.waitForMessage(incidentId, { channel: APPROVALS_CHANNEL, kind: 'message' });
  await h.click({ user: APPROVER_1, actionId: decision, value: incidentId, messageTs: card.ts });
  await eventually(
    async () => ((await agent.experimental.tasks.getTask(taskId)).status === 'working' ? undefined : true),
    20_000,
    100,
  );
  const result = (await agent.experimental.tasks.getTaskResult(taskId, CallToolResultSchema)) as ToolResult;
  return { taskId, createdStatus: created.task.status, incidentId, card, result };
}

/** {@link decidedHeldTask}, approved. */
export const approvedHeldTask = (h: Harness, agent: Client, tool: string, args: Record<string, unknown>) =>
  decidedHeldTask(h, agent, tool, args);

/**
 * Asks `tool` (`get_approval`, or `get_tool_result` for a held call) about
 * `approvalId` until the answer is no longer pending; answers the last one.
 */
export function noLongerPending(
  agent: Client,
  tool: 'get_approval' | 'get_tool_result',
  approvalId: string,
): Promise<ToolResult> {
  return eventually(
    async () => {
      const r = (await agent.callTool({ name: tool, arguments: { approvalId } })) as ToolResult;
      return r.structuredContent?.status === 'pending' ? undefined : r;
    },
    20_000,
    100,
  );
}
