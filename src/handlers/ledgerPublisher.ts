import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { getConfig } from '../config';
import { DynamoDbIncidentStore } from '../services/DynamoDbIncidentStore';
import { documentClient } from '../services/dynamoDbClient';
import { PowertoolsTelemetry } from '../services/PowertoolsTelemetry';
import { publishFromStream } from './support/ledgerStreamBatches';

interface Ready {
  store: DynamoDbIncidentStore;
  telemetry: PowertoolsTelemetry;
}
let ready: Ready | undefined;

/** The store and telemetry only: no Slack, no KMS (the entries are signed already). */
function init(): Ready {
  const config = getConfig();
  const store = new DynamoDbIncidentStore({
    incidentsTable: config.incidentsTable,
    ledgerTable: config.ledgerTable,
    callTimeoutMs: config.callTimeoutMs,
    client: documentClient(config.callTimeoutMs),
  });
  return { store, telemetry: new PowertoolsTelemetry() };
}

/**
 * The outbox publisher, on the incidents table's stream (NEW_IMAGE, filtered
 * to incidents holding unpublished entries): publishes them seconds after
 * their commit. Partial batch failures are reported (ReportBatchItemFailures).
 */
export async function handler(event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> {
  ready ??= init();
  try {
    return await publishFromStream(ready, event, context);
  } finally {
    ready.telemetry.flush();
  }
}
