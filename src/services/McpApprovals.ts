import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { WorkflowDecisionOutput } from '../domain/messages';
import type { ApprovalTier } from '../domain/tiers';

/** An approval an agent asked for over MCP: whose it is, its incident, and its outcome once decided. */
export interface McpApproval {
  /** The opaque id the agent holds (also its MCP task id). */
  approvalId: string;
  /** The agent that asked: only it may read the request. */
  agent: string;
  incidentId: string;
  tier: ApprovalTier;
  requestedAt: string;
  /** After this instant the request is gone for the agent (the task's TTL): refused like an unknown id. */
  expiresAt: string;
  /** The decision as chainsec delivered it (what a workflow would be resumed with); absent while people decide. */
  outcome?: WorkflowDecisionOutput;
  /** Set when the request holds a call to another MCP server (the governing proxy): what people approve. */
  toolCall?: HeldToolCall;
  /** The forward of an approved tool call: claimed once, then its outcome. */
  forward?: ToolCallForward;
}

/** A tool call held for people: exactly what is forwarded once they approve. */
export interface HeldToolCall {
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  /** The policy rule that held it. */
  rule: string;
}

/** The one forward of an approved tool call. */
export interface ToolCallForward {
  claimedAt: string;
  /** The ledger chain recording the forward. */
  chain: string;
  /** Once the upstream answered: its result (bounded), or why the call failed. */
  result?: CallToolResult;
  failure?: string;
}

/**
 * Where agents' approval requests and their decisions live (DynamoDB in AWS,
 * so any instance of the MCP function answers).
 */
export interface McpApprovals {
  /** Stores a new request (its id is fresh: a second create of the same id is a bug and throws). */
  create(approval: McpApproval): Promise<void>;
  /** The request, whoever owns it, or undefined. Callers check the owner and the expiry. */
  get(approvalId: string): Promise<McpApproval | undefined>;
  /**
   * Stores the decision once; the same decision again (a re-drive) is a no-op.
   * @throws WorkflowTokenGoneError when the request is gone (expired and removed) or holds another decision
   */
  deliver(approvalId: string, outcome: WorkflowDecisionOutput): Promise<void>;
  /**
   * Claims the forward of an approved tool call: true for the one caller that
   * claims it first (a conditional write), false for every other.
   */
  claimForward(approvalId: string, forward: ToolCallForward): Promise<boolean>;
  /** Records the claimed forward's outcome. */
  finishForward(approvalId: string, forward: ToolCallForward): Promise<void>;
  /** The agent's most recent requests, newest first (expired ones included: callers filter). */
  listForAgent(agent: string, limit: number): Promise<McpApproval[]>;
}
