import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { WorkflowTokenGoneError } from '../../errors';
import type { WorkflowDecisionOutput } from '../../domain/messages';
import type { McpApproval, McpApprovals, ToolCallForward } from '../McpApprovals';
import {
  BY_DAY_INDEX,
  epochSeconds,
  isConditionFailure,
  ITEM_ABSENT,
  mcpAgentIndexKeys,
  mcpApprovalKey,
} from './tableLayout';

/** {@link McpApprovals} as `MCP#` items of the incidents table, removed by TTL after `expiresAt`. */
export class DynamoDbMcpApprovals implements McpApprovals {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async create(approval: McpApproval): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...mcpApprovalKey(approval.approvalId),
          ...mcpAgentIndexKeys(approval.agent, approval.requestedAt, approval.approvalId),
          approval,
          expiresAt: epochSeconds(new Date(approval.expiresAt)),
        },
        ConditionExpression: ITEM_ABSENT,
      }),
    );
  }

  public async get(approvalId: string): Promise<McpApproval | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: mcpApprovalKey(approvalId), ConsistentRead: true }),
    );
    return out.Item ? (out.Item.approval as McpApproval) : undefined;
  }

  public async deliver(approvalId: string, outcome: WorkflowDecisionOutput): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mcpApprovalKey(approvalId),
          UpdateExpression: 'SET approval.outcome = :o',
          // Once: a re-drive of the same decision finds it there (same ledger hash) and changes nothing.
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(approval.outcome) OR approval.outcome.ledgerHash = :h)',
          ExpressionAttributeValues: { ':o': outcome, ':h': outcome.ledgerHash },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new WorkflowTokenGoneError('McpApprovalGone', { cause: e });
      throw e;
    }
  }

  public async claimForward(approvalId: string, forward: ToolCallForward): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mcpApprovalKey(approvalId),
          UpdateExpression: 'SET approval.#f = :f',
          // Exactly once: a retry, a second poll or a second instance finds it claimed.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(approval.#f)',
          ExpressionAttributeNames: { '#f': 'forward' },
          ExpressionAttributeValues: { ':f': forward },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  public async finishForward(approvalId: string, forward: ToolCallForward): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: mcpApprovalKey(approvalId),
        UpdateExpression: 'SET approval.#f = :f',
        // Only the claim's holder finishes it (same claim instant), and only once.
        ConditionExpression:
          'approval.#f.claimedAt = :c AND attribute_not_exists(approval.#f.#r) AND attribute_not_exists(approval.#f.failure)',
        ExpressionAttributeNames: { '#f': 'forward', '#r': 'result' },
        ExpressionAttributeValues: { ':f': forward, ':c': forward.claimedAt },
      }),
    );
  }

  public async listForAgent(agent: string, limit: number): Promise<McpApproval[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: BY_DAY_INDEX,
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': mcpAgentIndexKeys(agent).gsi1pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => i.approval as McpApproval);
  }
}
