import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, EventBridgeEvent, SNSEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ingestMessage } from '../app/ingestMessage';
import { ingestRecords } from '../app/ingestRecords';
import type { InboundRecord } from '../app/planRecords';
import type { InboundMessage } from '../domain/messages';
import type { Delivery } from '../domain/origin';
import { isFindingEnvelope } from '../domain/sources';
import { IngestRetryError } from '../errors';
import { loadSummarizer } from './support/loadSummarizer';
import { buildContainer, type Container } from './support/container';
import { processSqsIngestBatch } from './support/sqsIngestBatch';
import { perContainer } from './support/perContainer';

/**
 * Incident notifications and approval requests: from SQS (subscribed to the
 * SNS topics), from SNS directly, or from an EventBridge rule. SQS batches
 * report partial failures, so one bad or stuck record never holds the others.
 */
type IngestEvent = SQSEvent | SNSEvent | EventBridgeEvent<string, unknown>;

interface Ready {
  container: Container;
  process: (
    message: InboundMessage,
    body: string,
    delivery: Delivery,
  ) => Promise<Awaited<ReturnType<typeof ingestMessage>>>;
  idempotency: IdempotencyConfig;
}

/** The container and what this handler adds to it, built on the first invocation. */
const ready = perContainer(init);

async function init(): Promise<Ready> {
  const container = await buildContainer({
    slackRetries: 3,
    paced: true,
    summarizer: loadSummarizer,
  });
  const idempotency = new IdempotencyConfig({ expiresAfterSeconds: 3600 });
  // The same message delivered twice at once (SNS is at-least-once) runs once;
  // the other delivery is retried and then answered from the stored result.
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: container.config.incidentsTable,
    keyAttr: 'pk',
    sortKeyAttr: 'sk',
    staticPkValue: 'IDEMPOTENCY#ingest',
    expiryAttr: 'expiresAt',
  });
  // The first argument (how it was delivered, and the message text) is the idempotency key; the parsed message is
  // what runs. The delivery is part of the key: a public copy of the workflow's own message is never its answer.
  const process = makeIdempotent(
    async (_key: string, message: InboundMessage, delivery: Delivery) =>
      ingestMessage(container.deps, message, delivery),
    {
      persistenceStore,
      config: idempotency,
    },
  );
  return {
    container,
    idempotency,
    process: (message, body, delivery) => process(`${delivery}\n${body}`, message, delivery),
  };
}

/**
 * Extracts the records of any of the three event shapes, each with how it was
 * delivered: through the stack's own workflow topic (the SNS envelope's
 * `TopicArn`, set by SNS, never by the publisher), as a detector's
 * EventBridge event (an `aws.*` source, which only AWS services emit), or
 * anything else (public). What a message says about itself never decides it.
 * @param workflowTopicArn the stack's own workflow topic; unset: nothing is the stack's own
 */
export function toInboundRecords(event: IngestEvent, workflowTopicArn?: string): InboundRecord[] {
  const viaTopic = (topicArn: unknown): Delivery =>
    workflowTopicArn !== undefined && topicArn === workflowTopicArn ? 'own_workflow' : 'public';
  if ('Records' in event && Array.isArray(event.Records)) {
    return event.Records.map((r, i) => {
      if ('Sns' in r)
        return {
          id: r.Sns.MessageId ?? String(i),
          source: 'sns' as const,
          body: r.Sns.Message,
          delivery: viaTopic(r.Sns.TopicArn),
        };
      const sqs = r as SQSEvent['Records'][number];
      // SQS subscribed to SNS carries the SNS envelope; raw delivery carries the message itself.
      try {
        const envelope = JSON.parse(sqs.body) as { Type?: string; Message?: unknown; TopicArn?: unknown };
        if (envelope.Type === 'Notification' && typeof envelope.Message === 'string')
          return {
            id: sqs.messageId,
            source: 'sqs' as const,
            body: envelope.Message,
            delivery: viaTopic(envelope.TopicArn),
          };
      } catch {
        // Not JSON: passed on as is, and rejected with a clear error.
      }
      return { id: sqs.messageId, source: 'sqs' as const, body: sqs.body, delivery: 'public' as const };
    });
  }
  if ('detail' in event) {
    // A detector's event (GuardDuty, Security Hub) is read whole: its source and detail-type say what it is.
    const whole: unknown = event;
    if (isFindingEnvelope(whole) && event.source.startsWith('aws.'))
      return [{ id: event.id, source: 'eventbridge', body: JSON.stringify(whole), delivery: 'detector_rule' }];
    return [{ id: event.id, source: 'eventbridge', body: JSON.stringify(event.detail), delivery: 'public' }];
  }
  return [{ id: 'unknown', source: 'unknown', body: JSON.stringify(event), delivery: 'public' }];
}

/** The Lambda entry point. */
export async function handler(event: IngestEvent, context: Context): Promise<SQSBatchResponse | undefined> {
  const { container, process, idempotency } = await ready();
  idempotency.registerLambdaContext(context);
  container.telemetry.startInvocation(context);
  try {
    const records = toInboundRecords(event, container.config.workflowTopicArn);
    if (isSqsEvent(event)) return await processSqsIngestBatch(container.deps, event, records, process, context);
    // SNS and EventBridge invoke asynchronously: throwing makes Lambda retry, then dead-letter.
    const retry = (await ingestRecords(container.deps, records, process)).filter((o) => o.status === 'retry');
    if (retry.length > 0) {
      throw new IngestRetryError(`ingest failed for ${retry.length} record(s): ${retry[0]?.reason}`, {
        recordIds: retry.map((o) => o.id),
      });
    }
    return undefined;
  } finally {
    container.telemetry.flush();
  }
}

/** An SQS batch (the queue subscribed to the SNS topics), as opposed to SNS or EventBridge invoking directly. */
function isSqsEvent(event: IngestEvent): event is SQSEvent {
  return 'Records' in event && event.Records.some((r) => 'messageId' in r);
}
