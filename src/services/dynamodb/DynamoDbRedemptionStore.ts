import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RedemptionStore } from '../../receipts/redeemReceipt';
import { buildDocumentClient } from './documentClient';

/** Options of {@link DynamoDbRedemptionStore}. */
export interface DynamoDbRedemptionStoreOptions {
  /** A table with a string partition key `pk` (TTL on `ttl` recommended). */
  tableName: string;
  callTimeoutMs: number;
  client?: DynamoDBDocumentClient;
}

/** Days a redemption is kept past its receipt's expiry (the table's TTL then removes it). */
const KEEP_DAYS_AFTER_EXPIRY = 7;

/**
 * {@link RedemptionStore} on a DynamoDB table: one conditional put per
 * redemption (`attribute_not_exists(pk)`), so exactly one of concurrent
 * redemptions of a receipt succeeds.
 */
export class DynamoDbRedemptionStore implements RedemptionStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  public constructor(options: DynamoDbRedemptionStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? buildDocumentClient(options.callTimeoutMs);
  }

  public async redeemOnce(
    key: string,
    keepUntil: Date,
    facts: { incidentId: string; redeemedBy: string },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: key,
            incidentId: facts.incidentId,
            redeemedBy: facts.redeemedBy,
            redeemedAt: new Date().toISOString(),
            ttl: Math.ceil(keepUntil.getTime() / 1000) + KEEP_DAYS_AFTER_EXPIRY * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException')
        return false;
      throw e;
    }
  }
}
