import type { WorkflowDecisionOutput } from '../domain/messages';
import type { McpApprovals } from './McpApprovals';
import type { ExecutionStatus, WorkflowGateway } from './WorkflowGateway';

/** The prefix of the internal task token of an agent's MCP request: `mcp:<approvalId>`. It never leaves chainsec. */
export const MCP_TOKEN_PREFIX = 'mcp:';

/** The internal task token of an MCP approval request. */
export const mcpTaskToken = (approvalId: string): string => `${MCP_TOKEN_PREFIX}${approvalId}`;

/**
 * A {@link WorkflowGateway} for every kind of requester: a decision on a
 * request an agent made over MCP is stored for the agent to fetch (there is no
 * workflow to resume); any other token goes to Step Functions. The decision
 * path (vote, expiry, re-drive) stays one path whoever asked.
 */
export class McpWorkflowGateway implements WorkflowGateway {
  public constructor(
    private readonly workflows: WorkflowGateway,
    private readonly approvals: McpApprovals,
  ) {}

  public resume(taskToken: string, output: WorkflowDecisionOutput): Promise<void> {
    if (!taskToken.startsWith(MCP_TOKEN_PREFIX)) return this.workflows.resume(taskToken, output);
    return this.approvals.deliver(taskToken.slice(MCP_TOKEN_PREFIX.length), output);
  }

  public async fail(taskToken: string, error: string, cause: string): Promise<void> {
    // An MCP request has no task to fail: its id is fresh per call, so ingest never refuses it as a duplicate.
    if (!taskToken.startsWith(MCP_TOKEN_PREFIX)) await this.workflows.fail(taskToken, error, cause);
  }

  public describe(executionArn: string): Promise<{ status: ExecutionStatus; output?: unknown } | undefined> {
    return this.workflows.describe(executionArn);
  }
}
