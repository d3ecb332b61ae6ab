import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { WorkflowTokenGoneError } from '../../errors';
import type { WorkflowDecisionOutput } from '../../domain/messages';
import type { McpApproval, McpApprovals } from '../McpApprovals';
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
