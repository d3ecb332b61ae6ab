import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { WorkflowTokenGoneError } from '../../errors';
import type { WorkflowDecisionOutput } from '../../domain/messages';
import type { McpApproval, McpApprovals } from '../McpApprovals';
import { epochSeconds, isConditionFailure, ITEM_ABSENT, mcpApprovalKey } from './tableLayout';

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
}
