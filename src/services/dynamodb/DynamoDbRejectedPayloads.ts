import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeptPayload, RejectedPayload, RejectedPayloads } from '../RejectedPayloads';
import { REJECTED } from './tableLayout';

/** DynamoDB items are at most 400 KB; rejected payloads are cut to this. */
const MAX_KEPT_PAYLOAD = 300_000;

/** {@link RejectedPayloads} under one `REJECTED` partition of the incidents table, sorted by time. */
export class DynamoDbRejectedPayloads implements RejectedPayloads {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async keep(rejected: RejectedPayload): Promise<string> {
    const id = `${rejected.at}#${randomUUID()}`;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: REJECTED,
          sk: id,
          ...rejected,
          payload: rejected.payload.slice(0, MAX_KEPT_PAYLOAD),
          truncated: rejected.payload.length > MAX_KEPT_PAYLOAD,
        },
      }),
    );
    return id;
  }

  public async list(limit: number): Promise<KeptPayload[]> {
    // One page of `limit`, newest first: no pagination wanted here.
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': REJECTED },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      source: String(i.source),
      code: String(i.code),
      reason: String(i.reason),
      payload: String(i.payload),
      bytes: Number(i.bytes),
      sha256: String(i.sha256),
      at: String(i.at),
      id: String(i.sk),
      truncated: i.truncated === true,
    }));
  }
}
