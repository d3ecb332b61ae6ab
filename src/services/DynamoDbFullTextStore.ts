import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FullTextUnavailableError } from '../errors';
import { fullTextDocument, splitUtf8, type LongText } from '../domain/payloadBounds';
import { buildDocumentClient } from './dynamodb/documentClient';
import type { FullTextStore } from './FullTextStore';

/** Options of {@link DynamoDbFullTextStore}. */
export interface DynamoDbFullTextStoreOptions {
  incidentsTable: string;
  callTimeoutMs: number;
  /** Injected for tests; built from the environment otherwise. */
  client?: DynamoDBDocumentClient;
  /** UTF-8 bytes of text per item (tests use small parts); default {@link PART_BYTES}. */
  partBytes?: number;
}

/** Text per item: a DynamoDB item is at most 400 KB, names and keys included. */
export const PART_BYTES = 300_000;
/** More parts than this is not text an incident can carry (the raw event is at most 256 KiB). */
const MAX_PARTS = 40;

const partKey = (n: number): string => `PART#${String(n).padStart(4, '0')}`;

/**
 * {@link FullTextStore} in the incidents table: one document per SHA-256,
 * `pk = FULLTEXT#<sha256>`, split into parts of at most {@link PART_BYTES}
 * (`sk = PART#0000`, ...), each part naming how many there are. The parts are
 * written with plain puts: a document is only ever read whole and checked
 * against its hash, so a half-written one reads as unavailable, never as wrong.
 */
export class DynamoDbFullTextStore implements FullTextStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly partBytes: number;

  public constructor(options: DynamoDbFullTextStoreOptions) {
    this.table = options.incidentsTable;
    this.partBytes = options.partBytes ?? PART_BYTES;
    this.doc = options.client ?? buildDocumentClient(options.callTimeoutMs);
  }

  public async put(incidentId: string, full: LongText): Promise<{ sha256: string; bytes: number }> {
    const { json, sha256, bytes } = fullTextDocument(full);
    const parts = splitUtf8(json, this.partBytes);
    if (parts.length > MAX_PARTS)
      throw new RangeError(`full text of ${incidentId} is ${bytes} bytes, over ${MAX_PARTS} parts`);
    await Promise.all(
      parts.map((text, n) =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: `FULLTEXT#${sha256}`, sk: partKey(n), incidentId, parts: parts.length, bytes, text },
          }),
        ),
      ),
    );
    return { sha256, bytes };
  }

  public async get(sha256: string): Promise<LongText | undefined> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': `FULLTEXT#${sha256}` },
          ConsistentRead: true,
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    if (items.length === 0) return undefined;
    const expected = Number(items[0]!.parts);
    if (items.length !== expected)
      throw new FullTextUnavailableError(`${items.length} of ${expected} parts stored`, { sha256 });
    const json = items
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .map((i) => String(i.text))
      .join('');
    if (createHash('sha256').update(json, 'utf8').digest('hex') !== sha256)
      throw new FullTextUnavailableError('stored text does not match its hash', { sha256 });
    return JSON.parse(json) as LongText;
  }
}
