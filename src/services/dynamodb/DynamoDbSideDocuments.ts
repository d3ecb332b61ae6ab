import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SideDocuments, SideDocumentWrite, VersionedDoc } from '../SideDocuments';
import { queryAll } from './documentClient';
import {
  docKey,
  epochSeconds,
  isConditionFailure,
  ITEM_ABSENT,
  OPEN_DOCS,
  PENDING_INDEX,
  versionIs,
} from './tableLayout';

/** {@link SideDocuments} as `DOC#` items of the incidents table; open ones under `OPEN_DOCS` in the `pending` index. */
export class DynamoDbSideDocuments implements SideDocuments {
  public constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  public async get<T>(key: string): Promise<VersionedDoc<T> | undefined> {
    const read = new GetCommand({ TableName: this.table, Key: docKey(key), ConsistentRead: true });
    const out = await this.client.send(read);
    return out.Item ? { value: out.Item.value as T, version: Number(out.Item.version) } : undefined;
  }

  public async put<T>(key: string, value: T, expectedVersion: number, options: SideDocumentWrite): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...docKey(key),
            key,
            value,
            version: expectedVersion + 1,
            expiresAt: epochSeconds(options.now) + options.ttlSeconds,
            ...(options.open && { pendingPk: OPEN_DOCS, pendingSk: key }),
          },
          ...(expectedVersion === 0 ? { ConditionExpression: ITEM_ABSENT } : versionIs(expectedVersion)),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  public async listOpen<T>(): Promise<Array<VersionedDoc<T> & { key: string }>> {
    const items = await queryAll(this.client, {
      TableName: this.table,
      IndexName: PENDING_INDEX,
      KeyConditionExpression: 'pendingPk = :p',
      ExpressionAttributeValues: { ':p': OPEN_DOCS },
    });
    return items.map((i) => ({ key: String(i.key), value: i.value as T, version: Number(i.version) }));
  }
}
