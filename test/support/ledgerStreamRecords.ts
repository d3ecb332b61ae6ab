import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { LedgerEntry } from '../../src/domain/ledger';
import type { LedgerFeed } from '../../src/services/LedgerFeed';

type Image = Record<string, SdkAttributeValue>;
let sequence = 1000;

/**
 * A DynamoDB stream record as Lambda delivers it (NEW_IMAGE), from an item's
 * real attribute values (a low-level GetItem answer is exactly a NewImage).
 */
export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  keys: Image,
  image: Image | undefined,
  table = 'incidents',
): DynamoDBRecord {
  const SequenceNumber = String(++sequence).padStart(21, '0');
  return {
    eventID: `ev-${SequenceNumber}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/2026-12-01T00:00:00.000`,
    dynamodb: {
      ApproximateCreationDateTime: 1_764_547_200,
      Keys: keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      ...(image && { NewImage: image as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'] }),
      SequenceNumber,
      SizeBytes: JSON.stringify(image ?? keys).length,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

export const streamEvent = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** A {@link LedgerFeed} that keeps what it was given; `failOn` refuses entries of one incident. */
export class RecordingLedgerFeed implements LedgerFeed {
  public readonly emitted: LedgerEntry[] = [];
  public failOn?: string;

  public async emit(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.some((e) => e.incidentId === this.failOn)) throw new Error(`feed refused ${this.failOn}`);
    this.emitted.push(...entries);
  }
}
