import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters } from '../Counters';
import { counterKey, epochSeconds } from './tableLayout';

/** {@link Counters} as `COUNT#` items of the incidents table, expired by TTL. */
export class DynamoDbCounters implements Counters {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async increment(key: string, ttlSeconds: number, now: Date): Promise<number> {
    const out = await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: counterKey(key),
        UpdateExpression: 'ADD #n :one SET expiresAt = if_not_exists(expiresAt, :exp)',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1, ':exp': epochSeconds(now) + ttlSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.n ?? 0);
  }
}
