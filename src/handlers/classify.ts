import type { Context } from 'aws-lambda';
import { getConfig } from '../config';
import { systemClock } from '../domain/clock';
import { classifyInput, type ClassifiedState, type IgnoredState } from '../app/classifyEvent';
import { DynamoDbFullTextStore } from '../services/DynamoDbFullTextStore';
import { buildDocumentClient } from '../services/dynamodb/documentClient';
import { DynamoDbRejectedPayloads } from '../services/dynamodb/DynamoDbRejectedPayloads';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';

const config = getConfig();
const telemetry = new PowertoolsTelemetry();
const rejected = new DynamoDbRejectedPayloads(buildDocumentClient(config.callTimeoutMs), config.incidentsTable);

const fullText = new DynamoDbFullTextStore({
  incidentsTable: config.incidentsTable,
  callTimeoutMs: config.callTimeoutMs,
});

/** The workflow's Classify task: no Slack, no signing; only the rejected store (bad events) and the long-text store. */
export async function handler(
  event: { event: unknown; executionArn?: string },
  context?: Context,
): Promise<ClassifiedState | IgnoredState> {
  telemetry.startInvocation(context);
  try {
    return await classifyInput({ config, clock: systemClock, rejected, fullText, telemetry }, event);
  } finally {
    telemetry.flush();
  }
}
