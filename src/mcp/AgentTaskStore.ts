import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import { ErrorCode, McpError, type Result, type Task } from '@modelcontextprotocol/sdk/types.js';
import { approvalOf } from '../app/agentApprovals';
import type { ApprovalStatus } from '../app/approvalStatus';
import type { AgentApprovalDeps } from '../app/mcpDeps';
import type { AgentPolicy } from '../domain/agents';
import type { McpApproval } from '../services/McpApprovals';
import { NO_SUCH_APPROVAL, statusResult } from './toolResults';
import { agentFacing } from './agentFacingErrors';

/** How often a client should poll a request's task, in milliseconds. */
export const TASK_POLL_INTERVAL_MS = 2000;

/** The MCP task of a request: `working` while people decide, then `completed` (its result says how). */
export function taskOf(approval: McpApproval, status: ApprovalStatus): Task {
  return {
    taskId: approval.approvalId,
    status: status.status === 'pending' ? 'working' : 'completed',
    ttl: Date.parse(approval.expiresAt) - Date.parse(approval.requestedAt),
    createdAt: approval.requestedAt,
    lastUpdatedAt: status.decidedAt ?? approval.requestedAt,
    pollInterval: TASK_POLL_INTERVAL_MS,
    statusMessage: status.status === 'pending' ? 'waiting for people to decide' : status.status,
  };
}

/**
 * The SDK's task store, for one authenticated agent, over the requests in
 * DynamoDB: a task is a request (`taskId` = `approvalId`), so any instance
 * answers `tasks/get` and `tasks/result`. Another agent's, an unknown or an
 * expired task is "not found", alike. Tasks are created by `request_approval`
 * only, and people, not agents, end them: no cancel, no result stored here.
 */
export class AgentTaskStore implements TaskStore {
  public constructor(
    private readonly ctx: Pick<AgentApprovalDeps, 'approvals' | 'deps'>,
    private readonly agent: AgentPolicy,
    /** The result of an approved tool call held by the governing proxy (forwarded once). */
    private readonly toolResult?: (found: { approval: McpApproval; status: ApprovalStatus }) => Promise<Result>,
  ) {}

  public createTask(_params: CreateTaskOptions): Promise<Task> {
    return Promise.reject(new McpError(ErrorCode.InvalidRequest, 'tasks are created by request_approval only'));
  }

  public getTask(taskId: string): Promise<Task | null> {
    return agentFacing(this.ctx.deps.telemetry, 'tasks/get', async () => {
      const found = await approvalOf(this.ctx, this.agent, taskId);
      return found ? taskOf(found.approval, found.status) : null;
    });
  }

  public getTaskResult(taskId: string): Promise<Result> {
    return agentFacing(this.ctx.deps.telemetry, 'tasks/result', async () => {
      const found = await approvalOf(this.ctx, this.agent, taskId);
      if (!found) throw new McpError(ErrorCode.InvalidParams, NO_SUCH_APPROVAL);
      if (found.approval.toolCall && found.status.status === 'approved' && this.toolResult)
        return this.toolResult(found);
      return statusResult(found.status);
    });
  }

  public storeTaskResult(): Promise<void> {
    return Promise.reject(
      new McpError(ErrorCode.InvalidRequest, 'a request is decided by people, not stored by a client'),
    );
  }

  public updateTaskStatus(): Promise<void> {
    return Promise.reject(
      new McpError(ErrorCode.InvalidRequest, 'a request cannot be cancelled over MCP; people decide it in Slack'),
    );
  }

  public listTasks(): Promise<{ tasks: Task[] }> {
    return Promise.resolve({ tasks: [] });
  }
}
