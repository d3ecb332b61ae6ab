import type { SQSEvent } from 'aws-lambda';

/**
 * An SQS event from the ingest queue as Lambda delivers it: one record per
 * body, message ids `m0`, `m1`, … in order, received once.
 * @param bodies the records' bodies, as sent
 */
export function ingestQueueEvent(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'x',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:chainsec-ingest',
      awsRegion: 'us-east-1',
    })),
  };
}
